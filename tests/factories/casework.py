"""Casework records (measures granted, referrals, services, medical costs, review cycles) and
festival visit campaigns, as plain rows. A test of what recording one does (an audit entry, a
status change, a date refused) calls `charity.casework.operations` or
`charity.visits.operations` instead."""

from datetime import timedelta

import factory

from charity.casework.models import EmploymentService, Grant, MedicalCost, Referral, ReviewCycle
from charity.timeutil import local_today
from charity.visits import operations as visits
from charity.visits.models import Campaign
from tests.factories.base import BaseFactory
from tests.factories.people import PersonFactory


def _days_from_today(days: int):
    return factory.LazyFunction(lambda: local_today() + timedelta(days=days))


class GrantFactory(BaseFactory):
    """The classified supplement, received from today on."""

    class Meta:
        model = Grant

    person = factory.SubFactory(PersonFactory)
    measure = "classified_supplement"
    starts_on = _days_from_today(0)


class ReferralFactory(BaseFactory):
    """An open referral of a person's pairing gap to their street."""

    class Meta:
        model = Referral

    person = factory.SubFactory(PersonFactory)
    measure = "pairing"
    to_whom = "街道"


class EmploymentServiceFactory(BaseFactory):
    """A free training given today to a jobseeker."""

    class Meta:
        model = EmploymentService

    person = factory.SubFactory(PersonFactory, jobseeker=True)
    kind = "training"
    given_on = _days_from_today(0)


class MedicalCostFactory(BaseFactory):
    """An inpatient stay of a seriously ill person: 1,000 yuan, a tenth out of the catalogue."""

    class Meta:
        model = MedicalCost

    person = factory.SubFactory(PersonFactory, seriously_ill=True)
    admitted_on = _days_from_today(0)
    hospital = "渝中区人民医院"
    total_fen = 100_000
    out_of_catalogue_fen = 10_000


class ReviewCycleFactory(BaseFactory):
    """A review cycle for everyone due within a month."""

    class Meta:
        model = ReviewCycle

    name = factory.Sequence(lambda n: f"复核{n}")
    due_by = _days_from_today(30)


class VisitCampaignFactory(BaseFactory):
    """This year's mid-autumn campaign, open from five days ago to five days ahead, with a
    task for every active pairing (as `open_campaign` gives them)."""

    class Meta:
        model = Campaign

    festival = "mid_autumn"
    year = factory.LazyFunction(lambda: local_today().year)
    starts_on = _days_from_today(-5)
    ends_on = _days_from_today(5)

    @factory.post_generation
    def tasks(campaign, create, extracted, **kwargs):
        if create:
            visits.generate_tasks(campaign)
