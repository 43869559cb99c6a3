"""Disaster relief (measure 8): incidents, affected households, relief by sub-type through the
ledger with four eyes, the insurance rule, street scope, bad input and double payment."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from charity.audit.models import AuditEntry
from charity.disaster import operations as ops
from charity.disaster.models import Relief
from charity.errors import DomainError
from charity.extensions import db
from charity.fund import operations as ledger
from charity.fund import queries as fund_queries
from charity.fund.models import JournalEntry
from charity.fund.verify import verify
from charity.timeutil import local_today
from tests.factories import PersonFactory, UserFactory
from tests.factories.base import street

OTHER = "解放碑"


@pytest.fixture
def officer(session):
    return UserFactory(role="street_officer")


@pytest.fixture
def money(session):
    ledger.record_gift(amount_fen=5_000_000, designation="measure:8", reference="seed-8")


@pytest.fixture
def victim(session):
    return PersonFactory()


def _incident(officer, victim, loss_fen=2_000_000, open_=True):
    incident = ops.create_incident("flood", local_today() - timedelta(days=3),
                                   victim.household.street, "较场口", "暴雨", officer)
    affected = ops.add_household(incident, victim.household, loss_fen, officer)
    if open_:
        ops.open_for_relief(incident, officer)
    return incident, affected


def test_an_incident_without_households_cannot_be_opened(officer, victim):
    incident = ops.create_incident("fire", local_today(), victim.household.street, "七星岗",
                                   "", officer)
    with pytest.raises(DomainError, match="without affected households"):
        ops.open_for_relief(incident, officer)
    assert incident.state == "recording"


def test_a_day_in_the_future_and_an_unknown_kind_are_refused(officer, victim):
    with pytest.raises(DomainError, match="Choose a day"):
        ops.create_incident("flood", local_today() + timedelta(days=2),
                            victim.household.street, "x", "", officer)
    with pytest.raises(DomainError, match="Unknown kind"):
        ops.create_incident("meteor", local_today(), victim.household.street, "x", "", officer)


def test_relief_waits_for_the_incident_to_open(officer, victim):
    _incident_, affected = _incident(officer, victim, open_=False)
    with pytest.raises(DomainError, match="opened for relief"):
        ops.propose_emergency(affected, 10_000, "", officer)


def test_emergency_relief_is_paid_through_the_ledger_with_four_eyes(officer, victim, money,
                                                                    checker, maker):
    _, affected = _incident(officer, victim)
    relief = ops.propose_emergency(affected, 1_500_000, "房屋受损", officer)
    with pytest.raises(DomainError, match="cannot approve"):
        ops.approve(relief, officer)
    ops.approve(relief, checker)
    ops.pay(relief, maker)
    assert relief.state == "paid"
    entry = db.session.scalar(select(JournalEntry).where(
        JournalEntry.reference == f"disaster:{relief.id}"))
    assert entry is not None and entry.kind == "payment"
    assert fund_queries.balance("restricted:measure:8") == 3_500_000
    assert verify().ok
    with pytest.raises(DomainError, match="Only an approved"):
        ops.pay(relief, maker)


def test_emergency_relief_is_bounded_by_the_loss_net_of_insurance(officer, victim, checker):
    _, affected = _incident(officer, victim, loss_fen=2_000_000)
    ops.record_insurance(affected, local_today() - timedelta(days=2), local_today(), 1_200_000,
                         officer)
    assert affected.net_loss_fen == 800_000
    with pytest.raises(DomainError, match="exceeds the assessed loss"):
        ops.propose_emergency(affected, 800_001, "", officer)
    relief = ops.propose_emergency(affected, 800_000, "", officer)
    # the insurance pays more meanwhile: the approval re-checks and refuses
    ops.record_insurance(affected, local_today() - timedelta(days=2), local_today(), 1_500_000,
                         officer)
    with pytest.raises(DomainError, match="exceeds the assessed loss"):
        ops.approve(relief, checker)
    assert relief.state == "proposed"


def test_a_second_emergency_relief_is_refused(officer, victim):
    _, affected = _incident(officer, victim)
    ops.propose_emergency(affected, 10_000, "", officer)
    with pytest.raises(DomainError, match="already recorded"):
        ops.propose_emergency(affected, 10_000, "", officer)
    assert db.session.scalar(select(func.count(Relief.id))) == 1


def test_condolence_once_per_deceased_member_of_the_household(officer, victim):
    _, affected = _incident(officer, victim)
    ops.propose_condolence(affected, victim, 2_000_000, "", officer)
    with pytest.raises(DomainError, match="already recorded"):
        ops.propose_condolence(affected, victim, 2_000_000, "", officer)
    with pytest.raises(DomainError, match="member of this household"):
        ops.propose_condolence(affected, PersonFactory(), 2_000_000, "", officer)


def test_transition_months_inside_the_window_once_each(officer, victim, money, checker, maker):
    incident, affected = _incident(officer, victim)
    first = ops.month_start(incident.occurred_on)
    ops.plan_transition(affected, 80_000, first, 3, officer)
    months = [ops.propose_month(affected, ops.add_months(first, i), officer) for i in range(3)]
    assert [r.slot for r in months][0] == f"m:{first:%Y-%m}"
    with pytest.raises(DomainError, match="outside the transition window"):
        ops.propose_month(affected, ops.add_months(first, 3), officer)
    with pytest.raises(DomainError, match="already recorded"):
        ops.propose_month(affected, first, officer)
    ops.approve(months[0], checker)
    ops.pay(months[0], maker)
    ops.approve(months[2], checker)
    with pytest.raises(DomainError, match="no earlier than"):
        ops.pay(months[2], maker, today=first)


def test_absurd_amounts_and_months_are_refused(officer, victim):
    incident, affected = _incident(officer, victim)
    for amount in (0, -5, 10**15):
        with pytest.raises(DomainError, match="Write an amount"):
            ops.propose_emergency(affected, amount, "", officer)
    with pytest.raises(DomainError, match="1 to 12 months"):
        ops.plan_transition(affected, 1_000, incident.occurred_on, 13, officer)
    with pytest.raises(DomainError, match="within a year"):
        ops.plan_transition(affected, 1_000, date(2001, 1, 1), 3, officer)
    with pytest.raises(DomainError, match="An insurance payment needs"):
        ops.record_insurance(affected, None, local_today(), 100, officer)
    with pytest.raises(DomainError, match="Write an amount"):
        ops.add_household(incident, PersonFactory().household, -1, officer)


def test_the_pages_show_the_incident_and_keep_to_the_street(client, auth, officer, victim):
    incident, affected = _incident(officer, victim)
    ops.propose_emergency(affected, 50_000, "", officer)
    other = PersonFactory(street_name=OTHER)
    db.session.flush()
    auth.login(officer)
    assert "较场口" in client.get("/disaster/").get_data(as_text=True)
    page = client.get(f"/disaster/{incident.id}/households/{affected.id}")
    assert page.status_code == 200 and victim.household.code in page.get_data(as_text=True)
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    response = client.post(f"/disaster/{incident.id}/households",
                           data={"member": str(other.id)})
    assert response.status_code == 400
    assert "您的名册中没有该人员" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEntry.id))) > before
    assert len(incident.households) == 1
    foreign = ops.create_incident("storm", local_today(), street(OTHER), "解放碑", "", officer)
    db.session.flush()
    assert client.get(f"/disaster/{foreign.id}").status_code == 404


def test_a_new_incident_through_the_form(client, auth, officer, victim):
    auth.login(officer)
    response = client.post("/disaster/new", data={
        "kind": "landslide", "occurred_on": (local_today() + timedelta(days=5)).isoformat(),
        "street": victim.household.street_id, "place": "山城步道"})
    assert response.status_code == 400
    response = client.post("/disaster/new", data={
        "kind": "landslide", "occurred_on": local_today().isoformat(),
        "street": victim.household.street_id, "place": "山城步道"})
    assert response.status_code == 302
    page = client.post(response.headers["Location"] + "/open", data={})
    assert page.status_code == 400
    assert "没有受灾户的灾害不能开放救助" in page.get_data(as_text=True)


def test_a_rejected_relief_frees_its_slot_a_live_one_keeps_it(officer, victim, money, checker,
                                                              maker):
    _, affected = _incident(officer, victim)
    first = ops.propose_emergency(affected, 10_000, "", officer)
    ops.reject(first, checker, "金额不对")
    again = ops.propose_emergency(affected, 20_000, "", officer)
    assert again.id != first.id and again.slot == first.slot
    with pytest.raises(DomainError, match="already recorded"):
        ops.propose_emergency(affected, 20_000, "", officer)
    ops.approve(again, checker)
    ops.pay(again, maker)
    with pytest.raises(DomainError, match="already recorded"):
        ops.propose_emergency(affected, 5_000, "", officer)
    states = db.session.scalars(select(Relief.state).order_by(Relief.id)).all()
    assert states == ["rejected", "paid"]


def test_the_database_refuses_a_second_live_relief_in_a_slot(officer, victim):
    from sqlalchemy.exc import IntegrityError

    _, affected = _incident(officer, victim)
    ops.propose_emergency(affected, 10_000, "", officer)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Relief(affected_id=affected.id, subtype="emergency", slot="",
                              amount_fen=10_000, state="proposed", created_by_id=officer.id))
    with db.session.begin_nested():  # a rejected one beside it is allowed
        db.session.add(Relief(affected_id=affected.id, subtype="emergency", slot="",
                              amount_fen=10_000, state="rejected", created_by_id=officer.id))


def test_relief_is_proposed_through_the_household_page_once(client, auth, officer, victim):
    _, affected = _incident(officer, victim)
    db.session.flush()
    auth.login(officer)
    url = f"/disaster/{affected.incident_id}/households/{affected.id}/emergency"
    response = client.post(url, data={"amount": "300.00", "note": "房屋受损"})
    assert response.status_code == 302
    again = client.post(url + "?lang=en", data={"amount": "300.00"})
    assert again.status_code == 400
    assert "already recorded" in again.get_data(as_text=True)
    assert db.session.scalars(select(Relief.amount_fen)).all() == [30_000]
    unknown = client.post(url.replace("emergency", "bonus"), data={"amount": "1"})
    assert unknown.status_code in (404, 405)


def test_a_household_is_added_by_picking_one_of_its_members(client, auth, officer, victim):
    incident = ops.create_incident("fire", local_today(), victim.household.street, "较场口", "",
                                   officer)
    neighbour = PersonFactory(street_name=victim.household.street.name)
    db.session.flush()
    auth.login(officer)
    search = client.get(f"/registry/people/search?q={neighbour.household.code}").get_json()
    assert [found["id"] for found in search["results"]] == [neighbour.id]
    response = client.post(f"/disaster/{incident.id}/households",
                           data={"member": str(neighbour.id), "loss": "8000"})
    assert response.status_code == 302
    db.session.refresh(incident)
    assert [h.household_id for h in incident.households] == [neighbour.household_id]
    assert incident.households[0].loss_fen == 800_000
