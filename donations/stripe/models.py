"""The Stripe events already seen: each event id is processed once."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from charity.database import UTCDateTime, utcnow
from charity.extensions import db


class StripeEvent(db.Model):
    """A Stripe event already processed: its id is the webhook's idempotency key."""

    __tablename__ = "stripe_event"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    type: Mapped[str] = mapped_column(String(60))
    #: 'credited', 'failed', 'flagged', 'refunded', 'ignored', or a refusal.
    outcome: Mapped[str] = mapped_column(String(200))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donation.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
