"""Rent subsidy (measure 6) as a schedule of monthly payments.

The plan: "对低保A类家庭在类别有效期内，按其应缴纳租金实施等额补贴；……经审核获得临时救助的
家庭，在获得临时救助起12个月内，按其应缴纳租金实施等额补贴". A month's subsidy is the rent due
for the days of the month on which the lease runs and the family is eligible (its class A
validity while it is enrolled dibao class A, or the 12 months after temporary assistance from
either source); a whole month is the whole rent.

A schedule is an `Application` of kind 'rent_subsidy' whose amount is the sum of its months:
the maker submits it, another person approves it (four eyes), approval reserves the money, and
the monthly batch pays each month from the reservation through the ledger, once. When the
schedule ends (its last month passed, or the family no longer eligible for any month left), the
money left in the reservation returns to the funds it came from. Each operation flushes; the
caller commits."""

import calendar
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity import eligibility as rules
from charity.audit.operations import record
from charity.database import utcnow
from charity.extensions import db
from charity.fund import accounts
from charity.fund import operations as ledger
from charity.registry.models import NOT_ON_ROSTER
from charity.relief import checks, operations
from charity.relief.models import Application
from charity.relief.operations import ReliefError
from charity.relief.rent_models import (
    MAX_MONTHLY_RENT_FEN,
    DibaoClassValidity,
    RentMonth,
    RentPayment,
    Tenancy,
)
from charity.timeutil import local_today

#: A schedule pays at most a year of months; the next is proposed (and checked) anew.
MAX_SCHEDULE_MONTHS = 12
#: The earliest and latest days a lease or a validity window may name.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def first_of(day: date) -> date:
    """The first day of the day's month."""
    return day.replace(day=1)


def last_of(month: date) -> date:
    """The last day of the month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months(first: date, last: date) -> list[date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    found, month = [], first_of(first)
    while month <= last:
        found.append(month)
        month = rules.add_months(month, 1)
    return found


def parse_month(text: str) -> date:
    """'2026-12' as the month's first day; a clear refusal for anything else."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        day = date(year, month, 1)
    except ValueError as error:
        raise ReliefError(_l("A month is written as YYYY-MM.")) from error
    if not EARLIEST <= day <= LATEST:
        raise ReliefError(_l("A month is written as YYYY-MM."))
    return day


def _check_days(first: date, last: date, *, strictly: bool) -> None:
    if not (EARLIEST <= first <= LATEST and EARLIEST <= last <= LATEST):
        raise ReliefError(_l("The dates must lie between 2000 and 2100."))
    if last < first or (strictly and last == first):
        raise ReliefError(_l("The end must come after the start."))


def record_tenancy(household, *, unit: str, address: str, monthly_rent_fen: int,
                   starts_on: date, ends_on: date, user) -> Tenancy:
    """Record a household's lease of a public rental home; a household has one lease at a
    time, so a lease overlapping another of its leases is refused."""
    if not isinstance(monthly_rent_fen, int) or not 0 < monthly_rent_fen <= MAX_MONTHLY_RENT_FEN:
        raise ReliefError(_l("The monthly rent must be more than 0 and at most 20,000 yuan."))
    if not unit.strip() or not address.strip():
        raise ReliefError(_l("A lease needs its unit and address."))
    _check_days(starts_on, ends_on, strictly=True)
    if db.session.scalar(select(Tenancy.id).where(
            Tenancy.household_id == household.id, Tenancy.starts_on <= ends_on,
            Tenancy.ends_on >= starts_on)):
        raise ReliefError(_l("The household already has a lease for some of these days."))
    tenancy = Tenancy(household_id=household.id, unit=unit.strip()[:80],
                      address=address.strip()[:200], monthly_rent_fen=monthly_rent_fen,
                      starts_on=starts_on, ends_on=ends_on, recorded_by_id=user.id)
    db.session.add(tenancy)
    db.session.flush()
    record("rent.tenancy", "tenancy", tenancy.id, user=user, rent=monthly_rent_fen)
    return tenancy


def record_class_validity(person, *, valid_from: date, valid_until: date,
                          user) -> DibaoClassValidity:
    """Record a window in which the person's dibao class A is valid."""
    if person.category != "dibao" or person.dibao_class != "A":
        raise ReliefError(_l("Only a dibao class A recipient has a class A validity window."))
    _check_days(valid_from, valid_until, strictly=False)
    window = DibaoClassValidity(person_id=person.id, valid_from=valid_from,
                                valid_until=valid_until, recorded_by_id=user.id)
    db.session.add(window)
    db.session.flush()
    record("rent.class_validity", "person", person.id, user=user,
           valid_from=valid_from.isoformat(), valid_until=valid_until.isoformat())
    return window


