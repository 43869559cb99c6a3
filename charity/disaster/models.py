"""Disaster incidents, their affected households, insurance claims and relief payments."""

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity import database as rules
from charity.database import CreatedAt, UTCDateTime
from charity.extensions import db

INCIDENT_KINDS = ("flood", "fire", "landslide", "storm", "other")
#: An incident is recorded (households added), then opened for relief.
INCIDENT_STATES = ("recording", "open")
#: 应急救助, 遇难人员家属抚慰, 过渡期生活救助.
SUBTYPES = ("emergency", "condolence", "transition")
RELIEF_STATES = ("proposed", "approved", "paid", "rejected")
#: The states that hold a relief's slot.
LIVE = "state IN ('proposed', 'approved', 'paid')"
#: A death is condoled once, whatever incident records it (the slot names the person).
LIVE_CONDOLENCE = f"subtype = 'condolence' AND {LIVE}"


class Incident(CreatedAt, db.Model):
    """One disaster: what, when, where; relief is recorded only once it is open."""

    __tablename__ = "disaster_incident"
    __table_args__ = (rules.check_one_of("kind", INCIDENT_KINDS),
                      rules.check_one_of("state", INCIDENT_STATES))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date]
    #: The street where it happened; households on other streets may be affected too.
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    place: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="recording")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    street = relationship("Street")
    households: Mapped[list["AffectedHousehold"]] = relationship(
        back_populates="incident", order_by="AffectedHousehold.id")


class AffectedHousehold(CreatedAt, db.Model):
    """A household of the roster hit by an incident: its assessed loss and its claim on the
    government-bought disaster insurance (政府救助保险)."""

    __tablename__ = "disaster_household"
    __table_args__ = (
        UniqueConstraint("incident_id", "household_id"),
        CheckConstraint("loss_fen >= 0", name="loss"),
        CheckConstraint("insurance_paid_fen >= 0", name="insurance_paid"),
        #: Money paid means a day paid, and a claim before it.
        CheckConstraint("(insurance_paid_fen = 0 AND insurance_paid_on IS NULL) OR "
                        "(insurance_paid_fen > 0 AND insurance_paid_on IS NOT NULL AND "
                        "insurance_claimed_on IS NOT NULL AND "
                        "insurance_paid_on >= insurance_claimed_on)", name="insurance_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("disaster_incident.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    #: The household's street when it was recorded (what street scope reads).
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    #: The assessed loss of property, fen.
    loss_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    insurance_claimed_on: Mapped[date | None]
    insurance_paid_on: Mapped[date | None]
    insurance_paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    incident: Mapped[Incident] = relationship(back_populates="households")
    household = relationship("Household")
    street = relationship("Street")
    plan: Mapped["TransitionPlan | None"] = relationship(back_populates="affected")
    reliefs: Mapped[list["Relief"]] = relationship(back_populates="affected",
                                                   order_by="Relief.id")

    @property
    def net_loss_fen(self) -> int:
        """The assessed loss less what the insurance paid (never below zero)."""
        return max(self.loss_fen - self.insurance_paid_fen, 0)


class TransitionPlan(CreatedAt, db.Model):
    """过渡期生活救助 for one household: a monthly amount for a number of months from a first
    month; each month is paid as a relief of its own."""

    __tablename__ = "disaster_transition_plan"
    __table_args__ = (CheckConstraint("monthly_fen > 0", name="monthly"),
                      CheckConstraint("months BETWEEN 1 AND 12", name="months"))

    id: Mapped[int] = mapped_column(primary_key=True)
    affected_id: Mapped[int] = mapped_column(ForeignKey("disaster_household.id"), unique=True)
    monthly_fen: Mapped[int] = mapped_column(BigInteger)
    #: The first day of the first month.
    first_month: Mapped[date]
    months: Mapped[int]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    affected: Mapped[AffectedHousehold] = relationship(back_populates="plan")


class Relief(CreatedAt, db.Model):
    """One payment of disaster relief to one household for one incident: the maker proposes,
    a checker (never the maker) approves, fund staff pay it through the journal.

    `slot` says which one of its sub-type it is, so the database refuses a second live one
    (a rejected relief frees its slot): '' for the one emergency relief, 'p:<person id>' per
    deceased person, 'm:YYYY-MM' per month."""

    __tablename__ = "disaster_relief"
    __table_args__ = (
        rules.check_one_of("subtype", SUBTYPES),
        rules.check_one_of("state", RELIEF_STATES),
        #: One live relief per slot: a rejected one frees its slot for a new proposal.
        rules.unique_where("uq_disaster_relief_live_slot", "affected_id", "subtype", "slot",
                           where=LIVE),
        rules.unique_where("uq_disaster_condolence_once", "slot", where=LIVE_CONDOLENCE),
        rules.check_positive("amount_fen", "amount"),
        rules.check_four_eyes(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    affected_id: Mapped[int] = mapped_column(ForeignKey("disaster_household.id"), index=True)
    subtype: Mapped[str] = mapped_column(String(20))
    slot: Mapped[str] = mapped_column(String(20), default="")
    #: Transition assistance: the first day of the month paid for.
    month: Mapped[date | None]
    #: Condolence: the household member who died.
    deceased_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    affected: Mapped[AffectedHousehold] = relationship(back_populates="reliefs")
    deceased = relationship("Person")
