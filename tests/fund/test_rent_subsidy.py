"""Rent subsidy (measure 6) by month: tenancies, the class A validity window, the schedule
approved with four eyes, the monthly batch paying each month once through the ledger, and the
12-month rule after temporary assistance from either source."""

from datetime import date

import pytest
from sqlalchemy import func, select

from charity.casework.models import Grant
from charity.extensions import db
from charity.fund import operations as ledger
from charity.fund import queries as fund
from charity.fund.verify import verify
from charity.relief import checks, rent
from charity.relief import operations as ops
from charity.relief.rent_models import RentMonth, RentPayment
from tests.factories import PersonFactory

TODAY = date(2026, 12, 1)
RENT = 45_000  # 450 yuan a month


@pytest.fixture(autouse=True)
def in_2027(monkeypatch):
    """The batch pays no month before it begins: these tests pay 2027's months as if it were
    the end of 2027."""
    monkeypatch.setattr(rent, "local_today", lambda: date(2027, 12, 31))


@pytest.fixture
def rent_fund(session):
    """20,000 yuan given for measure 6."""
    ledger.record_gift(amount_fen=2_000_000, designation="measure:6", reference="seed-6")


@pytest.fixture
def tenant(session, maker):
    """A dibao class A recipient whose class is valid through 2027."""
    person = PersonFactory(dibao_class="A")
    rent.record_class_validity(person, valid_from=date(2026, 1, 1),
                               valid_until=date(2027, 12, 31), user=maker)
    return person


def lease(person, maker, starts=date(2027, 1, 1), ends=date(2027, 12, 31), fen=RENT):
    return rent.record_tenancy(person.household, unit="B栋 3-2", address="七星岗 和平路 12号",
                               monthly_rent_fen=fen, starts_on=starts, ends_on=ends, user=maker)


def approved(person, tenancy, maker, checker, first=date(2027, 1, 1), last=date(2027, 12, 1)):
    application = rent.submit_schedule(person, tenancy, first_month=first, last_month=last,
                                       reason="公租房租金", today=TODAY, user=maker)
    return rent.approve_schedule(application, checker)


def run_year(year=2027):
    return [rent.run_batch(date(year, m, 1)) for m in range(1, 13)]


def payments(application):
    return db.session.scalars(select(RentPayment).where(
        RentPayment.application_id == application.id).order_by(RentPayment.month)).all()


def test_a_year_of_rent_is_twelve_payments_through_the_ledger(session, tenant, maker,
                                                              checker, rent_fund):
    application = approved(tenant, lease(tenant, maker), maker, checker)
    assert application.state == "approved" and application.amount_fen == 12 * RENT
    assert fund.balance("restricted:measure:6") == 2_000_000 - 12 * RENT
    run_year()
    paid = payments(application)
    assert [p.month.month for p in paid] == list(range(1, 13))
    assert {p.amount_fen for p in paid} == {RENT}
    assert application.state == "paid"
    assert fund.balance("spent:measure:6") == 12 * RENT
    assert fund.balance(f"reserved:{application.id}") == 0
    assert verify().ok


def test_class_valid_until_august_pays_eight_months(session, maker, checker, rent_fund):
    person = PersonFactory(dibao_class="A")
    rent.record_class_validity(person, valid_from=date(2026, 6, 1),
                               valid_until=date(2027, 8, 31), user=maker)
    application = approved(person, lease(person, maker), maker, checker)
    assert application.amount_fen == 8 * RENT
    run_year()
    assert len(payments(application)) == 8
    assert fund.balance("restricted:measure:6") == 2_000_000 - 8 * RENT
    assert verify().ok


def test_payments_stop_when_the_person_exits_and_the_rest_returns(session, tenant, maker,
                                                                  checker, rent_fund):
    application = approved(tenant, lease(tenant, maker), maker, checker)
    for month in range(1, 5):
        rent.run_batch(date(2027, month, 1))
    tenant.status = "exited"
    rent.run_batch(date(2027, 5, 1))
    assert len(payments(application)) == 4 and application.state == "paid"
    stopped = db.session.scalars(select(RentMonth.stopped).where(
        RentMonth.application_id == application.id, RentMonth.month >= date(2027, 5, 1)))
    assert set(stopped) == {"not_eligible"}
    assert fund.balance("restricted:measure:6") == 2_000_000 - 4 * RENT
    assert fund.balance(f"reserved:{application.id}") == 0
    assert verify().ok


