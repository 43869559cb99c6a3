"""Cadres on the roster: enrolled and edited (one by form, many by the department roster),
and the changes that move their pairings: leaving, a transfer, a change of rank. Each change
ends the pairings it must end and offers every person left without a cadre to the optimiser's
re-match (`operations.rematch`); the outcome counts what really happened. Operations flush;
the request or the job commits."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

import matching
from charity.audit.operations import record
from charity.database import utcnow
from charity.district.models import Department, Street
from charity.errors import DomainError
from charity.extensions import db
from charity.pairing import adapter, operations
from charity.pairing.models import RANKS, Cadre, CadreInvite, CrossStreetPermission, Pairing
from charity.registry import guardians, ids
from charity.timeutil import local_today
from matching.scoring import level

#: A mainland mobile number once spaces, dashes and a +86 are taken away.
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
#: The most people a cadre of each rank takes on (the 321 rule).
QUOTA_MAX = {rank: bounds[1] for rank, bounds in matching.DEFAULT_QUOTAS}


class CadreError(DomainError):
    """A change to a cadre that is refused; the message is shown to the user."""


def mobile(text: str) -> str | None:
    """The 11 digits of a mainland mobile number typed with spaces, dashes or +86; None when it
    is not one. Full-width digits read as ASCII ones (one number, one hash)."""
    digits = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if MOBILE.match(digits) else None


def phone_hash(number: str) -> str:
    """The keyed hash that finds a cadre by phone without decrypting any."""
    return ids.keyed_hash(f"tel:{number}")


def sealed_phone(number: str) -> dict[str, str]:
    """The stored forms of a checked mobile number, as Cadre column values."""
    return {"phone_encrypted": ids.encrypt(number), "phone_hash": phone_hash(number),
            "phone_masked": guardians.mask_phone(number)}


def by_phone(number: str) -> Cadre | None:
    """The cadre with this mobile number, if any."""
    return db.session.scalar(select(Cadre).where(Cadre.phone_hash == phone_hash(number)))


def by_staff_number(number: str) -> Cadre | None:
    """The cadre with this staff number, if any."""
    return db.session.scalar(select(Cadre).where(Cadre.staff_number == number))


def clashes(phone: str | None, staff_number: str | None,
            cadre_id: int | None) -> list[tuple[str, str]]:
    """(field, message) for a phone or staff number that another cadre has."""
    found = []
    other = by_phone(phone) if phone else None
    if other is not None and other.id != cadre_id:
        found.append(("phone", str(_l("This phone number belongs to another cadre."))))
    other = by_staff_number(staff_number) if staff_number else None
    if other is not None and other.id != cadre_id:
        found.append(("staff_number", str(_l("This staff number belongs to another cadre."))))
    return found


#: What a cadre's record holds besides its department and rank (the form's and roster's).
DETAILS = ("name", "home_community_id", "skills", "staff_number")


def create(department_id: int, rank: str, phone: str, user=None, **details) -> Cadre:
    """Put a cadre on the roster; the phone (and a staff number) must be new."""
    if rank not in RANKS:
        raise CadreError(_l("Unknown rank."))
    problems = clashes(phone, details.get("staff_number"), None)
    if problems:
        raise CadreError(problems[0][1])
    cadre = Cadre(department_id=department_id, rank=rank, active=True,
                  **sealed_phone(phone), **details)
    db.session.add(cadre)
    db.session.flush()
    record("cadre.create", "cadre", cadre.id, user=user, department_id=department_id,
           rank=rank)
    return cadre


def update(cadre: Cadre, phone: str | None = None, user=None, **details) -> list[str]:
    """Change a cadre's name, phone, home community, skills or staff number (not department
    or rank: `transfer` and `change_rank` move pairings); audited by field name. Returns the
    fields changed."""
    problems = clashes(phone, details.get("staff_number"), cadre.id)
    if problems:
        raise CadreError(problems[0][1])
    changed = sorted(k for k, v in details.items() if getattr(cadre, k) != v)
    for key in changed:
        setattr(cadre, key, details[key])
    if phone and cadre.phone_hash != phone_hash(phone):
        for key, value in sealed_phone(phone).items():
            setattr(cadre, key, value)
        changed.append("phone")
    db.session.flush()
    if changed:
        record("cadre.update", "cadre", cadre.id, user=user, fields=changed)
    return changed


@dataclass
class Outcome:
    """What a change did to the cadre's pairings: how many ended, and of their people how many
    the re-match gave a new cadre and how many it could not."""

    ended: int = 0
    rematched: int = 0
    unmatched: int = 0
    new_pairings: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        """The counts, as the audit log keeps them."""
        return {"ended": self.ended, "rematched": self.rematched, "unmatched": self.unmatched}


def live_pairings(cadre: Cadre) -> list[Pairing]:
    """The cadre's proposed and active pairings, oldest first."""
    return db.session.scalars(select(Pairing).where(
        Pairing.cadre_id == cadre.id, Pairing.status.in_(adapter.LIVE))
        .order_by(Pairing.id)).all()


