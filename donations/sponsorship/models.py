"""Sponsorship pledges and the people they fund."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, UTCDateTime, check_one_of, utcnow
from charity.extensions import db

SPONSORSHIP_KINDS = ("autumn_grant", "textbooks", "household_support")
SPONSORSHIP_STATUSES = ("pledged", "paired", "closed", "expired")


class Sponsorship(CreatedAt, db.Model):
    """A donor's pledge to fund one need: `amount_fen` is the most it will pay. The optimiser
    pairs it with as many people as the money received for it (gifts designated
    `sponsorship:<id>`, up to the pledge) covers at the need's unit cost, person by person as
    the money arrives. A pledge that received nothing in time expires and pairs nobody."""

    __tablename__ = "sponsorship"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        check_one_of("kind", SPONSORSHIP_KINDS),
        check_one_of("status", SPONSORSHIP_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: Street the donor wants to help, or NULL for anywhere in the district.
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"))
    status: Mapped[str] = mapped_column(String(20), default="pledged")
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    donor = relationship("User")
    street = relationship("Street")
    people: Mapped[list["SponsoredPerson"]] = relationship(
        back_populates="sponsorship", order_by="SponsoredPerson.id")

    @property
    def designation(self) -> str:
        """The designation its gifts carry and its restricted fund account names."""
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
