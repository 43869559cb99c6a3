"""Changing applications. Each operation flushes; the request or command commits once.

The maker (or whoever sent the case in an allocation proposal) and the checker are different
people (refused here, and for the maker by a CHECK in the database); approval reserves the
money, payment posts it, rejection or expiry releases it."""

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from charity.audit.operations import record
from charity.database import utcnow
from charity.errors import DomainError, Forbidden, SelfApproval
from charity.extensions import db
from charity.fund import operations as ledger
from charity.relief import allocation, checks, periods, standards
from charity.relief.allocation import purpose_of
from charity.relief.models import LIVE_STATES, Application, CommitteeVote
from charity.timeutil import SHANGHAI, local_today


class ReliefError(DomainError):
    """A change the relief process refuses; the message is shown to the user."""


class FourEyesError(ReliefError, SelfApproval, Forbidden):
    """The maker of an application tried to decide it (HTTP 403, and a refused approval in
    the security log)."""


def _award_in(kind: str, beneficiary: str, period: str) -> Application | None:
    """The live award of `kind` to `beneficiary` in `period`, if there is one."""
    return db.session.scalar(select(Application).where(
        Application.kind == kind, Application.beneficiary == beneficiary,
        Application.period == period, Application.state.in_(LIVE_STATES)))


class DuplicateAward(ReliefError):
    """A second award of a kind to the same person (or household) in the same period."""

    def __init__(self, existing: Application):
        from charity.labels import label

        super().__init__(_l(
            "Already awarded in this period: application %(number)s (%(kind)s, %(period)s, "
            "%(state)s).", number=existing.id, kind=standards.KIND_LABELS[existing.kind],
            period=periods.describe(existing.period), state=label(existing.state)))
        self.existing = existing


def _refuse_duplicate(application: Application) -> None:
    existing = _award_in(application.kind, application.beneficiary, application.period)
    if existing is not None:
        raise DuplicateAward(existing)


def _add_once(application: Application) -> None:
    """Add the application unless its kind was awarded in the period: checked first, and
    kept by the database's unique index when a parallel request adds the same award."""
    _refuse_duplicate(application)
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except IntegrityError:  # the same award added meanwhile by a parallel request
        _refuse_duplicate(application)
        raise


def refuse_rent_covered(household_id: int, months) -> None:
    """A rent subsidy for a month another application pays already (a schedule's month, or a
    month applied for on its own) is refused: the same rent is paid once."""
    from charity.relief.rent_cover import covering

    if (other := covering(household_id, months)) is not None:
        raise ReliefError(_l("Rent subsidy application %(id)s already covers some of these "
                             "months.", id=other))


def submit(person, kind: str, reason: str, today: date, user, *, grade: int | None = None,
           assessed_fen: int | None = None, one_case_one_discussion: bool = False,
           campaign_id: int | None = None, sponsorship_id: int | None = None,
           event: str | None = None, eligibility: list | None = None,
           rent_months: list[date] | None = None) -> Application:
    """Open an application after checking the person's eligibility, the standard amount and
    that the kind was not already awarded in its period (`event` names the event of a kind
    awarded per event; see `charity.relief.periods`). `eligibility` is rules an intake case
    already checked (`charity.relief.intake`). A rent subsidy pays `rent_months` (a
    schedule's; else the month of `today`), is keyed by its first month (so the database
    refuses a second one starting then) and is refused for a month another one covers."""
    if kind not in standards.KINDS:
        raise ReliefError(_l("Unknown kind of relief."))
    amount = standards.amount_for(kind, grade, assessed_fen, current_app.config)
    if amount is None:
        raise ReliefError(_l("The amount does not follow the standard for this kind of relief."))
    if not reason.strip():
        raise ReliefError(_l("An application needs a reason."))
    if event is not None and not 0 < len(event) <= 60:
        raise ReliefError(_l("An event is named in 1 to 60 characters."))
    found = eligibility if eligibility is not None else checks.check(person, kind, today)
    if not all(rule["holds"] for rule in found):
        failed = checks.Explained(rule["code"] for rule in found if not rule["holds"])
        raise ReliefError(_l("Not eligible: %(rules)s", rules=failed))
    application = Application(
        person_id=person.id, street_id=person.household.street_id, kind=kind,
        measure=standards.KINDS[kind], grade=grade, amount_fen=amount, standard_fen=amount,
        reason=reason.strip(),
        priority=checks.priority(person, today), eligibility=found,
        one_case_one_discussion=one_case_one_discussion, campaign_id=campaign_id,
        sponsorship_id=sponsorship_id, created_by_id=user.id, state="submitted",
        beneficiary=periods.beneficiary(kind, person.id, person.household_id),
        period=periods.period(kind, min(rent_months) if rent_months else today, event))
    if kind == "rent_subsidy":
        _refuse_duplicate(application)
        refuse_rent_covered(person.household_id, rent_months or [today])
    _add_once(application)
    db.session.flush()
    record("relief.submit", "relief_application", application.id, user=user, kind=kind)
    return application


