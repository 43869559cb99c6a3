"""Reading sign-ups: the street officer's queue, one sign-up in scope, a helper's own row."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from charity.district.models import Community
from charity.pairing.models import Volunteer


def _in_scope(query: Select, scope: int | None) -> Select:
    if scope is None:
        return query
    return query.join(Community, Community.id == Volunteer.home_community_id).where(
        Community.street_id == scope)


def waiting(scope: int | None) -> Select:
    """Confirmed sign-ups that wait for the street officer of their home street (every street
    when ``scope`` is None), oldest first."""
    query = (select(Volunteer).where(Volunteer.status == "pending",
                                     Volunteer.confirmed_at.is_not(None))
             .options(joinedload(Volunteer.home_community).joinedload(Community.street))
             .order_by(Volunteer.confirmed_at, Volunteer.id))
    return _in_scope(query, scope)


def waiting_count(scope: int | None) -> Select:
    """How many sign-ups wait for the street officer (the menu's count)."""
    return select(func.count()).select_from(waiting(scope).order_by(None).subquery())


def one_waiting(volunteer_id: int, scope: int | None) -> Select:
    """One sign-up waiting for a decision, if its home street is in ``scope``."""
    return waiting(scope).where(Volunteer.id == volunteer_id)


def of_user(user_id: int) -> Select:
    """The helper row of an account."""
    return select(Volunteer).where(Volunteer.user_id == user_id)
