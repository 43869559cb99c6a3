"""Changing the registry. Operations flush; the request or command commits once."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from charity.audit.operations import record
from charity.database import utcnow
from charity.errors import DomainError
from charity.extensions import db
from charity.pairing.models import Pairing
from charity.pairing.operations import one_at_a_time
from charity.registry import guardians, ids
from charity.registry.models import Household, Person, StatusChange


class RegistryError(DomainError):
    """A change that the registry refuses; the message is shown to the user."""


def create_household(code: str, street_id: int, community_id: int, address: str = "") -> Household:
    """Open a household on the roster; the code must be new."""
    if db.session.scalar(select(Household.id).where(Household.code == code)):
        raise RegistryError(_l("Household number %(code)s is already on the roster.", code=code))
    household = Household(code=code, street_id=street_id, community_id=community_id,
                          address=address)
    db.session.add(household)
    db.session.flush()
    record("household.create", "household", household.id, code=code)
    return household


def duplicate_of(number: str) -> Person | None:
    """The person on the roster with this ID number, found by its keyed hash."""
    return db.session.scalar(select(Person).where(Person.id_number_hash == ids.keyed_hash(number)))


class GuardianError(RegistryError):
    """A child under 14 without a guardian who can be recorded; `problems` says what is
    missing, by GuardianDetails field."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(" ".join(message for _field, message in problems))
        self.problems = problems


def enrol(household: Household, id_number: str, today: date, reason: str, user=None,
          guardian: guardians.GuardianDetails | None = None, **fields) -> Person:
    """Put a person on the roster: validate and seal the ID, refuse a duplicate, start history.
    A child under 14 needs `guardian`, with consent, recorded with them."""
    checked = ids.check(id_number, today)
    if duplicate_of(checked.number) is not None:
        raise RegistryError(_l("This ID number is already on the roster."))
    child = guardians.needs_guardian(checked.birth_date, today)
    if child and (problems := guardians.problems(guardian, today, household,
                                                 born=checked.birth_date)):
        raise GuardianError(problems)
    person = Person(household=household, birth_date=checked.birth_date,
                    sex=fields.pop("sex", None) or checked.sex, status="enrolled",
                    **ids.sealed(checked.number), **fields)
    db.session.add(person)
    if child:
        guardians.record(person, guardian, user=user)
    db.session.flush()
    db.session.add(StatusChange(person=person, status="enrolled", reason=reason,
                                effective_date=today, changed_by_id=getattr(user, "id", None)))
    record("person.create", "person", person.id, user=user)
    return person


def update(person: Person, user=None, **fields) -> Person:
    """Change a person's attributes (not their ID number or status); audited by field name."""
    changed = sorted(k for k, v in fields.items() if getattr(person, k) != v)
    for key in changed:
        setattr(person, key, fields[key])
    db.session.flush()
    if changed:
        record("person.update", "person", person.id, user=user, fields=changed)
    return person


def change_status(person: Person, status: str, reason: str, effective: date,
                  next_review: date | None = None, user=None) -> StatusChange:
    """Enrol, suspend or exit a person, keeping the history with the reason and date; a
    person who exits the roster has their live pairings ended."""
    if not reason.strip():
        raise RegistryError(_l("A status change needs a reason."))
    if status == person.status:
        raise RegistryError(_l("The person already has this status."))
    change = StatusChange(person=person, status=status, reason=reason.strip(),
                          effective_date=effective, changed_by_id=getattr(user, "id", None))
    person.status = status
    if next_review is not None:
        person.next_review_date = next_review
    db.session.add(change)
    db.session.flush()
    record("person.status", "person", person.id, user=user, status=status)
    if status == "exited":
        end_pairings(person, user=user)
    return change


def end_pairings(person: Person, user=None) -> int:
    """End the person's proposed and active pairings (they left the roster): how many. Waits
    first for a publish, a re-match or a suggestion under way (`one_at_a_time`): it may be
    ending or adding this person's pairs."""
    one_at_a_time()
    live = db.session.scalars(select(Pairing).where(
        Pairing.person_id == person.id, Pairing.status.in_(("proposed", "active")))).all()
    now = utcnow()
    for pairing in live:
        pairing.status, pairing.ended_at, pairing.locked = "ended", now, False
        record("pairing.end", "pairing", pairing.id, user=user, reason="person_exited")
    db.session.flush()
    return len(live)


def health_viewed(person: Person, user, page: str) -> None:
    """Audit a view of a person's health and disability details (disability grade, serious
    illness, special disease, medical costs), as a full ID view is: who, whom, on which page."""
    record("person.view_health", "person", person.id, user=user, page=page)


def health_listed(people: list[Person], user, page: str, picked_by: str) -> None:
    """Audit a list that picks people by a health or disability detail (`picked_by`): one
    entry naming everyone the list shows, so each of them is found in the log. The ids come
    from the identity map: the unit of work that writes the entry may have expired the rows
    (a reading request's transaction ends first), and a reload per row would follow."""
    if people:
        record("person.view_health", "person_list", None, user=user, page=page,
               picked_by=picked_by, person_ids=[inspect(p).identity[0] for p in people])


def reveal_id(person: Person, user) -> str:
    """The full ID number, for a role allowed to see it; each view is audited."""
    record("person.view_id", "person", person.id, user=user)
    return ids.decrypt(person.id_number_encrypted)


def reveal_guardian_phone(person: Person, user) -> str | None:
    """A child's guardian's full phone number, shown with the full ID; audited as it is."""
    if person.guardian is None or person.guardian.phone_encrypted is None:
        return None
    record("person.view_guardian_phone", "person", person.id, user=user)
    return guardians.phone(person.guardian)