def choose_sources(application: Application) -> list[tuple[str, int]]:
    """Where the money comes from (`allocation.draw`); refuses when the funds fall short."""
    sources = allocation.draw(purpose_of(application), application.amount_fen)
    if sources is None:
        raise ReliefError(_l("The fund does not hold enough money for this purpose."))
    return sources


def _locked(application: Application) -> Application:
    query = select(Application).where(Application.id == application.id).with_for_update()
    return db.session.scalar(query.execution_options(populate_existing=True))


def _is_maker(application: Application, user) -> bool:
    return user.id in (application.created_by_id, allocation.proposed(application.id)[0])


def _check_decider(application: Application, user, *states) -> None:
    if _is_maker(application, user):
        raise FourEyesError(_l("The maker of an application cannot decide it."))
    if application.state not in states:
        raise ReliefError(_l("This application cannot be decided in its present state."))


def _last_scheduled_month(application: Application) -> date | None:
    """The last month of a rent-subsidy schedule (see `charity.relief.rent`), else None."""
    from charity.relief.rent_models import RentMonth

    return db.session.scalar(select(func.max(RentMonth.month)).where(
        RentMonth.application_id == application.id))


def _scheduled(application: Application) -> bool:
    return _last_scheduled_month(application) is not None


def needs_committee(application: Application) -> bool:
    """一事一议, or a standard amount above the threshold (however little a proposal funds)."""
    threshold = standards.setting(current_app.config, "RELIEF_COMMITTEE_THRESHOLD_FEN")
    return application.one_case_one_discussion or \
        max(application.standard_fen, application.amount_fen) > threshold


def _reserve(application: Application, user, sources=None) -> None:
    """Reserve from `sources`, else the case's sent proposal, else `choose_sources`."""
    sources = sources or allocation.proposed(application.id)[1]
    try:
        ledger.reserve(application.id, sources or choose_sources(application),
                       purpose_of(application), user=user, memo=f"{application.kind}")
    except ledger.LedgerError as error:
        raise ReliefError(str(error)) from error
    days = standards.setting(current_app.config, "RELIEF_RESERVATION_DAYS")
    application.state = "approved"
    application.expires_on = local_today() + timedelta(days=days)
    if (last := _last_scheduled_month(application)) is not None:
        # a rent-subsidy schedule keeps its money until its last month is past
        application.expires_on = last + timedelta(days=31 + days)


def approve(application: Application, user, note: str = "", sources=None) -> Application:
    """The checker approves: a large or 一事一议 case goes to the committee, any other
    reserves its money from funds that may pay for it."""
    application = _locked(application)
    _check_decider(application, user, "submitted")
    application.decided_by_id, application.decided_at = user.id, utcnow()
    application.decision_note = note.strip()[:300]
    if needs_committee(application):
        application.state = "committee"
    else:
        _reserve(application, user, sources)
    db.session.flush()
    record("relief.approve", "relief_application", application.id, user=user,
           state=application.state)
    return application


