"""Casework records: measures granted, referrals, employment services, medical costs, reviews."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, UTCDateTime, check_one_of
from charity.extensions import db
from charity.registry.models import PersonRecord

#: Measures a person is granted and the registry has no flag for (recorded here until the
#: relief fund's applications take over the fund-paid ones).
GRANTED = ("classified_supplement", "special_disease_aid", "temporary_assistance",
           "free_textbooks", "autumn_grant", "encouragement_award", "rent_subsidy")
#: Every measure of the coverage-gap matrix (and what a referral or a visit's need names).
MEASURES = ("classified_supplement", "centralised_care", "medical_cover", "special_disease_aid",
            "temporary_assistance", "free_textbooks", "autumn_grant", "encouragement_award",
            "rent_subsidy", "employment_services", "household_employment", "pairing")
#: Free services of measure 7; a public-welfare job is a placement, not a service.
SERVICE_KINDS = ("training", "job_referral", "job_fair", "public_welfare_job")
COUNTED_SERVICES = ("training", "job_referral", "job_fair")
REVIEW_OUTCOMES = ("confirmed", "suspended", "exited", "enrolled")
REFERRAL_STATUSES = ("open", "closed")


class Grant(PersonRecord, CreatedAt, db.Model):
    """A measure a person receives, from `starts_on` to `ends_on` (open-ended when empty)."""

    __tablename__ = "measure_grant"
    __table_args__ = (
        check_one_of("measure", GRANTED),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(30))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Referral(PersonRecord, CreatedAt, db.Model):
    """A gap handed to the department that closes it; opened by staff or by a visit's needs."""

    __tablename__ = "referral"
    __table_args__ = (
        check_one_of("measure", MEASURES),
        check_one_of("status", REFERRAL_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(30))
    #: The department or service the case is referred to.
    to_whom: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    #: The festival visit whose needs opened it, if any.
    visit_task_id: Mapped[int | None] = mapped_column(ForeignKey("visit_task.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class EmploymentService(PersonRecord, CreatedAt, db.Model):
    """A free training, job referral or job fair given to a person, or a public-welfare job."""

    __tablename__ = "employment_service"
    __table_args__ = (check_one_of("kind", SERVICE_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[date]
    provider: Mapped[str] = mapped_column(String(80), default="")
    notes: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class MedicalCost(PersonRecord, CreatedAt, db.Model):
    """One inpatient stay at a designated hospital: total and out-of-catalogue cost (measure 3)."""

    __tablename__ = "medical_cost"
    __table_args__ = (
        CheckConstraint("total_fen > 0", name="total"),
        CheckConstraint("out_of_catalogue_fen >= 0 AND out_of_catalogue_fen <= total_fen",
                        name="out_of_catalogue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    admitted_on: Mapped[date]
    hospital: Mapped[str] = mapped_column(String(80))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    #: Costs outside the medical-insurance catalogue (医保目录外); the plan wants ≤ 15%.
    out_of_catalogue_fen: Mapped[int] = mapped_column(BigInteger)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class ReviewCycle(CreatedAt, db.Model):
    """A periodic review (定期普查): everyone whose next review falls on or before `due_by`."""

    __tablename__ = "review_cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    due_by: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Review(PersonRecord, CreatedAt, db.Model):
    """One person's review in a cycle; a changed status also goes into the status history."""

    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("cycle_id", "person_id"),
        check_one_of("outcome", REVIEW_OUTCOMES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycle.id"), index=True)
    #: 'confirmed' keeps the status; the others are the status the person moves to.
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200))
    reviewed_on: Mapped[date]
    next_review_date: Mapped[date]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    cycle = relationship("ReviewCycle")


class DataVersion(db.Model):
    """A token that changes whenever a commit changes what a derived figure reads (the gap
    matrix: people, households, grants, services, pairings, applications, streets). Pages key
    their snapshot by it, so none shows figures older than the last commit."""

    __tablename__ = "data_version"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class StoredSnapshot(db.Model):
    """The gap matrix as computed for one data version and day (`charity.casework.snapshot`),
    written by the refresh job so that no page computes it in a request; `taken_at` is when the
    data it reflects was read."""

    __tablename__ = "gap_snapshot"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: {"counts": [[street id, {measure: {"owed", "receiving", "gaps", "count"}}], ...]}: the
    #: summary every page shows (a few KB); who has each gap is in its parts.
    data: Mapped[dict] = mapped_column(JSON)


class StoredSnapshotPart(db.Model):
    """One listing of a stored snapshot: who has a gap in one measure in one street (part
    '<measure>:<street id>'), so a drill-down reads its own street's list, not the district's."""

    __tablename__ = "gap_snapshot_part"
    __table_args__ = (ForeignKeyConstraint(["token", "day"],
                                           ["gap_snapshot.token", "gap_snapshot.day"],
                                           ondelete="CASCADE"),)

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    part: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: [[person or household id, owed, receives, alert, count], ...] by id.
    data: Mapped[list] = mapped_column(JSON)
