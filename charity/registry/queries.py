"""Reading the registry; every query takes the viewer's street scope."""

from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from charity.district.models import Street
from charity.registry.models import CATEGORIES, FLAGS, Household, Person


@dataclass(frozen=True)
class PersonFilter:
    """What the roster search narrows people by; empty fields narrow nothing."""

    street_id: int | None = None
    community_id: int | None = None
    category: str | None = None
    status: str | None = None
    flag: str | None = None
    text: str | None = None


def scoped(query: Select, street_id: int | None) -> Select:
    """Limit a query that joins Household to one street when the viewer is a street officer."""
    return query if street_id is None else query.where(Household.street_id == street_id)


def _listed() -> Select:
    """People with their household's street and community, as lists show them."""
    return (
        select(Person)
        .join(Household)
        .join(Street, Street.id == Household.street_id)
        .options(joinedload(Person.household).joinedload(Household.community),
                 joinedload(Person.household).joinedload(Household.street))
        .where(Person.category.in_(CATEGORIES))
    )


def people(filters: PersonFilter, scope: int | None) -> Select:
    """People matching the filters within the viewer's scope, ordered by street and id."""
    query = scoped(_listed().order_by(Street.position, Person.id), scope)
    if filters.street_id:
        query = query.where(Household.street_id == filters.street_id)
    if filters.community_id:
        query = query.where(Household.community_id == filters.community_id)
    if filters.category:
        query = query.where(Person.category == filters.category)
    if filters.status:
        query = query.where(Person.status == filters.status)
    if filters.flag in FLAGS:
        query = query.where(getattr(Person, filters.flag).is_(True))
    if filters.text:
        text = filters.text.strip()
        query = query.where(Person.name.contains(text, autoescape=True) | (Household.code == text))
    return query


#: The most people a picker's search answers with, and the most words it reads of a query.
SEARCH_LIMIT = 20
SEARCH_WORDS = 4


def _word_matches(word: str, id_hash: str | None):
    """What one word of a picker's search may match: a part of the name, the start of the
    household's number, a part of its address, the last characters of the masked ID (no more
    than the masked ID shows), or, for a valid full ID number, its keyed hash."""
    upper = word.upper()
    matches = [Person.name.contains(word, autoescape=True),
               Household.code.startswith(word, autoescape=True),
               Household.address.contains(word, autoescape=True)]
    if len(word) <= 2 and all(c.isdigit() or c == "X" for c in upper):
        matches.append(Person.id_number_masked.endswith(upper, autoescape=True))
    if id_hash is not None:
        matches.append(Person.id_number_hash == id_hash)
    return or_(*matches)


def search(words: list[tuple[str, str | None]], scope: int | None) -> Select:
    """People within the viewer's scope every word of a picker's query matches (`words` is
    each word with its keyed hash when it is a valid full ID number), names starting with the
    first word first; at most one more than `SEARCH_LIMIT`, so the caller can say there are
    more."""
    first = words[0][0]
    query = (
        _listed()
        .where(and_(*(_word_matches(word, id_hash) for word, id_hash in words)))
        .order_by(case((Person.name.startswith(first, autoescape=True), 0), else_=1),
                  Person.name, Person.id)
        .limit(SEARCH_LIMIT + 1)
    )
    return scoped(query, scope)


def person(person_id: int, scope: int | None) -> Select:
    """One person, if within the viewer's scope."""
    return scoped(select(Person).join(Household).where(Person.id == person_id), scope)


def household(household_id: int, scope: int | None) -> Select:
    """One household, if within the viewer's scope."""
    return scoped(select(Household).where(Household.id == household_id), scope)


def counts_by_street(include_inactive: bool = False) -> Select:
    """(street name, category, count) for everyone on the roster (enrolled only by default)."""
    query = (
        select(Street.name, Person.category, func.count(Person.id))
        .join(Household, Household.street_id == Street.id)
        .join(Person, Person.household_id == Household.id)
        .where(Person.category.in_(CATEGORIES))
        .group_by(Street.name, Person.category)
    )
    if not include_inactive:
        query = query.where(Person.status == "enrolled")
    return query
