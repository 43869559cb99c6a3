"""Sponsorship through the optimiser: pledges are `matching.Sponsor`s, enrolled people who fit
are the beneficiaries; budgets, designations and "sponsored once" hold, and the donor sees an
anonymised profile and the entries of the sponsorship's fund. A pledge pairs people only as
money for it is received, expires if none comes in time, and only donors pledge."""

from datetime import date, timedelta
from itertools import count

from sqlalchemy import select

from charity.district.models import Street
from charity.timeutil import local_today
from donations.sponsorship import operations as sponsorship
from donations.sponsorship.models import SponsoredPerson, Sponsorship
from tests import factories

YEAR = local_today().year


def tekun(street="七星岗", **fields):
    person = factories.PersonFactory(category="tekun", household__street_name=street,
                                     birth_date=date(1950, 3, 1), **fields)
    person.household.address = "秘密路99号"
    return person


def entrant(street="七星岗"):
    return factories.PersonFactory(student=True, school_level="college",
                                   college_entry_year=YEAR, household__street_name=street,
                                   birth_date=date(YEAR - 18, 6, 1))


def street_id(name):
    return factories.street(name).id


def pledge(donor, kind, yuan, street=None):
    return sponsorship.pledge(donor, kind, yuan * 100, street_id(street) if street else None)


_receipts = count(1)


def fund(pledge_row, yuan):
    """Money for the pledge arrives: an offline gift designated to it, credited."""
    from donations.giving import offline

    clerk = factories.user("fund_manager")
    return offline.record_offline(
        channel="bank_transfer", amount_fen=yuan * 100, receipt_number=f"SP-{next(_receipts)}",
        donor_name="捐赠人", designation=pledge_row.designation, given_on=local_today(),
        user=clerk)


def paired(pledge_row):
    return {p.person_id for p in pledge_row.people}


def test_budgets_designations_and_sponsored_once(session):
    donor = factories.user("donor")
    people = [tekun("七星岗") for _ in range(3)] + [tekun("解放碑") for _ in range(3)]
    student = entrant("解放碑")
    small = pledge(donor, "household_support", 1200, street="七星岗")  # two people
    large = pledge(donor, "household_support", 6000)  # ten people's budget, anywhere
    grant = pledge(donor, "autumn_grant", 5000)  # education: the entrant only
    assert session.scalar(select(SponsoredPerson.id)) is None  # no money yet: nobody paired
    for row, yuan in ((small, 1200), (large, 6000), (grant, 5000)):
        fund(row, yuan)
    unit = sponsorship.unit_fen("household_support")
    assert paired(small) <= {p.id for p in people[:3]} and len(paired(small)) == 2
    assert len(paired(large)) == 4  # everyone left who fits; budget for more stays open
    assert paired(grant) == {student.id}
    for row in (small, large, grant):
        assert sum(p.unit_fen for p in row.people) <= row.amount_fen
    assert all(p.unit_fen == unit for p in small.people + large.people)
    everyone = session.scalars(select(SponsoredPerson.person_id)).all()
    assert len(everyone) == len(set(everyone)) == 7
    assert student.id not in paired(small) | paired(large)
    newcomer = tekun("大坪")
    assert sponsorship.pair_waiting(YEAR, local_today()) == 1  # the open budget takes them
    assert newcomer.id in paired(large) and len(paired(small)) == 2


def test_a_pledge_below_the_unit_cost_is_refused(client, session, auth):
    auth.login(factories.user("donor"))
    client.get("/lang/en")
    response = client.post("/donations/portal/sponsorships",
                           data={"kind": "autumn_grant", "amount": "100", "street": ""})
    assert response.status_code == 400
    assert session.scalar(select(Sponsorship.id)) is None


def test_donor_sees_anonymised_profile_and_the_funds_entries(client, session, auth):
    donor = factories.user("donor")
    person = tekun("上清寺", name="王秘密")
    auth.login(donor)
    response = client.post("/donations/portal/sponsorships", data={
        "kind": "household_support", "amount": "600", "street": "street:上清寺"})
    assert response.status_code == 302
    found = session.scalar(select(Sponsorship))
    assert paired(found) == set() and found.status == "pledged"
    fund(found, 600)
    assert paired(found) == {person.id} and found.status == "paired"
    page = client.get(response.location + "?lang=en").get_data(as_text=True)
    age = person.age_on(local_today())
    assert f"{age // 10 * 10}–{age // 10 * 10 + 9}" in page and "上清寺" in page
    assert "A household&#39;s monthly support" in page or "A household's monthly support" in page
    for secret in ("王秘密", "秘密路", person.id_number_masked, person.household.code):
        assert secret not in page
    assert "Gift received" in page and "¥600.00" in page
    other = factories.user("donor")
    auth.logout()
    auth.login(other)
    assert client.get(response.location).status_code == 404


