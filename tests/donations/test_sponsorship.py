"""Sponsorship through the optimiser: pledges are `matching.Sponsor`s, enrolled people who fit
are the beneficiaries; budgets, designations and "sponsored once" hold, and the donor sees an
anonymised profile and the entries of the sponsorship's fund."""

from datetime import date

from sqlalchemy import select

from charity.district.models import Street
from charity.fund import operations as ledger
from charity.timeutil import local_today
from donations import sponsorship
from donations.pledge_models import SponsoredPerson, Sponsorship
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
    return sponsorship.pledge(donor, kind, yuan * 100, street_id(street) if street else None,
                              YEAR, local_today())


def paired(pledge_row):
    return {p.person_id for p in pledge_row.people}


def test_budgets_designations_and_sponsored_once(session):
    donor = factories.user("donor")
    people = [tekun("七星岗") for _ in range(3)] + [tekun("解放碑") for _ in range(3)]
    student = entrant("解放碑")
    small = pledge(donor, "household_support", 1200, street="七星岗")  # two people
    large = pledge(donor, "household_support", 6000)  # ten people's budget, anywhere
    grant = pledge(donor, "autumn_grant", 5000)  # education: the entrant only
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
    assert paired(found) == {person.id} and found.status == "paired"
    ledger.record_gift(amount_fen=60_000, designation=found.designation,
                       reference="gift:test-sponsorship", memo="捐赠 test")
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
    assert waiting.status == "pledged"
    tekun("大坪")
    result = runner.invoke(args=["donations", "pair-sponsorships"])
    assert result.exit_code == 0 and "1 people paired" in result.output
    session.refresh(waiting)
    assert waiting.status == "paired"
    assert session.get(Street, waiting.street_id).name == "大坪"