def windows(person) -> list[tuple[date, date]]:
    """The days (first, last) on which the person is eligible for rent subsidy as things
    stand: class A validity while enrolled dibao class A, and 12 months after temporary
    assistance from either source. Nothing for a person suspended or gone from the roster
    (a resident intake recorded, never on it, keeps the 12 months after their assistance)."""
    if person.status != NOT_ON_ROSTER and not rules.is_active(person):
        return []
    found = []
    if person.category == "dibao" and person.dibao_class == "A" and rules.is_active(person):
        found += db.session.execute(select(
            DibaoClassValidity.valid_from, DibaoClassValidity.valid_until)
            .where(DibaoClassValidity.person_id == person.id)).all()
    assisted = checks.last_temporary_assistance(person)
    if assisted is not None:
        found.append((assisted, rules.rent_window_last_day(assisted)))
    return [tuple(w) for w in found]


def due(tenancy: Tenancy, month: date, eligible: list[tuple[date, date]]) -> int:
    """The rent due for the month's days on which the lease runs and the family is eligible
    (the whole rent for a whole month, in proportion for part of one; whole fen, rounded
    down)."""
    first, last = max(month, tenancy.starts_on), min(last_of(month), tenancy.ends_on)
    days = sum(1 for n in range((last - first).days + 1)
               if any(a <= first + timedelta(days=n) <= b for a, b in eligible))
    return tenancy.monthly_rent_fen * days // calendar.monthrange(month.year, month.month)[1]


def submit_schedule(person, tenancy: Tenancy, *, first_month: date, last_month: date,
                    reason: str, today: date, user) -> Application:
    """The maker proposes the subsidy for the months from `first_month` to `last_month`: each
    month's rent due as the family's eligibility stands, refused for months outside the lease,
    for a tenancy not the person's household's, and for months another open schedule of the
    household already covers."""
    if tenancy.household_id != person.household_id:
        raise ReliefError(_l("This lease is not the person's household's."))
    first_month, last_month = first_of(first_month), first_of(last_month)
    if last_month < first_month:
        raise ReliefError(_l("The end must come after the start."))
    if first_month < first_of(tenancy.starts_on) or last_month > first_of(tenancy.ends_on):
        raise ReliefError(_l("The months must lie within the lease (%(first)s to %(last)s).",
                             first=tenancy.starts_on.isoformat(),
                             last=tenancy.ends_on.isoformat()))
    operations.refuse_rent_covered(person.household_id, months(first_month, last_month))
    eligible = windows(person)
    dues = {m: due(tenancy, m, eligible) for m in months(first_month, last_month)}
    dues = {m: fen for m, fen in dues.items() if fen > 0}
    if not dues:
        raise ReliefError(_l("The family is not eligible for rent subsidy in any of these "
                             "months."))
    if len(dues) > MAX_SCHEDULE_MONTHS:
        raise ReliefError(_l("A schedule covers at most %(n)s months; propose the next one "
                             "when it ends.", n=MAX_SCHEDULE_MONTHS))
    application = operations.submit(person, "rent_subsidy", reason, today, user,
                                    assessed_fen=sum(dues.values()), rent_months=list(dues))
    db.session.add_all(RentMonth(application_id=application.id, tenancy_id=tenancy.id,
                                 month=m, due_fen=fen) for m, fen in dues.items())
    db.session.flush()
    return application


def schedule_of(application_id: int) -> list[RentMonth]:
    """The months of a rent-subsidy schedule in order (empty for any other application)."""
    return list(db.session.scalars(select(RentMonth).where(
        RentMonth.application_id == application_id).order_by(RentMonth.month)))


def approve_schedule(application: Application, user, note: str = "") -> Application:
    """Another person than the maker approves the schedule (four eyes): its whole amount is
    reserved (or it goes to the committee when large), to be paid month by month."""
    if not schedule_of(application.id):
        raise ReliefError(_l("This application is not a rent-subsidy schedule."))
    return operations.approve(application, user, note)


def _locked_schedules(month: date) -> list[Application]:
    """The approved schedules with a month up to `month` still to pay, locked in id order
    before any posting (as `operations.expire` does), so two batches queue."""
    pending = select(RentMonth.application_id).where(RentMonth.month <= month,
                                                     RentMonth.stopped.is_(None))
    return list(db.session.scalars(
        select(Application).where(Application.state == "approved",
                                  Application.id.in_(pending))
        .order_by(Application.id).with_for_update()
        .execution_options(populate_existing=True)))


