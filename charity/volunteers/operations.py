"""Volunteers and organisations from sign-up to pairing: sign up (an account that cannot sign in
yet), confirm the e-mail address, the street officer's approval or rejection, the helper's own
profile, pause and resume. Operations flush; the request (or the demo) commits.

Only a helper that is confirmed, approved, active and not paused is offered new people by the
optimiser (`charity.pairing.adapter`); a paused helper keeps the people paired with them."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_security import hash_password
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from charity.audit.operations import record
from charity.auth.models import User
from charity.auth.operations import ensure_roles
from charity.auth.passwords import check_strength
from charity.database import utcnow
from charity.district.models import Community, Street
from charity.errors import DomainError
from charity.extensions import db, security
from charity.main import limits
from charity.pairing.models import HELPER_KINDS, PAUSE_KINDS, SKILLS, Pairing, Volunteer
from charity.pairing.operations import one_at_a_time
from charity.registry import ids
from charity.registry.guardians import mask_phone
from charity.volunteers.forms import LANGUAGES, TIMES, compact_phone

LIVE = ("proposed", "active")


class SignUpError(DomainError):
    """A sign-up, a decision or a profile change refused; `field` names the form field the
    message belongs to (None: the whole form)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


class EmailTaken(SignUpError):
    """A sign-up with an e-mail address that has an account: the public page does not say so
    (it would tell anyone whose address is registered); the address's owner is e-mailed."""


@dataclass(frozen=True)
class Profile:
    """What a helper keeps up to date themselves."""

    phone: str
    capacity: int
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    travel_street_ids: tuple[int, ...] = ()
    availability: tuple[str, ...] = ()


@dataclass(frozen=True)
class Application:
    """A sign-up as the form (or the demo) gives it."""

    kind: str
    name: str
    email: str
    home_community_id: int
    profile: Profile
    contact_person: str | None = None


def password_hash(password: str, email: str, name: str) -> str:
    """The account's password hashed, if the policy accepts it (`WeakPassword` otherwise)."""
    return hash_password(check_strength(password, email=email, name=name))


def _capacity_bounds(kind: str) -> tuple[int, int]:
    return limits.VOLUNTEER_CAPACITY if kind == "volunteer" else limits.ORGANISATION_CAPACITY


def _check_profile(kind: str, profile: Profile) -> None:
    low, high = _capacity_bounds(kind)
    if not low <= profile.capacity <= high:
        raise SignUpError(_l("Capacity is how many people you take on at once: a whole number "
                             "from %(low)s to %(high)s.", low=low, high=high), "capacity")
    if not set(profile.skills) <= set(SKILLS) or not set(profile.languages) <= set(LANGUAGES) \
            or not set(profile.availability) <= set(TIMES):
        raise SignUpError(_l("Choose from the lists offered."))
    streets = set(db.session.scalars(select(Street.id).where(Street.kind == "street")))
    if not set(profile.travel_street_ids) <= streets:
        raise SignUpError(_l("Choose streets of the district only."), "travel_streets")


def _phone_taken(digits: str, volunteer: Volunteer | None = None) -> None:
    taken = db.session.scalar(select(Volunteer.id).where(
        Volunteer.phone_hash == ids.keyed_hash(digits)))
    if taken is not None and (volunteer is None or taken != volunteer.id):
        raise SignUpError(_l("This phone number is registered already. If it is yours, sign "
                             "in, or ask your street officer."), "phone")


def _seal_phone(volunteer: Volunteer, digits: str) -> None:
    volunteer.phone_encrypted = ids.encrypt(digits)
    volunteer.phone_hash = ids.keyed_hash(digits)
    volunteer.phone_masked = mask_phone(digits)


def _apply_profile(volunteer: Volunteer, profile: Profile) -> None:
    _seal_phone(volunteer, compact_phone(profile.phone))
    volunteer.capacity = profile.capacity
    volunteer.skills = sorted(set(profile.skills))
    volunteer.languages = sorted(set(profile.languages))
    volunteer.travel_street_ids = sorted(set(profile.travel_street_ids))
    volunteer.availability = [t for t in TIMES if t in set(profile.availability)]


