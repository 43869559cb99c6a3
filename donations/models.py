"""Gifts, the Stripe events already seen, campaigns and their matching pools."""

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import UTCDateTime, one_of, utcnow
from charity.extensions import db

CHANNELS = ("online", "cash", "bank_transfer", "payroll")
OFFLINE_CHANNELS = CHANNELS[1:]
STATUSES = ("pending", "awaiting_confirmation", "succeeded", "failed", "flagged",
            "partially_refunded", "refunded", "disputed", "dispute_lost")
CAMPAIGN_KINDS = ("general", "charity_day", "giving_day_99")



class FundraisingCampaign(db.Model):
    """A fundraising appeal with a goal and dates; its gifts carry `campaign:<id>`."""

    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("goal_fen > 0", name="goal"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint(one_of("kind", CAMPAIGN_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    title_en: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(String(1000), default="")
    kind: Mapped[str] = mapped_column(String(20), default="general")
    goal_fen: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: What the campaign raises for ('measure:5', 'street:七星岗'); NULL = the fund's work.
    designation: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pool: Mapped["MatchingPool | None"] = relationship(back_populates="campaign")


class MatchingPool(db.Model):
    """配捐: a sponsor matches a campaign's gifts 1:1 up to a total, per donor and per day."""

    __tablename__ = "matching_pool"
    __table_args__ = (
        CheckConstraint("total_fen > 0 AND per_donor_cap_fen > 0 AND per_day_cap_fen > 0",
                        name="caps"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), unique=True)
    sponsor_name: Mapped[str] = mapped_column(String(100))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    per_donor_cap_fen: Mapped[int] = mapped_column(BigInteger)
    #: Cap on matching per Asia/Shanghai calendar day.
    per_day_cap_fen: Mapped[int] = mapped_column(BigInteger)

    campaign: Mapped[FundraisingCampaign] = relationship(back_populates="pool")


class Donation(db.Model):
    """One gift, online or offline. Its ledger entries carry `gift:<id>` as their reference."""

    __tablename__ = "donation"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refunded"),
        CheckConstraint("fee_fen >= 0 AND fee_fen < amount_fen", name="fee"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
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
    #: Anonymous gifts never show the donor's name publicly (staff and the donor still see it).
    anonymous: Mapped[bool] = mapped_column(default=False)
    #: A card dispute holds part of this gift until Stripe closes it; kept apart from `status`,
    #: which a refund delivered meanwhile may change (Stripe does not order its events).
    dispute_open: Mapped[bool] = mapped_column(default=False, server_default=false())
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

    campaign: Mapped[FundraisingCampaign | None] = relationship()
    donor = relationship("User", foreign_keys=[donor_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    match: Mapped["MatchCredit | None"] = relationship(back_populates="donation")

    @property
    def reference(self) -> str:
        """The ledger reference of this gift's credit."""
        return f"gift:{self.id}"

    @property
    def credited(self) -> bool:
        return self.status in ("succeeded", "partially_refunded", "refunded", "disputed",
                               "dispute_lost")


class MatchCredit(db.Model):
    """What a matching pool added to one gift, or withheld from it."""

    __tablename__ = "match_credit"
    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="amount"),
        CheckConstraint("status IN ('credited', 'withheld')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("matching_pool.id"), index=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donation.id"), unique=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))
    #: The donor key the per-donor cap counts against: 'email:<address>', else the client's
    #: address or the gift (see `matchpool.donor_key`).
    donor_key: Mapped[str] = mapped_column(String(255), index=True)
    #: The Asia/Shanghai day the per-day cap counts against.
    day: Mapped[date] = mapped_column(index=True)

    donation: Mapped[Donation] = relationship(back_populates="match")


class StripeEvent(db.Model):
    """A Stripe event already processed: its id is the webhook's idempotency key."""

    __tablename__ = "stripe_event"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    type: Mapped[str] = mapped_column(String(60))
    #: 'credited', 'failed', 'flagged', 'refunded', 'ignored', or a refusal.
    outcome: Mapped[str] = mapped_column(String(200))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donation.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
