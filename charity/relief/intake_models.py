"""Intake for sudden hardship (measure 4): the yearly income lines and asset limits, and the
cases a street officer opens for anyone in the district, on the roster or not."""

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, UTCDateTime, check_one_of, utcnow
from charity.extensions import db

#: What befell the household (the plan: 突发事件、意外伤害、重大疾病, or another cause).
EVENT_TYPES = ("sudden_event", "accident", "serious_illness", "other")
#: Where the resident's hukou is; elsewhere needs a residence permit held a year or more.
INTAKE_HUKOU = ("yuzhong", "other")


class IncomeLine(db.Model):
    """One year's line for measure 4: last year's per-capita disposable income of the
    district (当地上年度人均可支配收入) and the asset limits per person, with the document
    they come from. Staff edit it; every change is audited."""

    __tablename__ = "income_line"
    __table_args__ = (
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
        CheckConstraint("disposable_income_fen > 0", name="income"),
        CheckConstraint("financial_assets_fen >= 0", name="financial_assets"),
        CheckConstraint("vehicle_value_fen >= 0", name="vehicle"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The year of the events the line applies to.
    year: Mapped[int] = mapped_column(unique=True)
    #: The previous year's per-capita disposable income, yearly, in fen.
    disposable_income_fen: Mapped[int] = mapped_column(BigInteger)
    #: Financial assets (savings, securities, insurance cash value) per household member.
    financial_assets_fen: Mapped[int] = mapped_column(BigInteger)
    #: The most a household's vehicles may be worth in all (0: none but a disabled person's).
    vehicle_value_fen: Mapped[int] = mapped_column(BigInteger)
    #: The document that sets the figures: its name and number.
    source: Mapped[str] = mapped_column(String(200))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    updated_by = relationship("User")


class IntakeCase(CreatedAt, db.Model):
    """A street officer's intake of a household in sudden hardship: who, what happened, the
    household's income and assets, and the rules checked against the event year's line."""

    __tablename__ = "relief_intake"
    __table_args__ = (
        #: One case per person and event day: the same ID number twice is refused.
        UniqueConstraint("id_number_hash", "event_date"),
        *(CheckConstraint(text, name=name) for name, text in (
            ("household_size", "household_size BETWEEN 1 AND 20"),
            ("income", "monthly_income_fen >= 0"),
            ("financial_assets", "financial_assets_fen >= 0"),
            ("vehicle", "vehicle_value_fen >= 0"),
            ("grade", "grade IS NULL OR grade BETWEEN 1 AND 3"),
            ("permit", "hukou = 'yuzhong' OR residence_permit_start IS NOT NULL"))),
        check_one_of("event_type", EVENT_TYPES),
        check_one_of("hukou", INTAKE_HUKOU),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    #: The person the case is about: the roster's, or one recorded for the intake.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    #: Whether the person was on the roster when the case was opened.
    on_roster: Mapped[bool]
    name: Mapped[str] = mapped_column(String(40))
    id_number_encrypted: Mapped[str] = mapped_column(Text)
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    hukou: Mapped[str] = mapped_column(String(10))
    residence_permit_start: Mapped[date | None]
    event_type: Mapped[str] = mapped_column(String(20))
    event_date: Mapped[date]
    description: Mapped[str] = mapped_column(Text)
    household_size: Mapped[int]
    #: The household's income per month, all members together, in fen.
    monthly_income_fen: Mapped[int] = mapped_column(BigInteger)
    #: The household's financial assets and its vehicles' value, in fen.
    financial_assets_fen: Mapped[int] = mapped_column(BigInteger)
    vehicle_value_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    #: The rules as checked: [{code, measure, holds}]; the event year's line they used.
    eligibility: Mapped[list] = mapped_column(JSON, default=list)
    income_line_year: Mapped[int]
    #: The temporary-assistance grade the officer assessed (1 light, 2 serious, 3 severe).
    grade: Mapped[int | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("relief_application.id"), unique=True)

    person = relationship("Person")
    street = relationship("Street")
    community = relationship("Community")
    created_by = relationship("User")
    application = relationship("Application")

    @property
    def eligible(self) -> bool:
        """Whether every rule held."""
        return all(rule["holds"] for rule in self.eligibility)