def _free_expired(email: str, digits: str) -> None:
    """Unconfirmed sign-ups of this e-mail address or phone whose link has expired give them
    back (their account with them): else anyone could hold someone else's address or number
    for ever by signing up with it and never confirming."""
    cutoff = utcnow() - timedelta(hours=current_app.config["SIGNUP_CONFIRM_HOURS"])
    stale = db.session.scalars(select(Volunteer).where(
        Volunteer.confirmed_at.is_(None), Volunteer.status == "pending",
        Volunteer.created_at < cutoff,
        or_(Volunteer.email == email, Volunteer.phone_hash == ids.keyed_hash(digits)))).all()
    for volunteer in stale:
        account = db.session.get(User, volunteer.user_id) if volunteer.user_id else None
        db.session.delete(volunteer)
        db.session.flush()
        if account is not None:
            db.session.delete(account)
        record("volunteer.expired", "volunteer", volunteer.id)


def sign_up(application: Application, hashed_password: str) -> Volunteer:
    """Write a sign-up, pending, with its account (which cannot sign in until the street
    officer approves). A duplicate e-mail or phone, a capacity out of bounds or a street
    outside the district is refused and nothing is written; an unconfirmed sign-up of the same
    address or phone whose link expired is removed first."""
    email = application.email.strip().lower()
    if application.kind not in HELPER_KINDS:
        raise SignUpError(_l("Choose from the lists offered."), "kind")
    _check_profile(application.kind, application.profile)
    community = db.session.get(Community, application.home_community_id)
    if community is None:
        raise SignUpError(_l("Choose your home community."), "home_community")
    _free_expired(email, compact_phone(application.profile.phone))
    if db.session.scalar(select(func.count(User.id)).where(func.lower(User.email) == email)):
        raise EmailTaken(_l("This e-mail address is registered already. If it is yours, "
                             "sign in."), "email")
    _phone_taken(compact_phone(application.profile.phone))
    user = security.datastore.create_user(email=email, password=hashed_password,
                                          name=application.name.strip()[:80], active=False)
    db.session.flush()
    volunteer = Volunteer(kind=application.kind, name=application.name.strip(), email=email,
                          user_id=user.id, home_community_id=community.id, status="pending",
                          contact_person=(application.contact_person or "").strip() or None)
    _apply_profile(volunteer, application.profile)
    db.session.add(volunteer)
    db.session.flush()
    record("volunteer.sign_up", "volunteer", volunteer.id, kind=volunteer.kind,
           street_id=community.street_id)
    return volunteer


def confirm(volunteer: Volunteer) -> bool:
    """The e-mail address is the applicant's: the sign-up goes to the street officer. False
    (and nothing written) when it was confirmed already."""
    if volunteer.confirmed_at is not None:
        return False
    volunteer.confirmed_at = utcnow()
    db.session.flush()
    record("volunteer.confirm", "volunteer", volunteer.id)
    return True


def _decide(volunteer: Volunteer, status: str, user, reason: str | None = None) -> None:
    """Decide in the database itself, only if the sign-up still waits: of two officers (or
    two tabs) deciding at once, the second is refused, and no second e-mail goes."""
    undecided = _l("Only a confirmed sign-up that waits for a decision can be decided.")
    if volunteer.confirmed_at is None or volunteer.status != "pending":
        raise SignUpError(undecided)
    values = {"status": status, "decision_reason": reason,
              "decided_by_id": getattr(user, "id", None), "decided_at": utcnow()}
    decided = db.session.execute(
        update(Volunteer).where(Volunteer.id == volunteer.id, Volunteer.status == "pending",
                                Volunteer.confirmed_at.is_not(None))
        .values(**values).execution_options(synchronize_session=False))
    if decided.rowcount != 1:
        raise SignUpError(undecided)
    for name, value in values.items():
        set_committed_value(volunteer, name, value)


