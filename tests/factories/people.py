"""Accounts, households and the people on the roster."""

from datetime import date

import factory

from charity.auth.models import User
from charity.auth.operations import create_user
from charity.auth.permissions import needs_second_factor
from charity.extensions import db, security
from charity.registry import ids
from charity.registry.models import Household, Person
from charity.timeutil import local_today
from tests.factories.base import HOME_STREET, PASSWORD, BaseFactory, community, id_number, street


class UserFactory(BaseFactory):
    """An account with the test password and one role, made by `create_user` (hashed password,
    roles created once). A street officer works in the home street unless `street_name` says."""

    class Meta:
        model = User

    class Params:
        role = "donor"
        street_name = factory.LazyAttribute(
            lambda o: HOME_STREET if o.role == "street_officer" else None)

    email = factory.LazyAttributeSequence(lambda o, n: f"{o.role}-{n}@songtan.test")
    password = PASSWORD
    name = ""
    roles = factory.LazyAttribute(lambda o: [o.role])
    street_id = factory.LazyAttribute(lambda o: street(o.street_name).id if o.street_name else None)

    @classmethod
    def _create(cls, model_class, email, password, roles, **fields):
        return create_user(email, password, roles, **fields)

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        """An authenticator app set up for the roles that need one (`second_factor=False`:
        not yet); `Auth.login` answers its code."""
        if extracted is False or (extracted is None and not needs_second_factor(obj)):
            return
        obj.tf_primary_method = "authenticator"
        obj.tf_totp_secret = security.totp_factory.generate_totp_secret()
        db.session.flush()


def user(role: str, street_name: str | None = None, email: str | None = None) -> User:
    """`UserFactory` by position, for tests/donations and tests/test_pairing_workflow.py until
    they move to `UserFactory` itself."""
    given = {key: value for key, value in (("street_name", street_name), ("email", email)) if value}
    return UserFactory(role=role, **given)


class HouseholdFactory(BaseFactory):
    """A household in the first community of its street."""

    class Meta:
        model = Household

    class Params:
        street_name = HOME_STREET

    code = factory.Sequence(lambda n: f"T{n:06d}")
    street_id = factory.LazyAttribute(lambda o: street(o.street_name).id)
    community_id = factory.LazyAttribute(lambda o: community(o.street_name).id)
    address = "测试路1号"


def _born(years_ago: int, month: int = 6, day: int = 1):
    """A birth date `years_ago` years before this year, on a fixed day of it."""
    return factory.LazyFunction(lambda: date(local_today().year - years_ago, month, day))


class PersonFactory(BaseFactory):
    """An enrolled dibao recipient of working age with a valid, encrypted ID number, in a new
    household of `street_name`. The traits are the plan's priority groups and common cases."""

    class Meta:
        model = Person
        exclude = ("number",)

    class Params:
        street_name = HOME_STREET
        tekun = factory.Trait(category="tekun")
        #: 特困人员（孤儿）: a tekun child without parents.
        tekun_orphan = factory.Trait(category="tekun", orphan=True, birth_date=_born(12),
                                     employment_status="child")
        #: Seriously ill on a low income: eligible for temporary and medical relief.
        relief_case = factory.Trait(seriously_ill=True, monthly_income_fen=80_000)
        #: 70 or older and living alone.
        elderly_alone = factory.Trait(lives_alone=True, birth_date=_born(75, 1, 1),
                                      employment_status="retired")
        high_schooler = factory.Trait(student=True, school_level="senior_high",
                                      employment_status="student", birth_date=_born(16))
        #: This year's college entrant (the autumn grant's).
        college_entrant = factory.Trait(
            student=True, school_level="college", employment_status="student",
            college_entry_year=factory.LazyFunction(lambda: local_today().year),
            birth_date=_born(18))
        #: Of working age, able and willing to work, without a job.
        jobseeker = factory.Trait(able_to_work=True, willing_to_work=True,
                                  employment_status="unemployed", birth_date=date(1985, 3, 1))

    household = factory.SubFactory(HouseholdFactory,
                                   street_name=factory.SelfAttribute("..street_name"))
    name = factory.Sequence(lambda n: f"测试{n}")
    sex = "M"
    birth_date = date(1980, 5, 17)
    number = factory.LazyAttribute(lambda o: id_number(o.birth_date, o.sex))
    id_number_encrypted = factory.LazyAttribute(lambda o: ids.encrypt(o.number))
    id_number_hash = factory.LazyAttribute(lambda o: ids.keyed_hash(o.number))
    id_number_masked = factory.LazyAttribute(lambda o: ids.mask(o.number))
    category = "dibao"
    status = "enrolled"
