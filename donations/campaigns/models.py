"""Fundraising campaigns, their matching pools (配捐), and what a pool added to each gift."""

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, check_one_of
from charity.extensions import db

CAMPAIGN_KINDS = ("general", "charity_day", "giving_day_99")
MATCH_STATUSES = ("credited", "withheld")


class FundraisingCampaign(CreatedAt, db.Model):
    """A fundraising appeal with a goal and dates; its gifts carry `campaign:<id>`."""

    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("goal_fen > 0", name="goal"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        check_one_of("kind", CAMPAIGN_KINDS),
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


class MatchCredit(db.Model):
    """What a matching pool added to one gift, or withheld from it."""

    __tablename__ = "match_credit"
    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="amount"),
        check_one_of("status", MATCH_STATUSES),
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

    donation = relationship("Donation", back_populates="match")