def approve(volunteer: Volunteer, user) -> None:
    """The street officer approves: the account may sign in, as a volunteer, and the optimiser
    offers the helper people from its next run."""
    _decide(volunteer, "approved", user)
    account = db.session.get(User, volunteer.user_id)
    role = ensure_roles()["volunteer"]
    if role not in account.roles:
        account.roles.append(role)
    account.active = True
    db.session.flush()
    record("volunteer.approve", "volunteer", volunteer.id, user=user)


def reject(volunteer: Volunteer, reason: str, user) -> None:
    """The street officer rejects, with a reason the applicant is sent; the account stays
    closed."""
    reason = (reason or "").strip()
    if not reason:
        raise SignUpError(_l("Please give a reason."), "reason")
    _decide(volunteer, "rejected", user, reason[:limits.REASON_MAX])
    db.session.flush()
    record("volunteer.reject", "volunteer", volunteer.id, user=user, reason=reason)


def live_pairings(volunteer: Volunteer) -> int:
    """How many people are paired with the helper now (proposed or active)."""
    return db.session.scalar(select(func.count(Pairing.id)).where(
        Pairing.volunteer_id == volunteer.id, Pairing.status.in_(LIVE)))


def update_profile(volunteer: Volunteer, profile: Profile, user) -> list[str]:
    """The helper's own changes; the capacity may not fall below the people they help now.
    Returns the names of what changed (audited, without the values)."""
    _check_profile(volunteer.kind, profile)
    one_at_a_time()  # a publish or a re-match under way may be giving them someone
    current = live_pairings(volunteer)
    if profile.capacity < current:
        raise SignUpError(_l("You help %(count)s people now: your capacity cannot be less. "
                             "Decline a household first to take on fewer.", count=current),
                          "capacity")
    digits = compact_phone(profile.phone)
    _phone_taken(digits, volunteer)
    before = _snapshot(volunteer)
    phone_changed = ids.keyed_hash(digits) != volunteer.phone_hash
    _apply_profile(volunteer, profile)
    changed = [name for name, value in _snapshot(volunteer).items() if before[name] != value]
    changed += ["phone"] if phone_changed else []
    db.session.flush()
    record("volunteer.profile", "volunteer", volunteer.id, user=user, changed=changed)
    return changed


def _snapshot(volunteer: Volunteer) -> dict:
    return {"capacity": volunteer.capacity, "skills": list(volunteer.skills),
            "languages": list(volunteer.languages),
            "travel_streets": list(volunteer.travel_street_ids),
            "availability": list(volunteer.availability)}


def pause(volunteer: Volunteer, kind: str, until: date | None, reason: str, user,
          today: date) -> None:
    """The helper pauses (holiday, illness...), until a day or until they resume: the people
    paired with them stay, and no run offers them anyone new meanwhile."""
    if kind not in PAUSE_KINDS:
        raise SignUpError(_l("Choose from the lists offered."), "kind")
    last = today + timedelta(days=limits.PAUSE_DAYS_MAX)
    if until is not None and not today <= until <= last:
        raise SignUpError(_l("Choose a day between %(first)s and %(last)s.",
                             first=today.isoformat(), last=last.isoformat()), "until")
    volunteer.paused_at, volunteer.paused_until = utcnow(), until
    volunteer.pause_kind, volunteer.pause_reason = kind, (reason or "").strip() or None
    db.session.flush()
    record("volunteer.pause", "volunteer", volunteer.id, user=user, kind=kind,
           until=until.isoformat() if until else None)


def resume(volunteer: Volunteer, user) -> None:
    """The helper is back: the next run may offer them people again."""
    if volunteer.paused_at is None:
        raise SignUpError(_l("You are not paused."))
    volunteer.paused_at = volunteer.paused_until = None
    volunteer.pause_kind = volunteer.pause_reason = None
    db.session.flush()
    record("volunteer.resume", "volunteer", volunteer.id, user=user)