def test_cli_pairs_waiting_pledges(runner, session):
    donor = factories.user("donor")
    waiting = pledge(donor, "household_support", 600, street="大坪")
    fund(waiting, 600)
    assert waiting.status == "pledged"  # paid, but nobody fits yet
    tekun("大坪")
    result = runner.invoke(args=["donations", "pair-sponsorships"])
    assert result.exit_code == 0 and "1 people paired" in result.output
    session.refresh(waiting)
    assert waiting.status == "paired"
    assert session.get(Street, waiting.street_id).name == "大坪"


def test_a_pledge_pairs_person_by_person_as_its_money_arrives(session):
    donor = factories.user("donor")
    people = {tekun("两路口").id for _ in range(4)}
    three = pledge(donor, "household_support", 1800, street="两路口")  # three people at most
    assert paired(three) == set() and three.status == "pledged"
    fund(three, 500)  # less than one person's need
    assert paired(three) == set()
    fund(three, 700)  # ¥1,200 received: two people
    assert len(paired(three)) == 2 and paired(three) <= people
    fund(three, 1200)  # ¥2,400 received, but the pledge was ¥1,800
    assert len(paired(three)) == 3 and three.status == "paired"
    assert sponsorship.pair_waiting(YEAR, local_today()) == 0


def test_a_pledge_paid_online_pairs_when_the_webhook_credits(client, session, auth,
                                                             localstripe):
    from donations.giving.models import Donation
    from tests.donations.test_online import give
    from tests.donations.test_refunds_disputes import post

    person = tekun("朝天门")
    auth.login(factories.user("donor"))
    client.post("/donations/portal/sponsorships", data={
        "kind": "household_support", "amount": "600", "street": "street:朝天门"})
    found = session.scalar(select(Sponsorship))
    gift = give(client, localstripe, amount="600", designation=found.designation)
    assert paired(found) == set()  # a gift started is no money received
    assert post(client, "payment_intent.succeeded", {
        "id": gift.payment_intent, "object": "payment_intent", "currency": "cny",
        "amount": 60_000, "amount_received": 60_000}) == "credited"
    session.expire_all()
    assert session.get(Donation, gift.id).status == "succeeded"
    assert paired(session.get(Sponsorship, found.id)) == {person.id}


def test_an_unpaid_pledge_expires_and_then_pairs_nobody(app, runner, session, monkeypatch):
    monkeypatch.setitem(app.config, "SPONSORSHIP_PLEDGE_DAYS", 7)
    donor = factories.user("donor")
    tekun("大坪")
    late = pledge(donor, "household_support", 600, street="大坪")
    paid = pledge(donor, "household_support", 600, street="大坪")
    first = fund(paid, 300)  # some money in time: not expired, though not a person's worth
    late.created_at -= timedelta(days=8)
    paid.created_at -= timedelta(days=8)
    first.paid_at -= timedelta(days=7)  # a day after its pledge
    session.flush()
    result = runner.invoke(args=["donations", "pair-sponsorships"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert (late.status, paid.status) == ("expired", "pledged")
    fund(late, 600)  # money after the deadline pairs nobody
    assert paired(late) == set() and late.status == "expired"
    fund(paid, 300)
    assert len(paired(paid)) == 1


def test_only_donors_pledge_or_start_monthly_gifts(client, session, auth):
    tekun("七星岗")
    for role in ("auditor", "fund_manager"):
        auth.login(factories.user(role))
        response = client.post("/donations/portal/sponsorships", data={
            "kind": "household_support", "amount": "600", "street": ""})
        assert response.status_code == 403, role
        assert client.post("/donations/portal/monthly",
                           data={"amount": "30", "designation": ""}).status_code == 403
        page = client.get("/donations/portal?lang=en").get_data(as_text=True)
        assert "Sponsor a need" not in page and "Start a monthly gift" not in page
        auth.logout()
    assert session.scalar(select(Sponsorship.id)) is None
    assert session.scalar(select(SponsoredPerson.id)) is None


def test_the_nightly_job_pairs_those_registered_since_the_money_arrived(session):
    from charity.jobs import operations as jobs
    from charity.jobs.models import Job
    from charity.jobs.queue import SCHEDULE

    assert "sponsorship_pairing" in {kind for kind, *_ in SCHEDULE}
    donor = factories.user("donor")
    first = tekun("七星岗")
    large = pledge(donor, "household_support", 6000)
    fund(large, 6000)
    assert paired(large) == {first.id}
    newcomer = tekun("大坪")
    session.commit()
    job_id = jobs.scheduled("sponsorship_pairing")
    job = session.get(Job, job_id)
    session.refresh(large)
    assert (job.state, job.started_by_id) == ("succeeded", None)
    assert (job.params["paired"], job.params["pledges"]) == (1, 1)
    assert paired(large) == {first.id, newcomer.id}
    again = session.get(Job, jobs.scheduled("sponsorship_pairing"))
    assert again.id != job_id and again.params["paired"] == 0  # nothing left to pair
