"""Reading the registry; every query takes the viewer's street scope."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select
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


def people(filters: PersonFilter, scope: int | None) -> Select:
    """People matching the filters within the viewer's scope, ordered by street and id."""
    query = (
        select(Person)
        .join(Household)
        .join(Street, Street.id == Household.street_id)
        .options(joinedload(Person.household).joinedload(Household.community),
                 joinedload(Person.household).joinedload(Household.street))
        .where(Person.category.in_(CATEGORIES))
        .order_by(Street.position, Person.id)
    )
    query = scoped(query, scope)
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
        query = query.where(Person.name.contains(text) | (Household.code == text))
    return query


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