def reject(application: Application, user, note: str) -> Application:
    """The checker rejects; any reserved money returns to where it came from."""
    application = _locked(application)
    _check_decider(application, user, "submitted", "committee", "approved")
    if not note.strip():
        raise ReliefError(_l("A rejection needs a reason."))
    if application.state == "approved" and _scheduled(application):
        raise ReliefError(_l("An approved rent-subsidy schedule ends with the monthly batch "
                             "when the family is no longer eligible."))
    if application.state == "approved":
        ledger.release(application.id, reason=note, user=user)
    application.state, application.decided_by_id = "rejected", user.id
    application.decided_at, application.decision_note = utcnow(), note.strip()[:300]
    db.session.flush()
    record("relief.reject", "relief_application", application.id, user=user)
    return application


def pay(application: Application, user) -> Application:
    """Pay an approved application: the reservation leaves the fund as a disbursement."""
    application = _locked(application)
    if application.state != "approved":
        raise ReliefError(_l("Only an approved application can be paid."))
    if _scheduled(application):
        raise ReliefError(_l("A rent-subsidy schedule is paid month by month by the monthly "
                             "batch."))
    ledger.pay(application.id, application.measure, user=user, memo=application.kind)
    application.state, application.paid_by_id, application.paid_at = "paid", user.id, utcnow()
    db.session.flush()
    record("relief.pay", "relief_application", application.id, user=user)
    return application


def expire(today: date) -> int:
    """Release every reservation not paid by its day; return how many lapsed. The lapsed
    applications are locked (in id order) before the ledger is: a checker paying or rejecting
    one of them meanwhile either goes first (and it is no longer lapsed) or waits."""
    lapsed = db.session.scalars(select(Application).where(
        Application.state == "approved", Application.expires_on < today)
        .order_by(Application.id).with_for_update()
        .execution_options(populate_existing=True)).all()
    for application in lapsed:
        ledger.release(application.id, reason="expired")
        application.state = "expired"
    db.session.flush()
    return len(lapsed)


def vote(application: Application, user, approve_case: bool, note: str = "") -> Application:
    """A committee member votes; at quorum the majority decides (a tie rejects)."""
    application = _locked(application)
    if application.state != "committee":
        raise ReliefError(_l("This case is not before the committee."))
    if _is_maker(application, user):
        raise FourEyesError(_l("The maker of an application cannot vote on it."))
    if any(v.member_id == user.id for v in application.votes):
        raise ReliefError(_l("You have already voted on this case."))
    db.session.add(CommitteeVote(application=application, member_id=user.id,
                                 approve=approve_case, note=note.strip()[:300]))
    db.session.flush()
    record("relief.vote", "relief_application", application.id, user=user, approve=approve_case)
    quorum = standards.setting(current_app.config, "RELIEF_COMMITTEE_QUORUM")
    if len(application.votes) >= quorum:
        ayes = sum(v.approve for v in application.votes)
        if ayes * 2 > len(application.votes):
            _reserve(application, user)
        else:
            application.state = "rejected"
        application.decided_by_id, application.decided_at = user.id, utcnow()
        db.session.flush()
    return application


def keep_minutes(application: Application, user, minutes: str) -> Application:
    """Add to the committee's minutes kept with the case (only while or after it sat). Minutes
    are only ever added to, signed and timed, never rewritten; the case's maker cannot add."""
    if not application.votes and application.state != "committee":
        raise ReliefError(_l("Minutes belong to a case the committee has heard."))
    if application.created_by_id == user.id:
        raise FourEyesError(_l("Whoever made the application cannot keep its minutes."))
    if not minutes.strip():
        raise ReliefError(_l("The minutes are empty."))
    stamp = utcnow().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    entry = f"[{stamp} {user.email}]\n{minutes.strip()}"
    application.minutes = f"{application.minutes}\n\n{entry}" if application.minutes else entry
    db.session.flush()
    record("relief.minutes", "relief_application", application.id, user=user,
           text=minutes.strip())
    return application
