"""Audit entries. Never updated or deleted: the ORM refuses, and so does PostgreSQL."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import UTCDateTime, utcnow
from charity.extensions import db


class AuditEntry(db.Model):
    """One line of the audit log: who did what to which object, when and from where."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: What happened, e.g. 'person.view_id', 'person.create', 'roster.import'.
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))

    user = relationship("User")


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove an append-only row."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AppendOnlyError("audit entries are append-only")
