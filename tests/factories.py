"""factory_boy factories for tests; they write through the test's session."""

import itertools
from datetime import date

import factory
from sqlalchemy import select

from charity.auth.operations import create_user
from charity.district.models import Community, Street
from charity.extensions import db
from charity.pairing.models import Cadre, Volunteer
from charity.registry import ids
from charity.registry.models import Household, Person

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)


def id_number(born: date = date(1980, 5, 17), sex: str = "M") -> str:
    """A valid Yuzhong ID number, unique within the test run."""
    sequence = next(_numbers) % 500 * 2 + (1 if sex == "M" else 0)
    return ids.with_check_digit(f"500103{born:%Y%m%d}{sequence:03d}")


def street(name: str) -> Street:
    return db.session.scalar(select(Street).where(Street.name == name))


def community(street_name: str) -> Community:
    return street(street_name).communities[0]


def user(role: str, street_name: str | None = None, email: str | None = None):
    email = email or f"{role}-{next(_numbers)}@songtan.test"
    found = street(street_name) if street_name else None
    return create_user(email, PASSWORD, [role], street_id=found.id if found else None)


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class HouseholdFactory(BaseFactory):
    class Meta:
        model = Household
        exclude = ("street_name",)

    street_name = "七星岗"
    code = factory.Sequence(lambda n: f"T{n:06d}")
    street_id = factory.LazyAttribute(lambda o: street(o.street_name).id)
    community_id = factory.LazyAttribute(lambda o: community(o.street_name).id)
    address = "测试路1号"


class PersonFactory(BaseFactory):
    class Meta:
        model = Person
        exclude = ("number",)

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"测试{n}")
    sex = "M"
    birth_date = date(1980, 5, 17)
    number = factory.LazyAttribute(lambda o: id_number(o.birth_date, o.sex))
    id_number_encrypted = factory.LazyAttribute(lambda o: ids.encrypt(o.number))
    id_number_hash = factory.LazyAttribute(lambda o: ids.keyed_hash(o.number))
    id_number_masked = factory.LazyAttribute(lambda o: ids.mask(o.number))
    category = "dibao"
    status = "enrolled"


def department(street_name: str = "七星岗"):
    """The first department of the group paired with a street."""
    from charity.district.models import Department, DepartmentGroup

    return db.session.scalar(select(Department).join(DepartmentGroup)
                             .where(DepartmentGroup.street_id == street(street_name).id)
                             .order_by(Department.position))


class CadreFactory(BaseFactory):
    class Meta:
        model = Cadre
        exclude = ("street_name",)

    street_name = "七星岗"
    department_id = factory.LazyAttribute(lambda o: department(o.street_name).id)
    name = factory.Sequence(lambda n: f"干部{n}")
    rank = "staff"
    skills = factory.LazyFunction(list)


class VolunteerFactory(BaseFactory):
    class Meta:
        model = Volunteer
        exclude = ("street_name",)

    street_name = "七星岗"
    kind = "volunteer"
    name = factory.Sequence(lambda n: f"志愿者{n}")
    home_community_id = factory.LazyAttribute(lambda o: community(o.street_name).id)
    capacity = 1
    skills = factory.LazyFunction(list)
    travel_street_ids = factory.LazyFunction(list)
