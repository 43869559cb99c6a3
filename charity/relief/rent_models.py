"""Rent subsidy (measure 6): tenancies of public rental homes, the dibao class A validity
windows, and the subsidy as a schedule of monthly payments.

The schedule is an `Application` of kind 'rent_subsidy' (so it is approved with four eyes and
its money is reserved like any case); its months are `RentMonth` rows, and each month paid is a
`RentPayment`, unique per household and month (and per tenancy and month), so a month is never
paid twice however often or concurrently the monthly batch runs."""

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, UTCDateTime, check_one_of
from charity.extensions import db
from charity.registry.models import PersonRecord

#: The highest monthly rent accepted (fen): 20,000 yuan, far above any public rental home.
MAX_MONTHLY_RENT_FEN = 2_000_000
#: Why a scheduled month was not paid.
STOP_REASONS = ("not_eligible", "lease_ended", "rejected")


class Tenancy(CreatedAt, db.Model):
    """A household's lease of a public rental home (公租房/廉租房): the unit, the rent due each
    month and the lease's first and last day."""

    __tablename__ = "tenancy"
    __table_args__ = (
        CheckConstraint(f"monthly_rent_fen > 0 AND monthly_rent_fen <= {MAX_MONTHLY_RENT_FEN}",
                        name="rent"),
        CheckConstraint("ends_on > starts_on", name="lease"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    unit: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(200))
    monthly_rent_fen: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    household = relationship("Household")


class DibaoClassValidity(PersonRecord, CreatedAt, db.Model):
    """A window in which the person's dibao class A is valid (低保A类有效期), as the
    civil-affairs decision gives it; both days included."""

    __tablename__ = "dibao_class_validity"
    __table_args__ = (CheckConstraint("valid_until >= valid_from", name="window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class RentMonth(db.Model):
    """One month of a rent-subsidy schedule: the rent due for it when the schedule was made."""

    __tablename__ = "rent_month"
    __table_args__ = (
        UniqueConstraint("application_id", "month"),
        CheckConstraint("due_fen > 0", name="due"),
        check_one_of("stopped", STOP_REASONS, nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("relief_application.id"), index=True)
    tenancy_id: Mapped[int] = mapped_column(ForeignKey("tenancy.id"), index=True)
    #: The month's first day.
    month: Mapped[date]
    due_fen: Mapped[int] = mapped_column(BigInteger)
    #: Why the month was not paid, once the batch passed it without paying.
    stopped: Mapped[str | None] = mapped_column(String(20))

    application = relationship("Application")
    tenancy = relationship("Tenancy")


class RentPayment(db.Model):
    """One month of rent subsidy paid, through the ledger (its journal reference)."""

    __tablename__ = "rent_payment"
    __table_args__ = (
        UniqueConstraint("household_id", "month"),
        UniqueConstraint("tenancy_id", "month"),
        CheckConstraint("amount_fen > 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("relief_application.id"), index=True)
    tenancy_id: Mapped[int] = mapped_column(ForeignKey("tenancy.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    month: Mapped[date]
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
