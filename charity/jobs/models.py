"""The job table: what was started, by whom, for which street, how far it got and how it ended."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, UTCDateTime, check_one_of, unique_where, utcnow
from charity.extensions import db

STATES = ("queued", "running", "retrying", "succeeded", "failed")
#: A job in one of these states holds its key: starting the same work again shows it instead.
ACTIVE = ("queued", "running", "retrying")
FINISHED = ("succeeded", "failed")


class Job(CreatedAt, db.Model):
    """One piece of long work on a worker. `key` names the work (kind and scope): at most one
    active job holds a key at a time. Progress is `done` of `total` steps, with a message code
    (shown through `charity.jobs.messages`); the outcome is a result (an endpoint and its
    values) or an error (a code with parameters, never personal data)."""

    __tablename__ = "job"
    __table_args__ = (
        check_one_of("state", STATES),
        unique_where("uq_job_active_key", "key",
                     where="state IN ('queued', 'running', 'retrying')"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    key: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"), index=True)
    #: None for a scheduled job (Celery beat).
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: What the job works on (a street, a tolerance); read by the task, never personal data.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    progress_code: Mapped[str] = mapped_column(String(40), default="queued")
    #: ``{"endpoint": ..., "values": {...}}``: where the result is shown.
    result: Mapped[dict | None] = mapped_column(JSON)
    #: ``{"code": ..., "params": {...}}`` (see `charity.jobs.messages.ERRORS`).
    error: Mapped[dict | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0)
    celery_id: Mapped[str | None] = mapped_column(String(50))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    street = relationship("Street")
    started_by = relationship("User")

    @property
    def finished(self) -> bool:
        """Whether the job succeeded or failed (it will not change again)."""
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        """How far it got, 0–100."""
        if self.state == "succeeded":
            return 100
        return int(100 * self.done / self.total) if self.total else 0
