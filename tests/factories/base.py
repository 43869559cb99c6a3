"""What every factory shares: the test's session, the test password, valid ID numbers and the
reference data (streets, communities, departments) rows point at."""

import itertools
from datetime import date

import factory
from sqlalchemy import select

from charity.district.models import Community, Department, DepartmentGroup, Street
from charity.extensions import db
from charity.registry import ids

PASSWORD = "correct-horse-battery"
#: The street every factory places its rows in unless told otherwise.
HOME_STREET = "七星岗"
_numbers = itertools.count(1)


def id_number(born: date = date(1980, 5, 17), sex: str = "M") -> str:
    """A valid Yuzhong ID number, unique within the test run."""
    sequence = next(_numbers) % 500 * 2 + (1 if sex == "M" else 0)
    return ids.with_check_digit(f"500103{born:%Y%m%d}{sequence:03d}")


def street(name: str) -> Street:
    """The reference street of that name."""
    return db.session.scalar(select(Street).where(Street.name == name))


def community(street_name: str) -> Community:
    """The first community of a street."""
    return street(street_name).communities[0]


def department(street_name: str = HOME_STREET) -> Department:
    """The first department of the group paired with a street."""
    return db.session.scalar(select(Department).join(DepartmentGroup)
                             .where(DepartmentGroup.street_id == street(street_name).id)
                             .order_by(Department.position))


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    """Writes through the test's session and flushes, so rows have ids; the test rolls back."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"
