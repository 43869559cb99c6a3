"""The second review of issue 14's features, as a user and as an attacker: each test here
failed before the fix it names."""

from datetime import date

import pytest
from sqlalchemy import select

from charity.casework.models import Grant
from charity.extensions import db
from charity.fund import operations as ledger
from charity.relief import rent
from charity.relief.operations import ReliefError
from charity.relief.rent_models import RentPayment
from tests.factories import PersonFactory, UserFactory

RENT = 45_000
TODAY = date(2026, 11, 30)


@pytest.fixture
def users(session):
    """The maker (fund staff) and the checker (an approver) of the four eyes."""
    return UserFactory(role="fund_manager"), UserFactory(role="approver")


def _assisted_schedule(users):
    """A tekun person helped by the bureau on 15 Oct 2026, their rent scheduled Nov to Sep."""
    maker, checker = users
    ledger.record_gift(amount_fen=2_000_000, designation="measure:6", reference="seed-a14")
    person = PersonFactory(category="tekun")
    db.session.add(Grant(person_id=person.id, measure="temporary_assistance",
                         starts_on=date(2026, 10, 15), note="区民政局"))
    db.session.flush()
    tenancy = rent.record_tenancy(person.household, unit="B栋 3-2", address="和平路 12号",
                                  monthly_rent_fen=RENT, starts_on=date(2026, 11, 1),
                                  ends_on=date(2028, 10, 31), user=maker)
    application = rent.submit_schedule(person, tenancy, first_month=date(2026, 11, 1),
                                       last_month=date(2027, 9, 1), reason="临时救助后租金",
                                       today=TODAY, user=maker)
    rent.approve_schedule(application, checker)
    return person, application


def _paid(application) -> int:
    return len(db.session.scalars(select(RentPayment).where(
        RentPayment.application_id == application.id)).all())


def test_the_rent_batch_pays_no_month_before_it_begins(session, users):
    """The hole: `run_batch` (the job's or the command's month) paid every scheduled month up
    to the month given, so '2030-01' paid eleven months of rent in advance."""
    _person, application = _assisted_schedule(users)
    with pytest.raises(ReliefError, match="2027-01"):
        rent.run_batch(date(2027, 1, 1), today=date(2026, 12, 31))
    assert _paid(application) == 0
    assert rent.run_batch(date(2026, 12, 1), today=date(2026, 12, 31))["paid"] == 2


def test_the_rent_command_refuses_a_future_month(session, runner, users):
    _person, application = _assisted_schedule(users)
    result = runner.invoke(args=["relief", "rent-batch", "--month", "2099-01"])
    assert result.exit_code != 0 and "2099-01" in result.output
    assert _paid(application) == 0


@pytest.mark.parametrize("status", ["exited", "suspended"])
def test_the_rent_batch_stops_when_an_assisted_person_leaves_the_roster(session, users, status):
    """The hole: the 12 months after temporary assistance were read whatever the person's
    status, so the batch kept paying the rent of someone who had left the roster."""
    person, application = _assisted_schedule(users)
    rent.run_batch(date(2026, 11, 1), today=date(2026, 11, 30))
    person.status = status
    db.session.flush()
    rent.run_batch(date(2026, 12, 1), today=date(2026, 12, 1))
    assert _paid(application) == 1
    assert application.state == "paid"  # closed: the rest returned to the fund
    assert rent.windows(person) == []


def _struck_twice(victim, officer, kinds) -> list:
    """The victim's household hit by two incidents, each open for relief: its two records."""
    from datetime import timedelta

    from charity.disaster import operations as disaster
    from charity.timeutil import local_today

    affected = []
    for kind in kinds:
        incident = disaster.create_incident(kind, local_today() - timedelta(days=1),
                                            victim.household.street, "较场口", "", officer)
        affected.append(disaster.add_household(incident, victim.household, 0, officer))
        disaster.open_for_relief(incident, officer)
    return affected


def test_one_death_is_condoled_once_whatever_the_incident(session):
    """The hole: condolence was once per deceased member and incident, so the same death
    recorded under two incidents (a flood recorded twice, a fire and the landslide it caused)
    paid the family twice."""

    from charity.disaster import operations as disaster
    from charity.disaster.operations import DisasterError

    officer, approver = UserFactory(role="street_officer"), UserFactory(role="approver")
    victim = PersonFactory()
    ledger.record_gift(amount_fen=5_000_000, designation="measure:8", reference="seed-a14-8")
    affected = _struck_twice(victim, officer, ("flood", "landslide"))
    first = disaster.propose_condolence(affected[0], victim, 500_000, "", officer)
    disaster.approve(first, approver)
    disaster.pay(first, approver)
    with pytest.raises(DisasterError, match=f"{first.id}"):
        disaster.propose_condolence(affected[1], victim, 500_000, "", officer)


