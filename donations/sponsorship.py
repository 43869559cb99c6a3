"""Sponsorship pledges: a donor funds one need; the pledge is paired with a person in need
who fits it and is not yet sponsored. The donor sees an anonymised profile only."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.database import utcnow
from charity.extensions import db
from charity.registry.models import Household, Person
from donations.pledge_models import SPONSORSHIP_KINDS, Sponsorship


class SponsorshipError(ValueError):
    """A pledge that cannot be made; the message is shown to the user."""


def _fits(kind: str, year: int):
    """Who a kind of need is for (measure 5 for students, measures 1-2 for households)."""
    if kind == "autumn_grant":
        return [Person.school_level == "college", Person.college_entry_year == year]
    if kind == "textbooks":
        return [Person.school_level == "senior_high", Person.category.in_(("dibao", "tekun"))]
    return [Person.category == "tekun"]


def candidate(sponsorship: Sponsorship, year: int) -> Person | None:
    """The first enrolled, unsponsored person who fits: orphans and tekun first, then by id
    (deterministic, so a rerun pairs the same person)."""
    taken = select(Sponsorship.person_id).where(Sponsorship.person_id.is_not(None))
    query = (select(Person).join(Household)
             .where(Person.status == "enrolled", Person.id.not_in(taken),
                    *_fits(sponsorship.kind, year))
             .order_by(Person.orphan.desc(), (Person.category == "tekun").desc(), Person.id)
             .limit(1))
    if sponsorship.street_id:
        query = query.where(Household.street_id == sponsorship.street_id)
    return db.session.scalar(query)


def pledge(donor, kind: str, amount_fen: int, street_id: int | None, year: int) -> Sponsorship:
    """Record a pledge and pair it at once when someone fits."""
    from donations.operations import check_amount

    if kind not in SPONSORSHIP_KINDS:
        raise SponsorshipError(_l("Choose a need from the list."))
    check_amount(amount_fen)
    sponsorship = Sponsorship(donor_id=donor.id, kind=kind, amount_fen=amount_fen,
                              street_id=street_id)
    db.session.add(sponsorship)
    db.session.flush()
    pair(sponsorship, year)
    return sponsorship


def pair(sponsorship: Sponsorship, year: int) -> Sponsorship:
    """Pair a pledged sponsorship with a person, if one fits; unchanged otherwise."""
    if sponsorship.status != "pledged":
        return sponsorship
    person = candidate(sponsorship, year)
    if person is not None:
        sponsorship.person_id, sponsorship.status = person.id, "paired"
        sponsorship.paired_at = utcnow()
        db.session.flush()
    return sponsorship


@dataclass(frozen=True)
class Profile:
    """What a sponsor may know: no name, ID, address, illness or income."""

    category: str
    age_band: str
    street: str
    school_level: str | None
    orphan: bool


def profile(person: Person, today) -> Profile:
    age = person.age_on(today)
    band = f"{age // 10 * 10}–{age // 10 * 10 + 9}"
    return Profile(category=person.category, age_band=band, street=person.household.street.name,
                   school_level=person.school_level, orphan=person.orphan)
