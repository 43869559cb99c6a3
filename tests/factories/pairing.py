"""Helpers (cadres, volunteers and organisations) and their pairings with people."""

import factory

from charity.database import utcnow
from charity.pairing.models import Cadre, Pairing, Volunteer
from tests.factories.base import HOME_STREET, BaseFactory, community, department
from tests.factories.people import PersonFactory, UserFactory


class CadreFactory(BaseFactory):
    """A staff cadre of the department group paired with `street_name`; `with_user` gives them
    an account with the cadre role."""

    class Meta:
        model = Cadre

    class Params:
        street_name = HOME_STREET
        with_user = factory.Trait(user=factory.SubFactory(UserFactory, role="cadre"))

    department_id = factory.LazyAttribute(lambda o: department(o.street_name).id)
    name = factory.Sequence(lambda n: f"干部{n}")
    rank = "staff"
    skills = factory.LazyFunction(list)


class VolunteerFactory(BaseFactory):
    """A volunteer of a community of `street_name` who takes one person; `kind` makes it an
    organisation or an enterprise, `with_user` gives it an account."""

    class Meta:
        model = Volunteer

    class Params:
        street_name = HOME_STREET
        with_user = factory.Trait(user=factory.SubFactory(UserFactory, role="volunteer"))

    kind = "volunteer"
    name = factory.Sequence(lambda n: f"志愿者{n}")
    home_community_id = factory.LazyAttribute(lambda o: community(o.street_name).id)
    capacity = 1
    skills = factory.LazyFunction(list)
    travel_street_ids = factory.LazyFunction(list)
    #: Signed up, confirmed and approved: the optimiser may pair it.
    status = "approved"
    confirmed_at = factory.LazyFunction(utcnow)
    decided_at = factory.LazyFunction(utcnow)


class PairingFactory(BaseFactory):
    """An active pairing of a person with a cadre, both of `street_name`; `by_volunteer` pairs
    a volunteer instead."""

    class Meta:
        model = Pairing

    class Params:
        street_name = HOME_STREET
        by_volunteer = factory.Trait(
            helper_kind="volunteer", cadre=None,
            volunteer=factory.SubFactory(VolunteerFactory,
                                         street_name=factory.SelfAttribute("..street_name")))

    person = factory.SubFactory(PersonFactory, street_name=factory.SelfAttribute("..street_name"))
    helper_kind = "cadre"
    cadre = factory.SubFactory(CadreFactory, street_name=factory.SelfAttribute("..street_name"))
    status = "active"
    reasons = factory.LazyFunction(list)