def _out_of_scope_entries(session) -> list:
    from charity.audit.models import AuditEntry

    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.action == "security.out_of_scope")))


def test_another_streets_lease_posted_to_a_schedule_is_404_and_logged(client, auth, session):
    """The hole: a lease id of another street's household, posted by hand into the schedule
    form, was answered 400 "choose one of the household's leases" and not logged."""
    mine = PersonFactory(dibao_class="A")
    theirs = PersonFactory(dibao_class="A", household__street_name="解放碑")
    lease = rent.record_tenancy(theirs.household, unit="A1", address="解放碑 1号",
                                monthly_rent_fen=RENT, starts_on=date(2027, 1, 1),
                                ends_on=date(2027, 12, 31), user=UserFactory(role="admin"))
    auth.login(UserFactory(role="street_officer"))
    response = client.post(f"/relief/rent/person/{mine.id}/schedule", data={
        "tenancy_id": lease.id, "first_month": "2027-01", "last_month": "2027-12",
        "reason": "公租房租金"})
    assert response.status_code == 404
    [entry] = _out_of_scope_entries(session)
    assert (entry.object_type, entry.object_id) == ("tenancy", str(lease.id))


def test_a_one_off_rent_subsidy_for_a_scheduled_month_is_refused(session, users):
    """The hole: a rent subsidy applied for on /relief/new (one month, assessed amount) and a
    schedule knew nothing of each other: the schedule (submitted in November) and the one-off
    (submitted in December) both paid December's rent."""
    from charity.relief import operations as ops

    person, application = _assisted_schedule(users)
    maker = users[0]
    with pytest.raises(ReliefError, match=f"{application.id}"):
        ops.submit(person, "rent_subsidy", "十二月租金", date(2026, 12, 1), maker,
                   assessed_fen=RENT)


def test_a_schedule_over_a_month_a_one_off_pays_is_refused(session, users):
    from charity.relief import operations as ops

    maker = users[0]
    ledger.record_gift(amount_fen=2_000_000, designation="measure:6", reference="seed-a14b")
    person = PersonFactory(category="tekun")
    db.session.add(Grant(person_id=person.id, measure="temporary_assistance",
                         starts_on=date(2026, 10, 15), note="区民政局"))
    db.session.flush()
    one_off = ops.submit(person, "rent_subsidy", "十一月租金", date(2026, 11, 2), maker,
                         assessed_fen=RENT)
    tenancy = rent.record_tenancy(person.household, unit="B栋", address="和平路 12号",
                                  monthly_rent_fen=RENT, starts_on=date(2026, 11, 1),
                                  ends_on=date(2027, 10, 31), user=maker)
    with pytest.raises(ReliefError, match=f"{one_off.id}"):
        rent.submit_schedule(person, tenancy, first_month=date(2026, 11, 1),
                             last_month=date(2027, 3, 1), reason="租金",
                             today=date(2026, 12, 3), user=maker)
    later = rent.submit_schedule(person, tenancy, first_month=date(2026, 12, 1),
                                 last_month=date(2027, 3, 1), reason="租金",
                                 today=date(2026, 12, 3), user=maker)
    assert [m.month.month for m in rent.schedule_of(later.id)] == [12, 1, 2, 3]


def test_another_streets_application_named_in_an_appeal_is_404_and_logged(client, auth,
                                                                          session):
    """The hole: a street officer recording an appeal could name another street's application
    number; the answer was a 400 message and the security log kept nothing."""
    from charity.grievances.models import Grievance
    from tests.factories import ApplicationFactory
    from tests.factories.base import HOME_STREET, street

    theirs = ApplicationFactory(state="rejected", person__household__street_name="解放碑")
    session.commit()
    auth.login(UserFactory(role="street_officer"))
    response = client.post("/grievances/record", data={
        "kind": "appeal", "street": street(HOME_STREET).id, "text": "不服拒绝决定",
        "phone": "13900001234", "application": theirs.id})
    assert response.status_code == 404
    assert session.scalar(select(Grievance)) is None
    [entry] = _out_of_scope_entries(session)
    assert (entry.object_type, entry.object_id) == ("relief_application", str(theirs.id))


