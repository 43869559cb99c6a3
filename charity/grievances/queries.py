"""Reading grievances: the staff queue by due date, the overdue count for the dashboard, and
the public lookup by tracking code and phone (one answer for any mismatch)."""

import hmac
from datetime import date

from sqlalchemy import Select, func, select

from charity.extensions import db
from charity.grievances import operations
from charity.grievances.models import Grievance


def queue(scope: int | None, status: str = "open") -> Select:
    """Grievances of a street (or all), soonest due first."""
    query = select(Grievance).where(Grievance.status == status)
    if scope is not None:
        query = query.where(Grievance.street_id == scope)
    order = (Grievance.due_on, Grievance.id) if status == "open" \
        else (Grievance.answered_at.desc(),)
    return query.order_by(*order).limit(500)


def in_scope(grievance_id: int, scope: int | None) -> Select:
    """One grievance, if within the viewer's street scope."""
    query = select(Grievance).where(Grievance.id == grievance_id)
    return query if scope is None else query.where(Grievance.street_id == scope)


def overdue_by_street(scope: int | None, today: date) -> dict[int, int]:
    """Street id -> how many grievances are still open after their deadline."""
    query = (select(Grievance.street_id, func.count(Grievance.id))
             .where(Grievance.status == "open", Grievance.due_on < today)
             .group_by(Grievance.street_id))
    if scope is not None:
        query = query.where(Grievance.street_id == scope)
    return dict(db.session.execute(query).all())


def tracked(code: str, last4: str) -> Grievance | None:
    """The grievance with this code whose phone ends in these four digits; None otherwise,
    whether the code or the digits are wrong (the caller answers both alike)."""
    found = db.session.scalar(select(Grievance).where(
        Grievance.code_hash == operations.code_hash(code)))
    expected = found.check_hash if found is not None else operations.check_hash("", "")
    given = operations.check_hash(code, last4)
    return found if hmac.compare_digest(expected, given) and found is not None else None
