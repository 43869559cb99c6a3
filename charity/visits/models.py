"""Festival campaigns, the visit task each pairing gets, and spot checks of logged visits."""

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import UTCDateTime, utcnow
from charity.extensions import db

#: The plan's festivals: 元旦春节, 端午, 中秋.
FESTIVALS = ("spring_festival", "dragon_boat", "mid_autumn")
TASK_STATUSES = ("pending", "done")
CHECK_OUTCOMES = ("pending", "confirmed", "not_visited", "discrepancy")


class Campaign(db.Model):
    """A festival visit campaign: every live pairing gets one visit task."""

    __tablename__ = "visit_campaign"
    __table_args__ = (
        UniqueConstraint("festival", "year"),
        CheckConstraint("festival IN ('spring_festival', 'dragon_boat', 'mid_autumn')",
                        name="festival"),
        CheckConstraint("ends_on >= starts_on", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tasks: Mapped[list["VisitTask"]] = relationship(back_populates="campaign")


class VisitTask(db.Model):
    """The visit a helper owes a paired person in a campaign, and its log once done."""

    __tablename__ = "visit_task"
    __table_args__ = (
        UniqueConstraint("campaign_id", "pairing_id"),
        CheckConstraint("status IN ('pending', 'done')", name="status"),
        CheckConstraint("status = 'pending' OR visited_on IS NOT NULL", name="logged"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("visit_campaign.id"), index=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    visited_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Measures the helper found the person needs; each opened a referral.
    needs: Mapped[list] = mapped_column(JSON, default=list)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    logged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship(back_populates="tasks")
    pairing = relationship("Pairing")
    person = relationship("Person")


class SpotCheck(db.Model):
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign = relationship("Campaign")
    street = relationship("Street")
    items: Mapped[list["SpotCheckItem"]] = relationship(back_populates="spot_check",
                                                        order_by="SpotCheckItem.id")


class SpotCheckItem(db.Model):
    """One sampled visit and what the supervisor found."""

    __tablename__ = "spot_check_item"
    __table_args__ = (
        UniqueConstraint("spot_check_id", "task_id"),
        CheckConstraint("outcome IN ('pending', 'confirmed', 'not_visited', 'discrepancy')",
                        name="outcome"),
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