def test_a_lease_ending_mid_window_stops_the_payments(session, tenant, maker, checker,
                                                      rent_fund):
    tenancy = lease(tenant, maker, ends=date(2027, 6, 15))
    application = approved(tenant, tenancy, maker, checker, last=date(2027, 6, 1))
    # five whole months and half of June (15 of 30 days)
    assert application.amount_fen == 5 * RENT + RENT * 15 // 30
    run_year()
    assert [p.amount_fen for p in payments(application)] == [RENT] * 5 + [RENT // 2]
    assert application.state == "paid" and verify().ok


def test_months_outside_the_lease_are_refused(session, tenant, maker):
    tenancy = lease(tenant, maker, ends=date(2027, 6, 30))
    for first, last in ((date(2026, 12, 1), date(2027, 3, 1)),
                        (date(2027, 3, 1), date(2027, 9, 1))):
        with pytest.raises(ops.ReliefError, match="within the lease"):
            rent.submit_schedule(tenant, tenancy, first_month=first, last_month=last,
                                 reason="租金", today=TODAY, user=maker)
    assert db.session.scalar(select(func.count(RentMonth.id))) == 0


def test_bad_leases_are_refused(session, tenant, maker):
    for fen in (0, -100, 2_000_001, 10**15):
        with pytest.raises(ops.ReliefError, match="monthly rent"):
            lease(tenant, maker, fen=fen)
    with pytest.raises(ops.ReliefError, match="after the start"):
        lease(tenant, maker, starts=date(2027, 5, 1), ends=date(2027, 4, 1))
    with pytest.raises(ops.ReliefError, match="between 2000 and 2100"):
        lease(tenant, maker, ends=date(9999, 1, 1))
    lease(tenant, maker)
    with pytest.raises(ops.ReliefError, match="already has a lease"):
        lease(tenant, maker, starts=date(2027, 6, 1), ends=date(2028, 5, 31))


def test_rerunning_a_month_pays_nothing_new(session, tenant, maker, checker, rent_fund):
    application = approved(tenant, lease(tenant, maker), maker, checker)
    first = rent.run_batch(date(2027, 1, 1))
    again = rent.run_batch(date(2027, 1, 1))
    assert first["paid"] == 1 and again["paid"] == 0
    assert len(payments(application)) == 1
    assert fund.balance("spent:measure:6") == RENT and verify().ok


def test_a_missed_month_is_caught_up_once(session, tenant, maker, checker, rent_fund):
    application = approved(tenant, lease(tenant, maker), maker, checker)
    assert rent.run_batch(date(2027, 3, 1))["paid"] == 3
    assert rent.run_batch(date(2027, 3, 1))["paid"] == 0
    assert len(payments(application)) == 3


def test_the_schedule_is_four_eyes_and_paid_only_by_the_batch(session, tenant, maker, checker,
                                                              rent_fund):
    application = rent.submit_schedule(tenant, lease(tenant, maker), first_month=date(2027, 1, 1),
                                       last_month=date(2027, 12, 1), reason="租金", today=TODAY,
                                       user=maker)
    with pytest.raises(ops.FourEyesError):
        rent.approve_schedule(application, maker)
    assert rent.run_batch(date(2027, 1, 1))["paid"] == 0  # not approved: nothing paid
    rent.approve_schedule(application, checker)
    with pytest.raises(ops.ReliefError, match="month by month"):
        ops.pay(application, checker)
    # the reservation lasts the schedule, so the nightly expiry leaves it alone
    assert ops.expire(date(2027, 6, 1)) == 0 and application.state == "approved"


def test_a_second_schedule_for_the_same_months_is_refused(session, tenant, maker, checker,
                                                          rent_fund):
    tenancy = lease(tenant, maker)
    first = approved(tenant, tenancy, maker, checker)
    with pytest.raises(ops.ReliefError, match=f"application {first.id} already covers"):
        rent.submit_schedule(tenant, tenancy, first_month=date(2027, 6, 1),
                             last_month=date(2027, 7, 1), reason="又一次", today=TODAY,
                             user=maker)


def test_a_tenancy_of_another_household_is_refused(session, tenant, maker):
    other = PersonFactory(dibao_class="A")
    with pytest.raises(ops.ReliefError, match="not the person's household"):
        rent.submit_schedule(tenant, lease(other, maker), first_month=date(2027, 1, 1),
                             last_month=date(2027, 2, 1), reason="租金", today=TODAY, user=maker)


def test_a_month_is_paid_once_per_household_in_the_database(session, tenant, maker):
    tenancy = lease(tenant, maker)
    row = {"tenancy_id": tenancy.id, "household_id": tenant.household_id,
           "month": date(2027, 1, 1), "amount_fen": RENT, "paid_at": rent.utcnow()}
    application = ops.submit(tenant, "rent_subsidy", "租金", TODAY, maker, assessed_fen=RENT)
    db.session.add(RentPayment(application_id=application.id, reference="r1", **row))
    db.session.flush()
    from sqlalchemy.exc import IntegrityError
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(RentPayment(application_id=application.id, reference="r2", **row))
        db.session.flush()


def test_civil_affairs_temporary_assistance_opens_the_twelve_months(session, maker, checker,
                                                                    rent_fund):
    """The bug (person 2149 in the demo): temporary assistance the civil-affairs bureau gave
    (a casework grant) counted in the gap matrix, but the relief check read only paid fund
    applications and refused the rent subsidy."""
    person = PersonFactory(category="tekun")
    db.session.add(Grant(person_id=person.id, measure="temporary_assistance",
                         starts_on=date(2026, 10, 15), note="区民政局"))
    db.session.flush()
    assert checks.last_temporary_assistance(person) == date(2026, 10, 15)
    tenancy = lease(person, maker, starts=date(2026, 11, 1), ends=date(2028, 10, 31))
    application = rent.submit_schedule(person, tenancy, first_month=date(2026, 11, 1),
                                       last_month=date(2027, 12, 1), reason="临时救助后租金",
                                       today=TODAY, user=maker)
    # 15 Oct 2026 to 14 Oct 2027: November to September whole, 14 of October's 31 days
    scheduled = rent.schedule_of(application.id)
    assert [r.month for r in scheduled][-1] == date(2027, 10, 1)
    assert scheduled[-1].due_fen == RENT * 14 // 31
    assert application.amount_fen == 11 * RENT + RENT * 14 // 31
    rent.approve_schedule(application, checker)
    run_year(2026)
    run_year(2027)
    assert len(payments(application)) == 12 and application.state == "paid"
    assert verify().ok


def test_no_window_no_schedule(session, maker):
    person = PersonFactory(dibao_class="A")  # class A, but no validity window recorded
    tenancy = lease(person, maker)
    with pytest.raises(ops.ReliefError, match="not eligible for rent subsidy in any"):
        rent.submit_schedule(person, tenancy, first_month=date(2027, 1, 1),
                             last_month=date(2027, 3, 1), reason="租金", today=TODAY,
                             user=maker)


def test_a_class_window_only_for_class_a(session, maker):
    with pytest.raises(ops.ReliefError, match="class A"):
        rent.record_class_validity(PersonFactory(dibao_class="B"), valid_from=date(2027, 1, 1),
                                   valid_until=date(2027, 12, 31), user=maker)


def test_a_bad_month_is_refused():
    for text in ("2026-13", "december", "9999-01", ""):
        with pytest.raises(ops.ReliefError, match="YYYY-MM"):
            rent.parse_month(text)
    assert rent.parse_month("2026-12") == date(2026, 12, 1)


def clean_rent() -> None:
    from tests.committed import empty

    empty("rent_payment, rent_month, tenancy, dibao_class_validity, allocation_item, "
          "allocation_proposal, committee_vote, relief_application, audit_entry, journal_line, "
          "journal_entry, fund_account",
          "DELETE FROM person WHERE name LIKE 'concurrent%'",
          "DELETE FROM household WHERE code LIKE 'CC%'",
          "DELETE FROM \"user\" WHERE email LIKE 'concurrent-%'")


def test_two_concurrent_batches_pay_each_month_once(app):
    """Two batches for the same month at once (two workers, a CLI run beside the job): the
    schedules are locked before any posting, so one pays and the other finds it paid."""
    from tests.committed import committed_data
    from tests.factories import UserFactory
    from tests.fund.test_ledger_concurrency import run_concurrently

    with committed_data(app, clean_rent, "concurrency needs PostgreSQL (SQLite has one writer)"):
        with app.test_request_context("/?lang=en"):
            maker = UserFactory(role="fund_manager", email="concurrent-maker@songtan.test")
            checker = UserFactory(role="approver", email="concurrent-checker@songtan.test")
            ids = []
            for n in range(3):
                person = PersonFactory(name=f"concurrent{n}", dibao_class="A",
                                       household__code=f"CC000{n}")
                rent.record_class_validity(person, valid_from=date(2026, 1, 1),
                                           valid_until=date(2027, 12, 31), user=maker)
                ledger.record_gift(amount_fen=12 * RENT, designation="measure:6",
                                   reference=f"g{n}")
                ids.append(approved(person, lease(person, maker), maker, checker).id)
            db.session.commit()
        outcomes = run_concurrently(app, 4, lambda i: rent.run_batch(date(2027, 3, 1)))
        assert outcomes == ["ok"] * 4
        db.session.expire_all()
        assert db.session.scalar(select(func.count(RentPayment.id))) == 3 * 3
        assert fund.balance("spent:measure:6") == 9 * RENT
        assert verify().ok


def test_the_monthly_batch_runs_as_a_job(session, tenant, maker, checker, rent_fund):
    from charity.jobs import operations as jobs

    application = approved(tenant, lease(tenant, maker), maker, checker)
    job, started = jobs.start("rent_batch", "rent_batch", params={"month": "2027-02"})
    assert started
    db.session.refresh(job)
    assert job.state == "succeeded", job.error
    assert (job.params["paid"], job.params["schedules"]) == (2, 1)
    assert len(payments(application)) == 2


def test_the_rent_batch_command(session, runner, tenant, maker, checker, rent_fund):
    application = approved(tenant, lease(tenant, maker), maker, checker)
    result = runner.invoke(args=["relief", "rent-batch", "--month", "2027-01"])
    assert result.exit_code == 0 and "months paid: 1" in result.output, result.output
    again = runner.invoke(args=["relief", "rent-batch", "--month", "2027-01"])
    assert "months paid: 0" in again.output
    assert len(payments(application)) == 1
    bad = runner.invoke(args=["relief", "rent-batch", "--month", "2027-13"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output


def test_a_years_rent_above_a_thousand_yuan_is_scheduled_and_a_thirteenth_month_is_not(
        session, tenant, maker):
    tenancy = lease(tenant, maker, ends=date(2029, 12, 31), fen=150_000)
    rent.record_class_validity(tenant, valid_from=date(2028, 1, 1),
                               valid_until=date(2028, 12, 31), user=maker)
    with pytest.raises(ops.ReliefError, match="at most 12 months"):
        rent.submit_schedule(tenant, tenancy, first_month=date(2027, 1, 1),
                             last_month=date(2028, 1, 1), reason="租金", today=TODAY,
                             user=maker)
    application = rent.submit_schedule(tenant, tenancy, first_month=date(2027, 1, 1),
                                       last_month=date(2027, 12, 1), reason="公租房租金",
                                       today=TODAY, user=maker)
    assert application.amount_fen == 12 * 150_000
    assert ops.needs_committee(application)  # above the committee threshold: 一事一议