def _paid_months(application_id: int) -> set[date]:
    return set(db.session.scalars(select(RentPayment.month).where(
        RentPayment.application_id == application_id)))


def _pay_month(application: Application, scheduled: RentMonth, fen: int, user) -> bool:
    """Post one month's payment from the reservation and record it; False (nothing written)
    when the household's month was already paid by another schedule."""
    tenancy = scheduled.tenancy
    if db.session.scalar(select(RentPayment.id).where(
            RentPayment.household_id == tenancy.household_id,
            RentPayment.month == scheduled.month)):
        return False
    label = scheduled.month.strftime("%Y-%m")
    reference = f"rent:{application.id}:{label}"
    code = f"reserved:{application.id}"
    ledger.post([(code, fen), ("cash", -fen), ("disbursed:measure:6", fen),
                 ("spent:measure:6", -fen)], kind="payment", memo=f"rent_subsidy {label}",
                reference=reference, subject=f"reserve:{application.id}", user=user)
    db.session.add(RentPayment(application_id=application.id, tenancy_id=tenancy.id,
                               household_id=tenancy.household_id, month=scheduled.month,
                               amount_fen=fen, reference=reference, paid_at=utcnow(),
                               paid_by_id=getattr(user, "id", None)))
    db.session.flush()
    return True


def _stop_reason(scheduled: RentMonth) -> str:
    return "lease_ended" if scheduled.tenancy.ends_on < scheduled.month else "not_eligible"


def _return_rest(application: Application, user) -> int:
    """Return what is left in the schedule's reservation to the funds it came from, in the
    order it came; the amount returned."""
    code = f"reserved:{application.id}"
    held = accounts.natural(code, ledger.lock_accounts([code])[code].balance)
    if held <= 0:
        return 0
    reservation = ledger.reservation(application.id)
    lines, left = [], held
    for line in sorted(reservation.lines, key=lambda line: line.id):
        if line.account.code != code and left > 0:
            take = min(left, line.amount)
            lines.append((line.account.code, -take))
            left -= take
    ledger.post([(code, held), *lines], kind="release", memo="rent_subsidy ended",
                reference=f"rent-end:{application.id}", subject=f"reserve:{application.id}",
                user=user)
    return held


def _close(application: Application, scheduled: list[RentMonth], user) -> None:
    """End a schedule: the months never paid are stopped, the rest of the money returns, and
    the application is paid (some month was) or expired (none was)."""
    paid = _paid_months(application.id)
    for row in scheduled:
        if row.month not in paid and row.stopped is None:
            row.stopped = _stop_reason(row)
    _return_rest(application, user)
    application.state = "paid" if paid else "expired"
    if paid:
        application.paid_at, application.paid_by_id = utcnow(), getattr(user, "id", None)
    db.session.flush()
    record("rent.close", "relief_application", application.id, user=user,
           months_paid=len(paid))


def _run_schedule(application: Application, month: date, user) -> int:
    """Pay the schedule's months up to `month` not yet paid while the family is still
    eligible, then close it if nothing is left to pay; how many months it paid."""
    scheduled, paid, count = schedule_of(application.id), _paid_months(application.id), 0
    eligible = windows(application.person)
    for row in scheduled:
        if row.month > month or row.month in paid or row.stopped is not None:
            continue
        fen = min(row.due_fen, due(row.tenancy, row.month, eligible))
        if fen <= 0:
            row.stopped = _stop_reason(row)
        elif _pay_month(application, row, fen, user):
            count += 1
    later = [row for row in scheduled if row.month > month and row.stopped is None]
    if not any(due(row.tenancy, row.month, eligible) > 0 for row in later):
        _close(application, scheduled, user)
    return count


def run_batch(month: date, user=None, progress=None, today: date | None = None) -> dict:
    """The monthly batch: pay every approved schedule's months up to `month` (those a
    missed batch left too), once each. Re-running it pays nothing new. A month after the
    current one is refused: rent is paid no earlier than its month."""
    if first_of(month) > first_of(today or local_today()):
        raise ReliefError(_l("Rent subsidy is paid no earlier than its month: %(month)s has "
                             "not begun.", month=first_of(month).strftime("%Y-%m")))
    schedules = _locked_schedules(first_of(month))
    paid = closed = 0
    for done, application in enumerate(schedules):
        if progress:
            progress(done, len(schedules), "paying")
        paid += _run_schedule(application, first_of(month), user)
        closed += application.state != "approved"
    db.session.flush()
    return {"schedules": len(schedules), "paid": paid, "closed": closed}
