"""Writing to the audit log."""

from flask import has_request_context, request
from flask_login import current_user

from charity.audit.models import AuditEntry
from charity.extensions import db


def record(action: str, object_type: str, object_id=None, user=None, **detail) -> AuditEntry:
    """Append one audit entry for the current user (or `user`); flush, don't commit."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        user_id=getattr(user, "id", None),
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