def _end_and_rematch(pairings: list[Pairing], user) -> Outcome:
    """End `pairings`, then offer each person to the re-match (the cadre is never chosen
    again for them: it is the helper the re-match leaves out); a person nobody is found for
    goes on their street's queue of unmatched people, with the reason."""
    outcome = Outcome(ended=len(pairings))
    now = utcnow()
    for pairing in pairings:
        pairing.status, pairing.ended_at, pairing.locked = "ended", now, False
    db.session.flush()
    for pairing in pairings:
        found, why = operations.rematch(pairing, user)
        if found is None:
            operations.enqueue(pairing, why, user)
            outcome.unmatched += 1
        else:
            outcome.rematched += 1
            outcome.new_pairings.append(found.id)
    return outcome


def leave(cadre: Cadre, on: date, reason: str, user=None) -> Outcome:
    """The cadre leaves: no longer given to the optimiser, their account closed and unused
    links revoked; every live pairing ends and its person is re-matched."""
    reason = (reason or "").strip()
    if not reason:
        raise CadreError(_l("Please give the reason for leaving."))
    if cadre.left_on is not None:
        raise CadreError(_l("This cadre has already left."))
    if on > local_today():
        raise CadreError(_l("The day of leaving cannot be in the future."))
    operations.one_at_a_time()  # a publish under way may be giving them someone
    cadre.active, cadre.left_on, cadre.leave_reason = False, on, reason
    if cadre.user is not None:  # their account no longer opens anyone's records
        cadre.user.active = False
    now = utcnow()
    for invite in db.session.scalars(select(CadreInvite).where(
            CadreInvite.cadre_id == cadre.id, CadreInvite.used_at.is_(None),
            CadreInvite.revoked_at.is_(None))):
        invite.revoked_at = now
    db.session.flush()
    outcome = _end_and_rematch(live_pairings(cadre), user)
    record("cadre.leave", "cadre", cadre.id, user=user, on=on.isoformat(), reason=reason,
           **outcome.as_dict())
    return outcome


def allowed_streets(department: Department) -> set[str]:
    """The streets a department's cadres may pair in: their group's, and any the staff
    allowed the group."""
    allowed = set(db.session.scalars(
        select(Street.name).join(CrossStreetPermission,
                                 CrossStreetPermission.street_id == Street.id)
        .where(CrossStreetPermission.group_id == department.group_id)))
    return allowed | {department.group.street.name}


def _refuse_if_left(cadre: Cadre) -> None:
    """Refuse a change to a cadre who left; else wait for a publish, a re-match or another
    change of a cadre under way (`operations.one_at_a_time`), before any row is written: that
    one may be ending or adding this cadre's pairs."""
    if cadre.left_on is not None or not cadre.active:
        raise CadreError(_l("This cadre has left; their record is kept as it was."))
    operations.one_at_a_time()


def transfer(cadre: Cadre, department: Department, user=None) -> Outcome:
    """Move a cadre to another department; pairings outside the streets the new department
    may pair in end, and their people are re-matched."""
    _refuse_if_left(cadre)
    if department.id == cadre.department_id:
        raise CadreError(_l("The cadre is already in this department."))
    before = cadre.department_id
    cadre.department_id = department.id
    db.session.flush()
    allowed = allowed_streets(department)
    outside = [p for p in live_pairings(cadre)
               if p.person.household.street.name not in allowed]
    outcome = _end_and_rematch(outside, user)
    record("cadre.transfer", "cadre", cadre.id, user=user, from_department=before,
           to_department=department.id, **outcome.as_dict())
    return outcome


def _priority(pairing: Pairing, today: date) -> tuple:
    """Sorts the people to keep first: highest priority level (the optimiser's), accepted
    before proposed, then the oldest pairing."""
    person = pairing.person
    marks = SimpleNamespace(category=person.category, flags=adapter.flags_of(person, today))
    return (-level(marks), pairing.status != "active", pairing.id)


def change_rank(cadre: Cadre, rank: str, user=None) -> Outcome:
    """Change a cadre's rank; if the new rank's quota maximum is lower than the people they
    have, the pairings beyond it end (the highest-priority people are kept) and those people
    are re-matched."""
    _refuse_if_left(cadre)
    if rank not in RANKS:
        raise CadreError(_l("Unknown rank."))
    if rank == cadre.rank:
        raise CadreError(_l("The cadre already has this rank."))
    before, cadre.rank = cadre.rank, rank
    db.session.flush()
    today = local_today()
    live = sorted(live_pairings(cadre), key=lambda p: _priority(p, today))
    outcome = _end_and_rematch(live[QUOTA_MAX[rank]:], user)
    record("cadre.rank", "cadre", cadre.id, user=user, before=before, after=rank,
           **outcome.as_dict())
    return outcome
