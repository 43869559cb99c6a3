"""Campaign and sponsorship money is spent on what it was given for: a campaign's money pays
what the campaign's designation allows, a sponsorship's money pays for the people it sponsors."""

from datetime import date

import pytest

from charity.fund import operations as ledger
from charity.fund import queries as fund
from charity.relief import operations as ops
from charity.relief import proposals
from tests.factories import PersonFactory, UserFactory
from tests.factories.donations import FundraisingCampaignFactory, SponsoredPersonFactory

TODAY = date(2026, 11, 29)


def campaign(designation: str | None):
    """A campaign raising for `designation` that has received 5,000 yuan."""
    found = FundraisingCampaignFactory(designation=designation)
    ledger.record_gift(amount_fen=500_000, designation=f"campaign:{found.id}",
                       reference=f"gift-{found.slug}")
    return found


def test_a_measure_4_campaign_funds_a_measure_4_case_and_nothing_else(session, person, maker,
                                                                      checker):
    raised = campaign("measure:4")
    emergency = ops.submit(person, "temporary_emergency", "病", TODAY, maker, grade=3)
    ops.approve(emergency, checker)
    assert emergency.state == "approved"
    assert fund.balance(f"restricted:campaign:{raised.id}") == 500_000 - 300_000
    medical = ops.submit(person, "medical", "病", TODAY, maker, assessed_fen=100_000)
    with pytest.raises(ops.ReliefError, match="enough money"):
        ops.approve(medical, checker)


def test_the_optimiser_spends_campaign_money_on_its_designation(session, person, maker):
    raised = campaign(None)
    gift = ops.submit(person, "festival_gift", "春节", TODAY, maker)
    proposal = proposals.run(UserFactory(role="fund_manager"), time_limit=5)
    assert [(i.fund_code, i.amount_fen) for i in proposal.items
            if i.application_id == gift.id] == [(f"restricted:campaign:{raised.id}", 50_000)]


def test_a_sponsorship_pays_for_its_sponsored_person_and_no_one_else(session, person, maker,
                                                                     checker):
    pledge = SponsoredPersonFactory(person=person, sponsorship__amount_fen=1_000_000,
                                    unit_fen=300_000).sponsorship
    ledger.record_gift(amount_fen=300_000, designation=f"sponsorship:{pledge.id}",
                       reference="gift-s")
    other = PersonFactory(relief_case=True)
    stranger = ops.submit(other, "temporary_emergency", "病", TODAY, maker, grade=3)
    with pytest.raises(ops.ReliefError, match="enough money"):
        ops.approve(stranger, checker)
    sponsored = ops.submit(person, "temporary_emergency", "病", TODAY, maker, grade=3)
    ops.approve(sponsored, checker)
    assert sponsored.state == "approved"
    assert fund.balance(f"reserved:{sponsored.id}") == 300_000
    assert fund.balance(f"restricted:sponsorship:{pledge.id}") == 0
