"""Standing commitments: monthly gifts (Stripe subscriptions) and sponsorship pledges."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import UTCDateTime, utcnow
from charity.extensions import db

SPONSORSHIP_KINDS = ("autumn_grant", "textbooks", "household_support")


class RecurringGift(db.Model):
    """A donor's monthly gift; each paid invoice becomes a Donation."""

    __tablename__ = "recurring_gift"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint("status IN ('incomplete', 'active', 'canceled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    designation: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="incomplete")
    stripe_customer: Mapped[str] = mapped_column(String(80))
    #: The SetupIntent whose card the subscription charges.
    setup_intent: Mapped[str] = mapped_column(String(80), unique=True)
    subscription: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    donor = relationship("User")


class Sponsorship(db.Model):
    """A donor's pledge to fund one need; paired with one person who is sponsored once."""

    __tablename__ = "sponsorship"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint(
            f"kind IN ({', '.join(repr(k) for k in SPONSORSHIP_KINDS)})", name="kind"),
        CheckConstraint("status IN ('pledged', 'paired', 'closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: Street the donor wants to help, or NULL for anywhere in the district.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"))
    #: The person the pledge pays for; unique, so no one is sponsored twice.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pledged")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    donor = relationship("User")
    person = relationship("Person")
    street = relationship("Street")

    @property
    def designation(self) -> str:
        return f"sponsorship:{self.id}"
