"""The Stripe events seen (each id processed once; some kept waiting for their gift), and the
reconciliations run against Stripe's own records."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import UTCDateTime, utcnow
from charity.extensions import db

WAITING = "waiting"


class StripeEvent(db.Model):
    """A Stripe event received: its id is the webhook's idempotency key. An event for an object
    the app does not know yet is kept `waiting` with what it said, and applied once it can be."""

    __tablename__ = "stripe_event"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    type: Mapped[str] = mapped_column(String(60))
    #: 'credited', 'failed', 'refunded …', 'ignored …', 'waiting', or 'refused: …'.
    outcome: Mapped[str] = mapped_column(String(200))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donation.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: What a waiting event waits for: 'pi:<PaymentIntent>', 'ch:<Charge>' or
    #: 'sub:<Subscription>'; empty once applied.
    waiting_on: Mapped[str | None] = mapped_column(String(90), index=True)
    #: The event's type and object while it waits (needed to apply it later); dropped once
    #: applied, so no payment details are kept longer than needed.
    payload: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))


class Reconciliation(db.Model):
    """One comparison of the gifts with what Stripe holds: what was examined, what differed and
    was put right through the webhook's own code, and what could not be."""

    __tablename__ = "reconciliation"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Stripe objects created on or after this day (Asia/Shanghai) were examined.
    since: Mapped[date]
    #: How many of each kind of Stripe object were examined.
    examined: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Each difference put right: {"object", "kind", "outcome", "donation_id"}.
    fixed: Mapped[list] = mapped_column(JSON, default=list)
    #: Each difference that needs a person: {"object", "kind", "reason", "donation_id"}.
    unfixed: Mapped[list] = mapped_column(JSON, default=list)
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    run_by = relationship("User")
