"""Reading the audit log."""

from sqlalchemy import Select, select

from charity.audit.models import AuditEntry


def entries(action: str | None = None, object_type: str | None = None) -> Select:
    """The audit log, newest first, narrowed to one action or kind of object if given."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return query
