"""Changing incidents and their relief. Each operation flushes; the request commits once.

The rules: an incident is opened for relief only with at least one affected household; its day
is not in the future. Emergency relief (应急救助) is once per household and incident and at most
the assessed loss less what the insurance paid (checked when proposed, approved and paid, so an
insurance payment recorded meanwhile lowers it). Condolence (遇难人员家属抚慰) is once per
deceased household member. Transition assistance (过渡期生活救助) is a monthly amount for 1–12
months, one payment per month inside the window, paid no earlier than its month. Whoever
proposes a relief never approves it (and a CHECK in the database says so too); a payment posts
to the journal under the reference `disaster:<id>`, which the journal keeps unique."""

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from charity.audit.operations import record
from charity.database import utcnow
from charity.disaster.models import (
    INCIDENT_KINDS,
    AffectedHousehold,
    Incident,
    Relief,
    TransitionPlan,
)
from charity.errors import DomainError, Forbidden, SelfApproval
from charity.extensions import db
from charity.fund import journal
from charity.relief import allocation
from charity.timeutil import local_today

MEASURE = 8
#: Caps in fen; the app's `DISASTER_CAPS` overrides any of them.
DEFAULT_CAPS = {"loss": 100_000_000, "emergency": 5_000_000, "condolence": 5_000_000,
                "monthly": 300_000}
FIRST_DAY = date(2000, 1, 1)


class DisasterError(DomainError):
    """A change the disaster process refuses; the message is shown to the user."""


class FourEyesError(DisasterError, SelfApproval, Forbidden):
    """Whoever proposed a relief tried to approve it (403, kept in the security log)."""


def cap(name: str) -> int:
    """A cap in fen from the app's config, else its default."""
    return (DEFAULT_CAPS | current_app.config.get("DISASTER_CAPS", {}))[name]


