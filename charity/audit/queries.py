"""Reading the audit log."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from charity.audit.models import AuditEntry
from charity.audit.security import PREFIX
from charity.auth.models import User
from charity.timeutil import SHANGHAI


@dataclass(frozen=True)
class LogFilter:
    """What the auditor narrows the log by; empty fields narrow nothing. Days are local
    (Asia/Shanghai) and both ends are included."""

    security_only: bool = False
    since: date | None = None
    until: date | None = None
    user: str | None = None
    action: str | None = None


def day_start(day: date) -> datetime:
    """Midnight at the start of a local day, as an aware time."""
    return datetime.combine(day, time(), SHANGHAI)


def entries(action: str | None = None, object_type: str | None = None) -> Select:
    """The audit log, newest first, narrowed to one action or kind of object if given."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return query


def filtered(found: LogFilter) -> Select:
    """The audit log, newest first, narrowed by the auditor's filter."""
    query = entries()
    if found.security_only:
        query = query.where(AuditEntry.action.startswith(PREFIX))
    if found.action:
        query = query.where(AuditEntry.action.startswith(found.action, autoescape=True))
    if found.since:
        query = query.where(AuditEntry.at >= day_start(found.since))
    if found.until:
        query = query.where(AuditEntry.at < day_start(found.until + timedelta(days=1)))
    if found.user:
        query = query.join(User, User.id == AuditEntry.user_id).where(
            func.lower(User.email).contains(found.user.strip().lower(), autoescape=True))
    return query
