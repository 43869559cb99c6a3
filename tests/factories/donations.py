"""The donation side: campaigns and matching pools, gifts, monthly gifts and sponsorships, as
plain rows. A gift is not money in the fund until it is credited: a test that needs the money
credits it through `donations.giving.operations` or posts it with `charity.fund.operations`."""

from datetime import timedelta

import factory

from charity.timeutil import local_today
from donations.campaigns.models import FundraisingCampaign, MatchingPool
from donations.giving.models import Donation, RecurringGift
from donations.sponsorship.models import SponsoredPerson, Sponsorship
from tests.factories.base import BaseFactory
from tests.factories.people import PersonFactory, UserFactory


class FundraisingCampaignFactory(BaseFactory):
    """A general appeal for the fund's work with a 10,000-yuan goal, open for a month."""

    class Meta:
        model = FundraisingCampaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    title = "冬日助困"
    title_en = "Winter relief"
    kind = "general"
    goal_fen = 1_000_000
    starts_on = factory.LazyFunction(local_today)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=30))
    designation = None


class MatchingPoolFactory(BaseFactory):
    """A sponsor's pool of 10,000 yuan matching a campaign's gifts, 150 yuan per donor and
    1,000 yuan a day."""

    class Meta:
        model = MatchingPool

    sponsor_name = "某企业"
    total_fen = 1_000_000
    per_donor_cap_fen = 15_000
    per_day_cap_fen = 100_000
    campaign = factory.SubFactory(FundraisingCampaignFactory)


class DonationFactory(BaseFactory):
    """An online gift of 100 yuan started and not yet paid."""

    class Meta:
        model = Donation

    token = factory.Sequence(lambda n: f"gift-{n}")
    amount_fen = 10_000
    payment_intent = factory.Sequence(lambda n: f"pi_test_{n}")
    designation = None


class RecurringGiftFactory(BaseFactory):
    """A donor's active monthly Stripe gift of 30 yuan for measure 1; `standing_order` makes
    it a bank standing order, with no Stripe ids."""

    class Meta:
        model = RecurringGift

    class Params:
        standing_order = factory.Trait(kind="standing_order", stripe_customer=None,
                                       setup_intent=None, subscription=None)

    donor = factory.SubFactory(UserFactory, role="donor")
    amount_fen = 3_000
    designation = "measure:1"
    status = "active"
    kind = "stripe"
    stripe_customer = "cus_test"
    setup_intent = factory.Sequence(lambda n: f"seti_test_{n}")
    subscription = factory.Sequence(lambda n: f"sub_test_{n}")


class SponsorshipFactory(BaseFactory):
    """A donor's pledge of 10,000 yuan for a household's support, anywhere in the district."""

    class Meta:
        model = Sponsorship

    donor = factory.SubFactory(UserFactory, role="donor")
    kind = "household_support"
    amount_fen = 1_000_000


class SponsoredPersonFactory(BaseFactory):
    """A tekun person a sponsorship pays for, at 3,000 yuan."""

    class Meta:
        model = SponsoredPerson

    sponsorship = factory.SubFactory(SponsorshipFactory)
    person = factory.SubFactory(PersonFactory, tekun=True)
    unit_fen = 300_000
