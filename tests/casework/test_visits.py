"""Festival campaigns from pairings, visit logs by helpers, completion, seeded spot checks."""

from datetime import timedelta

from sqlalchemy import func, select

from charity.casework.models import Referral
from charity.extensions import db
from charity.timeutil import local_today
from charity.visits import operations
from charity.visits.models import SpotCheck, VisitTask
from tests.factories import CadreFactory, PairingFactory, UserFactory, VisitCampaignFactory, street


def test_a_campaign_gives_each_active_pairing_one_task(session):
    active = PairingFactory()
    PairingFactory(status="proposed")
    PairingFactory(status="ended")
    today = local_today()
    opened = operations.open_campaign("mid_autumn", today.year, today - timedelta(days=5),
                                      today + timedelta(days=5))
    assert [(t.pairing_id, t.status) for t in opened.tasks] == [(active.id, "pending")]
    late = PairingFactory(cadre__street_name="解放碑")
    assert operations.generate_tasks(opened) == 1
    assert operations.generate_tasks(opened) == 0
    assert {t.pairing_id for t in opened.tasks} == {active.id, late.id}


def test_the_same_festival_twice_a_year_is_refused(app, session):
    opened = VisitCampaignFactory()
    with app.test_request_context("/?lang=en"):
        try:
            operations.open_campaign(opened.festival, opened.year, opened.starts_on,
                                     opened.ends_on)
        except operations.VisitError as error:
            assert "already open" in str(error)
        else:
            raise AssertionError("a second campaign was opened")


def test_cadre_logs_a_visit_and_its_needs_open_referrals(client, auth, session):
    pairing = PairingFactory(person__name="走访对象", person__monthly_income_fen=123456,
                             cadre__with_user=True)
    person = pairing.person
    task = VisitCampaignFactory().tasks[0]
    auth.login(pairing.cadre.user)
    client.get("/lang/en")
    listing = client.get("/visits/").get_data(as_text=True)
    assert "走访对象" in listing and "Log the visit" in listing
    page = client.get(f"/visits/tasks/{task.id}").get_data(as_text=True)
    assert person.id_number_masked in page and "1,234.56" not in page and "1234" not in page
    response = client.post(f"/visits/tasks/{task.id}", data={
        "visited_on": local_today().isoformat(), "notes": "送去慰问品",
        "needs": ["medical_cover", "employment_services"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(VisitTask, task.id).status == "done"
    referrals = db.session.scalars(select(Referral).where(Referral.visit_task_id == task.id))
    assert sorted(r.measure for r in referrals) == ["employment_services", "medical_cover"]


def test_a_future_visit_is_refused_with_400_and_nothing_written(client, auth, session):
    pairing = PairingFactory(cadre__with_user=True)
    task = VisitCampaignFactory().tasks[0]
    auth.login(pairing.cadre.user)
    client.get("/lang/en")
    response = client.post(f"/visits/tasks/{task.id}", data={
        "visited_on": (local_today() + timedelta(days=1)).isoformat(), "notes": "x",
        "needs": ["medical_cover"]})
    assert response.status_code == 400
    assert "cannot be in the future" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(VisitTask, task.id).status == "pending"
    assert db.session.scalar(select(func.count(Referral.id))) == 0


def test_a_helper_sees_only_their_own_tasks(client, auth, session):
    mine, theirs = CadreFactory(with_user=True), CadreFactory(with_user=True)
    PairingFactory(person__name="我的对象", cadre=mine)
    PairingFactory(person__name="别人的对象", cadre=theirs)
    opened = VisitCampaignFactory()
    other_task = next(t for t in opened.tasks if t.pairing.cadre_id == theirs.id)
    auth.login(mine.user)
    listing = client.get("/visits/").get_data(as_text=True)
    assert "我的对象" in listing and "别人的对象" not in listing
    assert client.get(f"/visits/tasks/{other_task.id}").status_code == 404
    assert client.get("/casework/gaps").status_code == 403


def test_a_helper_whose_pairing_ended_loses_the_task(client, auth, session):
    from charity.pairing import operations as pairing_operations

    pairing = PairingFactory(person__name="已结束", cadre__with_user=True)
    task = VisitCampaignFactory().tasks[0]
    pairing_operations.forbid(pairing, "conflict of interest")
    auth.login(pairing.cadre.user)
    assert "已结束" not in client.get("/visits/").get_data(as_text=True)
    assert client.get(f"/visits/tasks/{task.id}").status_code == 404
    logged = client.post(f"/visits/tasks/{task.id}", data={
        "visited_on": local_today().isoformat(), "notes": "x"})
    assert logged.status_code == 404


def log_all(opened):
    for task in opened.tasks:
        operations.log_visit(task, local_today(), "ok", [], local_today())


def test_spot_check_sample_is_random_and_reproducible_from_its_seed(session):
    ids = list(range(1, 201))
    assert operations.sample(ids, 10, 7) == operations.sample(list(reversed(ids)), 10, 7)
    assert operations.sample(ids, 10, 7) != operations.sample(ids, 10, 8)
    assert len(set(operations.sample(ids, 10, 7))) == 10
    assert operations.sample(ids[:3], 10, 7) == [1, 2, 3]
    PairingFactory.create_batch(12)
    opened = VisitCampaignFactory()
    log_all(opened)
    first = operations.draw_spot_check(opened, 5, None, seed=42)
    again = operations.draw_spot_check(opened, 5, None, seed=42)
    assert [i.task_id for i in first.items] == [i.task_id for i in again.items]
    assert len(first.items) == 5


def test_completion_per_street_and_scoped_spot_checks(client, auth, session):
    for street_name in ("七星岗", "七星岗", "解放碑"):
        PairingFactory(street_name=street_name)
    opened = VisitCampaignFactory()
    operations.log_visit(opened.tasks[0], local_today(), "ok", [], local_today())
    other_street = street("解放碑").id
    other_task = next(t for t in opened.tasks if t.person.household.street_id == other_street)
    operations.log_visit(other_task, local_today(), "ok", [], local_today())
    district_check = operations.draw_spot_check(opened, 2, None, seed=1)
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    page = client.get(f"/visits/campaigns/{opened.id}").get_data(as_text=True)
    assert "七星岗" in page and "解放碑" not in page and "50.0%" in page
    assert client.get(f"/visits/spot-checks/{district_check.id}").status_code == 404
    refused = client.post(f"/visits/campaigns/{opened.id}/spot-checks",
                          data={"size": 5, "seed": 9, "street": str(other_street)})
    assert refused.status_code == 400
    own_street = str(street("七星岗").id)
    response = client.post(f"/visits/campaigns/{opened.id}/spot-checks",
                           data={"size": 5, "seed": 9, "street": own_street})
    assert response.status_code == 302
    check = db.session.scalar(select(SpotCheck).order_by(SpotCheck.id.desc()))
    assert check.street_id == street("七星岗").id and len(check.items) == 1
    item = check.items[0]
    bad = client.post(f"/visits/spot-checks/{check.id}/items/{item.id}",
                      data={"outcome": "pending", "checked_on": local_today().isoformat()})
    assert bad.status_code == 400
    ok = client.post(f"/visits/spot-checks/{check.id}/items/{item.id}", data={
        "outcome": "discrepancy", "notes": "对象称未见到", "checked_on": local_today().isoformat()})
    assert ok.status_code == 302
    db.session.expire_all()
    assert check.items[0].outcome == "discrepancy"
