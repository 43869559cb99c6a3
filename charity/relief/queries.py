"""Reading applications within the viewer's street scope."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from charity.relief.models import Application


def scoped(query: Select, scope: int | None) -> Select:
    """Limit a query of applications to one street when the viewer is a street officer."""
    return query if scope is None else query.where(Application.street_id == scope)


def applications(scope: int | None, state: str | None = None) -> Select:
    """Applications in the viewer's scope, newest first, in one state if given."""
    query = select(Application).options(joinedload(Application.person),
                                        joinedload(Application.street))
    query = scoped(query.order_by(Application.id.desc()), scope)
    return query.where(Application.state == state) if state else query


def application(application_id: int, scope: int | None) -> Select:
    """One application, if within the viewer's scope."""
    return scoped(select(Application).where(Application.id == application_id), scope)


def counts_by_state(scope: int | None) -> Select:
    """(state, how many applications) within the viewer's scope."""
    query = select(Application.state, func.count(Application.id)).group_by(Application.state)
    return scoped(query, scope)
