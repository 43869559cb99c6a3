"""Streets, communities, department groups and departments."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import check_one_of
from charity.extensions import db

#: The 11 streets, and the welfare home (福利院) the plan lists beside them.
STREET_KINDS = ("street", "welfare_home")


class Street(db.Model):
    """A sub-district (街道), or the welfare home that the plan lists beside them."""

    __tablename__ = "street"
    __table_args__ = (check_one_of("kind", STREET_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(60))
    #: 'street' for the 11 streets, 'welfare_home' for 福利院.
    kind: Mapped[str] = mapped_column(String(20), default="street")
    #: Order in the plan's attachment.
    position: Mapped[int]

    communities: Mapped[list["Community"]] = relationship(
        back_populates="street", order_by="Community.name"
    )
    group: Mapped["DepartmentGroup | None"] = relationship(back_populates="street")

    def __str__(self) -> str:
        return self.name


class Community(db.Model):
    """A neighbourhood (社区) within a street."""

    __tablename__ = "community"
    __table_args__ = (
        UniqueConstraint("street_id", "name"),
        UniqueConstraint("id", "street_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))

    street: Mapped[Street] = relationship(back_populates="communities")

    def __str__(self) -> str:
        return self.name


class DepartmentGroup(db.Model):
    """The group of district departments paired with one street (结对组)."""

    __tablename__ = "department_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The group's number in the attachment (1–11).
    number: Mapped[int] = mapped_column(unique=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), unique=True)

    street: Mapped[Street] = relationship(back_populates="group")
    departments: Mapped[list["Department"]] = relationship(
        back_populates="group", order_by="Department.position"
    )


class Department(db.Model):
    """A district department (区级部门)."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("department_group.id"), index=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    #: Order within its group as listed in the attachment.
    position: Mapped[int]

    group: Mapped[DepartmentGroup] = relationship(back_populates="departments")

    def __str__(self) -> str:
        return self.name
