"""Festival campaigns, the visit task each pairing gets, and spot checks of logged visits."""

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, UTCDateTime, check_one_of
from charity.extensions import db
from charity.registry.models import PersonRecord

#: The plan's festivals: 元旦春节, 端午, 中秋.
FESTIVALS = ("spring_festival", "dragon_boat", "mid_autumn")
TASK_STATUSES = ("pending", "done")
CHECK_OUTCOMES = ("pending", "confirmed", "not_visited", "discrepancy")


class Campaign(CreatedAt, db.Model):
    """A festival visit campaign: every live pairing gets one visit task."""

    __tablename__ = "visit_campaign"
    __table_args__ = (
        UniqueConstraint("festival", "year"),
        check_one_of("festival", FESTIVALS),
        CheckConstraint("ends_on >= starts_on", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    tasks: Mapped[list["VisitTask"]] = relationship(back_populates="campaign")


class VisitTask(PersonRecord, db.Model):
    """The visit a helper owes a paired person in a campaign, and its log once done."""

    __tablename__ = "visit_task"
    __table_args__ = (
        check_one_of("status", TASK_STATUSES),
        CheckConstraint("status = 'pending' OR visited_on IS NOT NULL", name="logged"),
        UniqueConstraint("campaign_id", "pairing_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("visit_campaign.id"), index=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    visited_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Measures the helper found the person needs; each opened a referral.
    needs: Mapped[list] = mapped_column(JSON, default=list)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    logged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship(back_populates="tasks")
    pairing = relationship("Pairing")


class SpotCheck(CreatedAt, db.Model):
    """A random sample of a campaign's logged visits (随机暗访), drawn from a stored seed."""

    __tablename__ = "spot_check"
    __table_args__ = (CheckConstraint("size > 0", name="size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("visit_campaign.id"), index=True)
    #: The street sampled; empty for the whole district.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"))
    #: The seed: the same seed over the same logged visits draws the same sample.
    seed: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int]
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    campaign = relationship("Campaign")
    street = relationship("Street")
    items: Mapped[list["SpotCheckItem"]] = relationship(back_populates="spot_check",
                                                        order_by="SpotCheckItem.id")


class SpotCheckItem(db.Model):
    """One sampled visit and what the supervisor found."""

    __tablename__ = "spot_check_item"
    __table_args__ = (
        check_one_of("outcome", CHECK_OUTCOMES),
        UniqueConstraint("spot_check_id", "task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    spot_check_id: Mapped[int] = mapped_column(ForeignKey("spot_check.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("visit_task.id"))
    outcome: Mapped[str] = mapped_column(String(20), default="pending")
    notes: Mapped[str] = mapped_column(String(200), default="")
    checked_on: Mapped[date | None]
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    spot_check: Mapped[SpotCheck] = relationship(back_populates="items")
    task = relationship("VisitTask")