def _insert(row, refusal) -> None:
    """Add and flush `row` in a savepoint: a concurrent duplicate meets a unique constraint
    and is refused with `refusal`, the rest of the unit of work untouched."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as error:
        raise DisasterError(refusal) from error


def _check_amount(amount_fen, maximum: int, minimum: int = 1) -> None:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or \
            not minimum <= amount_fen <= maximum:
        raise DisasterError(_l("Write an amount between %(low)s and %(high)s yuan.",
                               low=f"{minimum / 100:.2f}", high=f"{maximum / 100:.2f}"))


def _check_day(day: date | None, first: date = FIRST_DAY) -> None:
    if day is not None and not first <= day <= local_today():
        raise DisasterError(_l("Choose a day between %(first)s and %(last)s.",
                               first=first.isoformat(), last=local_today().isoformat()))


def create_incident(kind: str, occurred_on: date, street, place: str, description: str,
                    user) -> Incident:
    """Record an incident; households are added next, then it is opened for relief."""
    if kind not in INCIDENT_KINDS:
        raise DisasterError(_l("Unknown kind of disaster."))
    _check_day(occurred_on)
    if not place.strip() or len(place) > 200 or len(description) > 5000:
        raise DisasterError(_l("Say where it happened (at most 200 characters)."))
    incident = Incident(kind=kind, occurred_on=occurred_on, street_id=street.id,
                        place=place.strip(), description=description.strip(),
                        created_by_id=user.id, state="recording")
    db.session.add(incident)
    db.session.flush()
    record("disaster.incident", "disaster_incident", incident.id, user=user, kind=kind)
    return incident


def add_household(incident: Incident, household, loss_fen: int, user) -> AffectedHousehold:
    """Record a household of the roster as hit by the incident, with its assessed loss."""
    _check_amount(loss_fen, cap("loss"), minimum=0)
    taken = select(AffectedHousehold.id).where(AffectedHousehold.incident_id == incident.id,
                                               AffectedHousehold.household_id == household.id)
    if db.session.scalar(taken) is not None:
        raise DisasterError(_l("Household %(code)s is already recorded for this incident.",
                               code=household.code))
    affected = AffectedHousehold(incident_id=incident.id, household_id=household.id,
                                 street_id=household.street_id, loss_fen=loss_fen,
                                 created_by_id=user.id)
    _insert(affected, _l("Household %(code)s is already recorded for this incident.",
                         code=household.code))
    record("disaster.household", "disaster_household", affected.id, user=user,
           incident=incident.id, household=household.id, loss_fen=loss_fen)
    return affected


def open_for_relief(incident: Incident, user) -> Incident:
    """Open an incident for relief: only once it has affected households."""
    if incident.state == "open":
        raise DisasterError(_l("This incident is already open for relief."))
    if not incident.households:
        raise DisasterError(_l("An incident without affected households cannot be opened for "
                               "relief: add the households first."))
    incident.state, incident.opened_by_id, incident.opened_at = "open", user.id, utcnow()
    db.session.flush()
    record("disaster.open", "disaster_incident", incident.id, user=user,
           households=len(incident.households))
    return incident


def record_insurance(affected: AffectedHousehold, claimed_on: date | None,
                     paid_on: date | None, paid_fen: int, user) -> AffectedHousehold:
    """Record the household's claim on the disaster insurance: the day claimed, and the day
    and amount paid (nothing paid yet: no day paid and 0)."""
    _check_day(claimed_on, affected.incident.occurred_on)
    _check_day(paid_on, claimed_on or affected.incident.occurred_on)
    _check_amount(paid_fen, cap("loss"), minimum=0)
    if (paid_fen > 0) != (paid_on is not None) or (paid_on and claimed_on is None):
        raise DisasterError(_l("An insurance payment needs the day claimed, the day paid and "
                               "the amount; without a payment, give neither."))
    affected.insurance_claimed_on, affected.insurance_paid_on = claimed_on, paid_on
    affected.insurance_paid_fen = paid_fen
    db.session.flush()
    record("disaster.insurance", "disaster_household", affected.id, user=user,
           claimed_on=str(claimed_on), paid_on=str(paid_on), paid_fen=paid_fen)
    return affected


def _open(affected: AffectedHousehold) -> None:
    if affected.incident.state != "open":
        raise DisasterError(_l("Relief is recorded only for an incident opened for relief."))


def _within_net_loss(affected: AffectedHousehold, amount_fen: int) -> None:
    if amount_fen > affected.net_loss_fen:
        raise DisasterError(_l(
            "Emergency relief of %(amount)s yuan exceeds the assessed loss less what the "
            "insurance paid (%(net)s yuan).", amount=f"{amount_fen / 100:.2f}",
            net=f"{affected.net_loss_fen / 100:.2f}"))


def _taken(affected: AffectedHousehold, subtype: str, slot: str) -> Relief | None:
    return db.session.scalar(select(Relief).where(
        Relief.affected_id == affected.id, Relief.subtype == subtype, Relief.slot == slot,
        Relief.state != "rejected"))


def _propose(affected: AffectedHousehold, user, **values) -> Relief:
    """Add one relief, refusing a second live one in the same slot (by a look first, and by
    the database's partial unique index when two makers race); a rejected one frees it."""
    existing = _taken(affected, values["subtype"], values.get("slot", ""))
    if existing is not None:
        raise DisasterError(_l("This relief is already recorded for this household (relief "
                               "%(id)s, %(state)s).", id=existing.id, state=existing.state))
    relief = Relief(affected_id=affected.id, created_by_id=user.id, state="proposed", **values)
    _insert(relief, _l("This relief is already recorded for this household."))
    record("disaster.propose", "disaster_relief", relief.id, user=user,
           subtype=relief.subtype, slot=relief.slot, amount_fen=relief.amount_fen)
    return relief


def propose_emergency(affected: AffectedHousehold, amount_fen: int, note: str, user) -> Relief:
    """Emergency relief for the household's loss, once per incident, within the net loss."""
    _open(affected)
    _check_amount(amount_fen, cap("emergency"))
    _within_net_loss(affected, amount_fen)
    return _propose(affected, user, subtype="emergency", slot="", amount_fen=amount_fen,
                    note=note.strip()[:300])


def propose_condolence(affected: AffectedHousehold, person, amount_fen: int, note: str,
                       user) -> Relief:
    """Condolence for the family of a household member who died in the incident."""
    _open(affected)
    _check_amount(amount_fen, cap("condolence"))
    if person is None or person.household_id != affected.household_id:
        raise DisasterError(_l("The deceased must be a member of this household."))
    condoled = db.session.scalar(select(Relief).where(
        Relief.subtype == "condolence", Relief.deceased_id == person.id,
        Relief.state != "rejected").limit(1))
    if condoled is not None:  # one death, whichever incident records it
        raise DisasterError(_l("Condolence for %(name)s is already recorded (relief "
                               "%(id)s).", name=person.name, id=condoled.id))
    return _propose(affected, user, subtype="condolence", slot=f"p:{person.id}",
                    deceased_id=person.id, amount_fen=amount_fen, note=note.strip()[:300])


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def plan_transition(affected: AffectedHousehold, monthly_fen: int, first_month: date,
                    months: int, user) -> TransitionPlan:
    """Set the household's transition assistance: a monthly amount for 1–12 months starting
    in the incident's month or within the year after it."""
    _open(affected)
    _check_amount(monthly_fen, cap("monthly"))
    first_month, earliest = month_start(first_month), month_start(affected.incident.occurred_on)
    if not 1 <= months <= 12:
        raise DisasterError(_l("Transition assistance lasts 1 to 12 months."))
    if not earliest <= first_month <= add_months(earliest, 12):
        raise DisasterError(_l("The first month is the incident's month or within a year "
                               "after it."))
    if affected.plan is not None:
        raise DisasterError(_l("This household already has transition assistance."))
    plan = TransitionPlan(affected_id=affected.id, monthly_fen=monthly_fen,
                          first_month=first_month, months=months, created_by_id=user.id)
    _insert(plan, _l("This household already has transition assistance."))
    db.session.refresh(affected, ["plan"])
    record("disaster.transition_plan", "disaster_household", affected.id, user=user,
           monthly_fen=monthly_fen, first_month=str(first_month), months=months)
    return plan


def window(plan: TransitionPlan) -> list[date]:
    """The months of a transition plan, first days."""
    return [add_months(plan.first_month, i) for i in range(plan.months)]


def propose_month(affected: AffectedHousehold, month: date, user) -> Relief:
    """One month of transition assistance, at the plan's monthly amount."""
    _open(affected)
    plan = affected.plan
    if plan is None:
        raise DisasterError(_l("Set the household's transition assistance first."))
    month = month_start(month)
    if month not in window(plan):
        raise DisasterError(_l("%(month)s is outside the transition window (%(first)s to "
                               "%(last)s).", month=month.strftime("%Y-%m"),
                               first=plan.first_month.strftime("%Y-%m"),
                               last=window(plan)[-1].strftime("%Y-%m")))
    return _propose(affected, user, subtype="transition", slot=f"m:{month:%Y-%m}", month=month,
                    amount_fen=plan.monthly_fen)


def _locked(relief: Relief) -> Relief:
    query = select(Relief).where(Relief.id == relief.id).with_for_update()
    return db.session.scalar(query.execution_options(populate_existing=True))


def _recheck(relief: Relief) -> None:
    if relief.subtype == "emergency":
        db.session.refresh(relief.affected)
        _within_net_loss(relief.affected, relief.amount_fen)


def approve(relief: Relief, user, note: str = "") -> Relief:
    """The checker (never the maker) approves a proposed relief."""
    relief = _locked(relief)
    if relief.created_by_id == user.id:
        raise FourEyesError(_l("Whoever proposed a relief cannot approve it."))
    if relief.state != "proposed":
        raise DisasterError(_l("Only a proposed relief can be approved."))
    _recheck(relief)
    relief.state, relief.decided_by_id, relief.decided_at = "approved", user.id, utcnow()
    relief.decision_note = note.strip()[:300]
    db.session.flush()
    record("disaster.approve", "disaster_relief", relief.id, user=user)
    return relief


def reject(relief: Relief, user, note: str) -> Relief:
    """The checker (never the maker) rejects a proposed or approved, unpaid relief."""
    relief = _locked(relief)
    if relief.created_by_id == user.id:
        raise FourEyesError(_l("Whoever proposed a relief cannot decide it."))
    if relief.state not in ("proposed", "approved"):
        raise DisasterError(_l("Only an unpaid relief can be rejected."))
    if not note.strip():
        raise DisasterError(_l("A rejection needs a reason."))
    relief.state, relief.decided_by_id, relief.decided_at = "rejected", user.id, utcnow()
    relief.decision_note = note.strip()[:300]
    db.session.flush()
    record("disaster.reject", "disaster_relief", relief.id, user=user)
    return relief


def _sources(relief: Relief) -> list[tuple[str, int]]:
    """Funds that may pay for measure 8 on the household's street (`allocation.draw`)."""
    purpose = allocation.purpose_for(MEASURE, relief.affected.street.name)
    sources = allocation.draw(purpose, relief.amount_fen)
    if sources is None:
        raise DisasterError(_l("The fund does not hold enough money for this purpose."))
    return sources


def pay(relief: Relief, user, today: date | None = None) -> Relief:
    """Pay an approved relief through the journal (a month not before it begins)."""
    relief = _locked(relief)
    if relief.state != "approved":
        raise DisasterError(_l("Only an approved relief can be paid."))
    if relief.month is not None and relief.month > (today or local_today()):
        raise DisasterError(_l("A month of transition assistance is paid no earlier than "
                               "that month."))
    _recheck(relief)
    sources = _sources(relief)
    lines = [*sources, ("cash", -relief.amount_fen),
             (f"disbursed:measure:{MEASURE}", relief.amount_fen),
             (f"spent:measure:{MEASURE}", -relief.amount_fen)]
    try:
        journal.post(lines, kind="payment", memo=f"disaster:{relief.subtype}",
                     reference=f"disaster:{relief.id}", user=user)
    except journal.LedgerError as error:
        raise DisasterError(str(error)) from error
    relief.state, relief.paid_by_id, relief.paid_at = "paid", user.id, utcnow()
    db.session.flush()
    record("disaster.pay", "disaster_relief", relief.id, user=user, amount_fen=relief.amount_fen)
    return relief
