"""Households, people and the history of their status."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from charity import eligibility
from charity.database import CreatedAt, UTCDateTime, check_one_of, utcnow
from charity.extensions import db

CATEGORIES = ("dibao", "tekun", "filed_hardship")
SEXES = ("M", "F")
STATUSES = ("enrolled", "suspended", "exited")
DIBAO_CLASSES = ("A", "B", "C")
SPECIAL_DISEASES = ("thalassemia", "cml", "pneumoconiosis", "childhood_leukaemia")
SCHOOL_LEVELS = ("preschool", "primary", "junior", "senior_high", "vocational", "college")
EMPLOYMENT = ("employed", "unemployed", "unable", "retired", "student", "child")
HUKOU = ("yuzhong", "other")
#: A resident not on the roster, recorded only so an intake case's relief can name them
#: (measure 4): never counted, paired or listed with the roster's categories.
NOT_ON_ROSTER = "not_on_roster"
SUDDEN_HARDSHIP = "sudden_hardship"
#: What the person table holds: the roster's categories and statuses, and intake's.
PERSON_CATEGORIES = (*CATEGORIES, SUDDEN_HARDSHIP)
PERSON_STATUSES = (*STATUSES, NOT_ON_ROSTER)
#: A person's yes-or-no circumstances, as the search and the roster name them.
FLAGS = ("orphan", "disabled", "seriously_ill", "lives_alone", "student")
#: The flags that tell of a person's health: a list picked by one is audited.
HEALTH_FLAGS = ("disabled", "seriously_ill")


class PersonRecord:
    """A mixin for records about one person on the roster (grants, reviews, applications)."""

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)

    @declared_attr
    def person(cls) -> Mapped["Person"]:
        """The person the record is about."""
        return relationship("Person")


class Household(CreatedAt, db.Model):
    """A family on the roster; its street and community are those of all its members."""

    __tablename__ = "household"
    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "street_id"],
            ["community.id", "community.street_id"],
            name="fk_household_community_street",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The roster's household number (户编号), unique in the district.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    community_id: Mapped[int] = mapped_column(index=True)
    address: Mapped[str] = mapped_column(String(200), default="")

    street = relationship("Street")
    community = relationship("Community", foreign_keys=[community_id],
                             primaryjoin="Household.community_id == Community.id")
    members: Mapped[list["Person"]] = relationship(back_populates="household",
                                                   order_by="Person.id")


class Person(CreatedAt, db.Model):
    """A person in hardship on the roster."""

    __tablename__ = "person"
    __table_args__ = (
        check_one_of("category", PERSON_CATEGORIES),
        check_one_of("status", PERSON_STATUSES),
        check_one_of("sex", SEXES),
        check_one_of("dibao_class", DIBAO_CLASSES, nullable=True),
        CheckConstraint("disability_grade IS NULL OR disability_grade BETWEEN 1 AND 4",
                        name="disability_grade"),
        check_one_of("special_disease", SPECIAL_DISEASES, nullable=True),
        check_one_of("school_level", SCHOOL_LEVELS, nullable=True),
        check_one_of("employment_status", EMPLOYMENT),
        check_one_of("hukou", HUKOU),
        CheckConstraint("monthly_income_fen >= 0", name="income"),
        Index("ix_person_category_status", "category", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date]
    #: The ID number, Fernet-encrypted; read only where the view is logged (`reveal_id`, export).
    id_number_encrypted: Mapped[str] = mapped_column(Text)
    #: HMAC of the ID number: finds duplicates without decrypting.
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: First 4 and last 2 digits, the rest starred: what most roles see.
    id_number_masked: Mapped[str] = mapped_column(String(18))
    category: Mapped[str] = mapped_column(String(20))
    dibao_class: Mapped[str | None] = mapped_column(String(1))
    orphan: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)
    disability_grade: Mapped[int | None]
    seriously_ill: Mapped[bool] = mapped_column(default=False)
    special_disease: Mapped[str | None] = mapped_column(String(30))
    lives_alone: Mapped[bool] = mapped_column(default=False)
    student: Mapped[bool] = mapped_column(default=False)
    school_level: Mapped[str | None] = mapped_column(String(20))
    #: Year a college student entered college (the autumn grant is for this year's entrants).
    college_entry_year: Mapped[int | None]
    hukou: Mapped[str] = mapped_column(String(10), default="yuzhong")
    #: Start of a residence permit, for people whose hukou is elsewhere (measure 4).
    residence_permit_start: Mapped[date | None]
    monthly_income_fen: Mapped[int] = mapped_column(default=0)
    employment_status: Mapped[str] = mapped_column(String(20), default="unemployed")
    able_to_work: Mapped[bool] = mapped_column(default=False)
    willing_to_work: Mapped[bool] = mapped_column(default=False)
    family_doctor: Mapped[bool] = mapped_column(default=False)
    health_record: Mapped[bool] = mapped_column(default=False)
    #: Tekun in centralised care (集中供养), measure 2.
    centralised_care: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="enrolled")
    next_review_date: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship(back_populates="members")
    history: Mapped[list["StatusChange"]] = relationship(
        back_populates="person", order_by="StatusChange.id.desc()"
    )
    guardian: Mapped["Guardian | None"] = relationship(
        back_populates="person", foreign_keys="Guardian.person_id")

    def age_on(self, day: date) -> int:
        """The person's age in whole years on `day`."""
        return eligibility.age(self, day)


class StatusChange(CreatedAt, db.Model):
    """One entry in a person's status history (enrolled, suspended, exited)."""

    __tablename__ = "status_change"
    __table_args__ = (check_one_of("status", STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200))
    effective_date: Mapped[date]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    person: Mapped[Person] = relationship(back_populates="history")
    changed_by = relationship("User")


class Guardian(CreatedAt, db.Model):
    """The guardian (监护人) of a child enrolled under 14, recorded with their consent. Their
    phone number is personal data: stored encrypted, shown masked."""

    __tablename__ = "guardian"
    __table_args__ = (
        CheckConstraint("phone_encrypted IS NOT NULL OR guardian_person_id IS NOT NULL",
                        name="reachable"),
        CheckConstraint("guardian_person_id IS NULL OR guardian_person_id != person_id",
                        name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    #: How the guardian is related to the child ("母亲", "祖父", "民政部门"...).
    relation: Mapped[str] = mapped_column(String(20))
    #: The member of the same household who is the guardian, when one is.
    guardian_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: The phone number, Fernet-encrypted like an ID number, and its masked form.
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    #: The day the guardian consented to the enrolment and to the processing of the child's data.
    consent_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    person: Mapped[Person] = relationship(back_populates="guardian", foreign_keys=[person_id])
    guardian_person: Mapped[Person | None] = relationship(foreign_keys=[guardian_person_id])
