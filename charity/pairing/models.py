"""Cadres of the district departments, and volunteers, organisations and enterprises."""

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.extensions import db

RANKS = ("district_leader", "division_leader", "staff")
HELPER_KINDS = ("volunteer", "organisation", "enterprise")
SKILLS = ("medical", "education", "employment", "elderly_care", "housing", "psychological")


class Cadre(db.Model):
    """An official (干部) of a district department; the 321 rule sets their quota by rank."""

    __tablename__ = "cadre"
    __table_args__ = (
        CheckConstraint("rank IN ('district_leader', 'division_leader', 'staff')", name="rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    rank: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    home_community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    #: Skills a cadre brings to a need (same names as volunteers').
    skills: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    department = relationship("Department")
    user = relationship("User")
    home_community = relationship("Community")


class Volunteer(db.Model):
    """A volunteer, social organisation or enterprise that helps households."""

    __tablename__ = "volunteer"
    __table_args__ = (
        CheckConstraint("kind IN ('volunteer', 'organisation', 'enterprise')", name="kind"),
        CheckConstraint("capacity >= 0", name="capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="volunteer")
    name: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    home_community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    #: How many people they can take on at once.
    capacity: Mapped[int] = mapped_column(default=1)
    #: Streets (ids) they travel to besides their home community's street.
    travel_street_ids: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    user = relationship("User")
    home_community = relationship("Community")
