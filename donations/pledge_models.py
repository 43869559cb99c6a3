"""Standing commitments: monthly gifts (Stripe subscriptions or bank standing orders) and
sponsorship pledges with the people they fund."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import UTCDateTime, utcnow
from charity.extensions import db

SPONSORSHIP_KINDS = ("autumn_grant", "textbooks", "household_support")
SPONSORSHIP_STATUSES = ("pledged", "paired", "closed", "expired")
RECURRING_KINDS = ("stripe", "standing_order")


class RecurringGift(db.Model):
    """A donor's monthly gift: a Stripe subscription (each paid invoice becomes a Donation)
    or a bank standing order the charity records by hand (no Stripe ids, no Stripe actions)."""

    __tablename__ = "recurring_gift"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint("status IN ('incomplete', 'active', 'canceled')", name="status"),
        CheckConstraint("kind IN ('stripe', 'standing_order')", name="kind"),
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    donor = relationship("User")


class Sponsorship(db.Model):
    """A donor's pledge to fund one need: `amount_fen` is the most it will pay. The optimiser
    pairs it with as many people as the money received for it (gifts designated
    `sponsorship:<id>`, up to the pledge) covers at the need's unit cost, person by person as
    the money arrives. A pledge that received nothing in time expires and pairs nobody."""

    __tablename__ = "sponsorship"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint(
            f"kind IN ({', '.join(repr(k) for k in SPONSORSHIP_KINDS)})", name="kind"),
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in SPONSORSHIP_STATUSES)})", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: Street the donor wants to help, or NULL for anywhere in the district.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"))
    status: Mapped[str] = mapped_column(String(20), default="pledged")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    donor = relationship("User")
    street = relationship("Street")
    people: Mapped[list["SponsoredPerson"]] = relationship(
        back_populates="sponsorship", order_by="SponsoredPerson.id")

    @property
    def designation(self) -> str:
        return f"sponsorship:{self.id}"


class SponsoredPerson(db.Model):
    """One person a sponsorship pays for; `person_id` is unique, so no one is sponsored twice."""

    __tablename__ = "sponsored_person"
    __table_args__ = (CheckConstraint("unit_fen > 0", name="unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sponsorship_id: Mapped[int] = mapped_column(ForeignKey("sponsorship.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    #: What this person's need costs the pledge's budget.
    unit_fen: Mapped[int] = mapped_column(BigInteger)
    paired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sponsorship: Mapped[Sponsorship] = relationship(back_populates="people")
    person = relationship("Person")
