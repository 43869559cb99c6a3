"""Reading the district."""

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from charity.district.models import Community, DepartmentGroup, Street


def streets() -> Select:
    """Streets in the attachment's order, the welfare home last."""
    return select(Street).order_by(Street.position)


def communities(street_id: int | None = None) -> Select:
    """Communities by street in the attachment's order, then by name; one street's if given."""
    query = select(Community).join(Street).order_by(Street.position, Community.name)
    if street_id is not None:
        query = query.where(Community.street_id == street_id)
    return query


def groups() -> Select:
    """Department groups with their streets and departments."""
    return (
        select(DepartmentGroup)
        .options(selectinload(DepartmentGroup.departments), selectinload(DepartmentGroup.street))
        .order_by(DepartmentGroup.number)
    )