def test_the_last_four_digits_may_be_typed_full_width(client, session):
    """The hole: a phone typed with a Chinese keyboard's full-width digits was accepted on the
    form, but the look-up refused the same full-width digits ("give the last four digits")."""
    import re

    from tests.factories.base import HOME_STREET, street

    response = client.post("/grievances/new", data={
        "kind": "complaint", "street": street(HOME_STREET).id, "text": "低保被取消。",
        "phone": "１３９ ００００ １２３４"})
    code = re.search(r'tracking-code">([A-Z0-9]+)<', response.get_data(as_text=True)).group(1)
    found = client.post("/grievances/track", data={"code": code, "last4": "１２３４"})
    assert found.status_code == 200 and "低保被取消" in found.get_data(as_text=True)


@pytest.mark.parametrize("issued_on", [None, date(2099, 1, 1), date(1999, 12, 31)])
def test_a_budget_document_dated_absurdly_is_refused_by_the_operation(session, issued_on):
    """The hole: only the form checked the document's date; the operation took a day in 2099
    (and None reached the database as an integrity error, not a refusal)."""
    from charity.fund import budget
    from charity.fund.models import BudgetAppropriation

    with pytest.raises(budget.BudgetError, match="2000-01-01"):
        budget.record(budget.Appropriation("渝财预〔2026〕9号", issued_on, 100_000, None),
                      user=UserFactory(role="fund_manager"))
    assert session.scalar(select(BudgetAppropriation)) is None


def test_an_absurd_application_number_in_an_appeal_is_a_400(client, auth, session):
    """Found by the route crawler after the fix above: the scope check read the number before
    the form bounded it, and 20 nines overflowed the database's integer (500)."""
    from tests.factories.base import HOME_STREET, street

    auth.login(UserFactory(role="street_officer"))
    response = client.post("/grievances/record", data={
        "kind": "appeal", "street": street(HOME_STREET).id, "text": "不服",
        "phone": "13900001234", "application": "9" * 20})
    assert response.status_code == 400


def test_the_database_condoles_a_death_once_even_past_the_operation(session):
    """Two makers at once could both pass the operation's look: the database keeps one live
    condolence per person whatever the incident (a rejected one frees it)."""

    from sqlalchemy.exc import IntegrityError

    from charity.disaster import operations as disaster
    from charity.disaster.models import Relief

    officer = UserFactory(role="street_officer")
    victim = PersonFactory()
    affected = _struck_twice(victim, officer, ("flood", "fire"))
    first = disaster.propose_condolence(affected[0], victim, 500_000, "", officer)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Relief(affected_id=affected[1].id, subtype="condolence",
                              slot=first.slot, amount_fen=500_000, created_by_id=officer.id))
        db.session.flush()
    first.state = "rejected"
    db.session.flush()
    again = disaster.propose_condolence(affected[1], victim, 500_000, "", officer)
    assert again.slot == first.slot


def test_a_later_leases_schedule_proposed_in_the_same_month_is_not_a_duplicate(session, users):
    """A rent schedule is keyed by its first month, not the month it was proposed in: two
    schedules for different months, proposed in one month, are both taken."""
    maker = users[0]
    person = PersonFactory(dibao_class="A")
    rent.record_class_validity(person, valid_from=date(2026, 1, 1),
                               valid_until=date(2027, 12, 31), user=maker)
    first = rent.record_tenancy(person.household, unit="A栋", address="和平路 1号",
                                monthly_rent_fen=RENT, starts_on=date(2027, 1, 1),
                                ends_on=date(2027, 3, 31), user=maker)
    later = rent.record_tenancy(person.household, unit="C栋", address="和平路 9号",
                                monthly_rent_fen=RENT, starts_on=date(2027, 4, 1),
                                ends_on=date(2027, 12, 31), user=maker)
    schedules = [rent.submit_schedule(person, lease, first_month=start, last_month=end,
                                      reason="租金", today=date(2026, 12, 3), user=maker)
                 for lease, start, end in ((first, date(2027, 1, 1), date(2027, 3, 1)),
                                           (later, date(2027, 4, 1), date(2027, 12, 1)))]
    assert [s.period for s in schedules] == ["month:2027-01", "month:2027-04"]
