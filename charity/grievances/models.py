"""A grievance: who it concerns (a street, perhaps a refused application), what was said, the
deadline for the answer and the answer. The tracking code and the contact phone's last four
digits are kept only as keyed hashes; the phone itself is encrypted."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, UTCDateTime, check_one_of
from charity.extensions import db

GRIEVANCE_KINDS = ("complaint", "appeal")
GRIEVANCE_STATUSES = ("open", "answered")
#: Where a grievance came from: the public form, or staff recording one (phone, letter, visit).
GRIEVANCE_SOURCES = ("public", "staff")
#: The longest text a grievance or an answer may hold.
TEXT_MAX = 2000


class Grievance(CreatedAt, db.Model):
    """One complaint or appeal and its answer."""

    __tablename__ = "grievance"
    __table_args__ = (
        CheckConstraint("status = 'open' OR (answer IS NOT NULL AND answered_at IS NOT NULL)",
                        name="answered"),
        *(check_one_of(column, values) for column, values in (
            ("kind", GRIEVANCE_KINDS), ("status", GRIEVANCE_STATUSES),
            ("source", GRIEVANCE_SOURCES))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    #: The relief application appealed against (staff link it when they record an appeal).
    application_id: Mapped[int | None] = mapped_column(ForeignKey("relief_application.id"))
    text: Mapped[str] = mapped_column(Text)
    #: HMAC of the tracking code: found by it, never shown again.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: HMAC of the tracking code with the phone's last four digits: both must match to read.
    check_hash: Mapped[str] = mapped_column(String(64))
    phone_encrypted: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    street = relationship("Street")
    application = relationship("Application")

    def overdue(self, today: date) -> bool:
        """Still open after its deadline."""
        return self.status == "open" and self.due_on < today
