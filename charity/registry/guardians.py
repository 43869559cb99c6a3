"""Guardians of children under 14: a child is enrolled only with a guardian recorded, who
consented (PIPL art. 31: a minor under 14's personal information is processed with a
guardian's consent). The same checks serve the forms and the roster import."""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from charity.extensions import db
from charity.main import limits
from charity.registry import ids
from charity.registry.models import Guardian, Household, Person

#: Below this age (on the day of enrolment) a person needs a guardian recorded.
GUARDIAN_AGE = 14
#: A member of the household who is a guardian is of this age at least (Civil Code art. 17
#: and 27: a guardian has full capacity; a brother of ten consents for nobody).
ADULT_AGE = 18


@dataclass(frozen=True)
class GuardianDetails:
    """A guardian as the form or a roster row gives them; `person_id` links a member of the
    child's household who is the guardian."""

    name: str = ""
    relation: str = ""
    phone: str = ""
    person_id: int | None = None
    consent_on: date | None = None


def age(born: date, today: date) -> int:
    """Years of age on `today` of someone born on `born`."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def needs_guardian(born: date, today: date) -> bool:
    """Whether someone born on `born` is under 14 on `today`."""
    return age(born, today) < GUARDIAN_AGE


def can_be_guardian(member: Person, today: date) -> bool:
    """Whether a member of the household may be recorded as a child's guardian: an adult."""
    return age(member.birth_date, today) >= ADULT_AGE


def problems(details: GuardianDetails | None, today: date, household: Household | None = None,
             born: date | None = None) -> list[tuple[str, str]]:
    """What is missing or wrong in a child's guardian, as (field, message) pairs; the fields
    are GuardianDetails' names. Empty when the guardian can be recorded. A consent is given
    on or after the child's birth (`born`), not before."""
    if details is None or not any((details.name, details.relation, details.phone,
                                   details.person_id, details.consent_on)):
        return [("name", str(_l("A child under 14 is enrolled only with a guardian: give the "
                                "guardian's name, relation, phone and consent.")))]
    found = _linked_problems(details.person_id, household, today)
    if not details.name.strip():
        found.append(("name", str(_l("Give the guardian's name."))))
    elif len(details.name) > limits.NAME_MAX:
        found.append(("name", str(_l("At most %(max)s characters.", max=limits.NAME_MAX))))
    if not details.relation.strip() or len(details.relation) > limits.RELATION_MAX:
        found.append(("relation", str(_l("Give the guardian's relation to the child (at most "
                                         "%(max)s characters).", max=limits.RELATION_MAX))))
    if details.phone and not re.fullmatch(limits.PHONE_PATTERN, details.phone):
        found.append(("phone", str(_l("A phone number is 5 to 20 digits, spaces or dashes."))))
    elif not details.phone and details.person_id is None:
        found.append(("phone", str(_l("Give the guardian's phone number."))))
    if details.consent_on is None:
        found.append(("consent_on", str(_l("The guardian's consent is required."))))
    elif not (first := max(limits.EARLIEST_DATE, born or limits.EARLIEST_DATE)) \
            <= details.consent_on <= today:
        found.append(("consent_on", str(_l("The date must be between %(first)s and today.",
                                           first=first.isoformat()))))
    return found


def _linked_problems(person_id: int | None, household: Household | None,
                     today: date) -> list[tuple[str, str]]:
    """A guardian linked to a person: an adult member of the child's household."""
    if person_id is None:
        return []
    members = {p.id: p for p in household.members} if household is not None else {}
    if person_id not in members:
        return [("person_id", str(_l("The guardian must be a member of this household.")))]
    if not can_be_guardian(members[person_id], today):
        return [("person_id", str(_l("The guardian must be an adult (%(age)s or older).",
                                     age=ADULT_AGE)))]
    return []


def mask_phone(phone: str) -> str:
    """The first 3 and last 2 digits of a phone number; the rest starred."""
    digits = re.sub(r"\D", "", phone)
    return digits[:3] + "*" * max(len(digits) - 5, 0) + digits[-2:]


def record(person: Person, details: GuardianDetails, user=None) -> Guardian:
    """Attach a checked guardian to a newly enrolled child (the caller flushes)."""
    name = details.name.strip()
    phone = details.phone.strip()
    guardian = Guardian(person=person, name=name, relation=details.relation.strip(),
                        guardian_person_id=details.person_id, consent_on=details.consent_on,
                        phone_encrypted=ids.encrypt(phone) if phone else None,
                        phone_masked=mask_phone(phone) if phone else None,
                        recorded_by_id=getattr(user, "id", None))
    db.session.add(guardian)
    return guardian


def phone(guardian: Guardian) -> str | None:
    """The guardian's full phone number; whoever shows it logs the view (`reveal_id` does)."""
    return ids.decrypt(guardian.phone_encrypted) if guardian.phone_encrypted else None
