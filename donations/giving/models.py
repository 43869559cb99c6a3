"""Gifts, monthly commitments and staff decisions on gifts held for review."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, UTCDateTime, check_one_of, utcnow
from charity.extensions import db

CHANNELS = ("online", "cash", "bank_transfer", "payroll")
OFFLINE_CHANNELS = CHANNELS[1:]
STATUSES = ("pending", "awaiting_confirmation", "succeeded", "failed", "flagged",
            "partially_refunded", "refunded", "disputed", "dispute_lost")
#: States in which a gift's money is (or was) in the fund.
CREDITED = ("succeeded", "partially_refunded", "refunded", "disputed", "dispute_lost")
#: States whose money (net of refunds) has reached the fund; a dispute's hold has not.
RECEIVED = ("succeeded", "partially_refunded", "refunded")
RECURRING_KINDS = ("stripe", "standing_order")
RECURRING_STATUSES = ("incomplete", "active", "canceled")
REVIEW_DECISIONS = ("released", "withheld", "cleared")


class Donation(db.Model):
    """One gift, online or offline. Its ledger entries carry `gift:<id>` as their reference."""

    __tablename__ = "donation"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refunded"),
        CheckConstraint("fee_fen >= 0 AND fee_fen < amount_fen", name="fee"),
        check_one_of("channel", CHANNELS),
        check_one_of("status", STATUSES),
        CheckConstraint("channel = 'online' OR receipt_number IS NOT NULL", name="offline_receipt"),
        CheckConstraint("confirmed_by_id IS NULL OR confirmed_by_id <> recorded_by_id",
                        name="four_eyes"),
        Index("ix_donation_campaign_status", "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unguessable id for the donor's status page (no login needed right after paying).
    token: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(20), default="online")
    status: Mapped[str] = mapped_column(String(30), default="pending")
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="cny")
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Stripe's processing fee from the charge's balance transaction (0 offline, localstripe).
    fee_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    #: 'measure:4', 'street:七星岗', 'campaign:12', 'sponsorship:7'; NULL = where most needed.
    designation: Mapped[str | None] = mapped_column(String(60))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    recurring_id: Mapped[int | None] = mapped_column(ForeignKey("recurring_gift.id"), index=True)
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    donor_name: Mapped[str] = mapped_column(String(100), default="")
    donor_email: Mapped[str] = mapped_column(String(255), default="")
    #: The donor agreed to show their name publicly with this gift; otherwise the gift is
    #: anonymous on every public page (staff and the donor still see the name).
    show_name: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A card dispute holds part of this gift until Stripe closes it; kept apart from `status`,
    #: which a refund delivered meanwhile may change (Stripe does not order its events).
    dispute_open: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The card dispute last opened on this gift (Stripe's dispute id): a dispute's hold and
    #: close are each posted once, whichever of its events arrives first.
    dispute_id: Mapped[str | None] = mapped_column(String(80))
    #: Paper or bank receipt number for offline gifts; the receipt serial for online ones.
    receipt_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    payment_intent: Mapped[str | None] = mapped_column(String(80), unique=True)
    charge: Mapped[str | None] = mapped_column(String(80), index=True)
    invoice: Mapped[str | None] = mapped_column(String(80), unique=True)
    #: Card fingerprint and client address, for the matching pool's burst rule.
    card_fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    client_ip: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Why staff must look at this gift: 'amount_mismatch', 'burst', or a ledger refusal.
    review_flag: Mapped[str | None] = mapped_column(String(200))
    memo: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: When the gift was given (offline: the day the money came in).
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the receipt e-mail went out (donations/receipts/mailing.py): one per gift.
    receipt_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign = relationship("FundraisingCampaign")
    recurring = relationship("RecurringGift")
    donor = relationship("User", foreign_keys=[donor_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    match = relationship("MatchCredit", back_populates="donation", uselist=False)

    @property
    def reference(self) -> str:
        """The ledger reference of this gift's credit."""
        return f"gift:{self.id}"

    @property
    def credited(self) -> bool:
        """True once the gift's money has been in the fund (whatever happened to it since)."""
        return self.status in CREDITED


class RecurringGift(CreatedAt, db.Model):
    """A donor's monthly gift: a Stripe subscription (each paid invoice becomes a Donation)
    or a bank standing order the charity records by hand (no Stripe ids, no Stripe actions)."""

    __tablename__ = "recurring_gift"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        check_one_of("status", RECURRING_STATUSES),
        check_one_of("kind", RECURRING_KINDS),
        CheckConstraint("kind = 'standing_order' OR "
                        "(stripe_customer IS NOT NULL AND setup_intent IS NOT NULL)",
                        name="stripe_ids"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    designation: Mapped[str | None] = mapped_column(String(60))
    #: The donor agreed to show their name with these gifts; otherwise they are anonymous.
    show_name: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(20), default="incomplete")
    kind: Mapped[str] = mapped_column(String(20), default="stripe", server_default="stripe")
    stripe_customer: Mapped[str | None] = mapped_column(String(80))
    #: The SetupIntent whose card the subscription charges.
    setup_intent: Mapped[str | None] = mapped_column(String(80), unique=True)
    subscription: Mapped[str | None] = mapped_column(String(80), unique=True)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    donor = relationship("User")


class GiftReview(db.Model):
    """The decision on one flagged gift: its withheld match released into the fund, confirmed
    withheld, or (nothing withheld) the flag cleared. One per gift."""

    __tablename__ = "gift_review"
    __table_args__ = (
        check_one_of("decision", REVIEW_DECISIONS),
        CheckConstraint("released_fen >= 0", name="released"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donation.id"), unique=True)
    decision: Mapped[str] = mapped_column(String(10))
    #: Matching posted to the fund by a release (0 otherwise, or when the caps were used up).
    released_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    note: Mapped[str] = mapped_column(String(200), default="")
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    donation = relationship("Donation")
    reviewed_by = relationship("User")
