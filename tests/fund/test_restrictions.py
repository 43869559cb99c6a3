"""Campaign and sponsorship money is spent on what it was given for: a campaign's money pays
what the campaign's designation allows, a sponsorship's money pays for the people it sponsors."""

from datetime import date

import pytest

from charity.extensions import db
from charity.fund import operations as ledger
from charity.fund import queries as fund
from charity.relief import operations as ops
from charity.relief import proposals
from donations.campaigns.models import FundraisingCampaign
from donations.sponsorship.models import SponsoredPerson, Sponsorship
from tests.factories import PersonFactory, user

TODAY = date(2026, 11, 29)


def campaign(designation: str | None) -> FundraisingCampaign:
    found = FundraisingCampaign(slug=f"c-{designation}", title="冬日助困", goal_fen=1_000_000,
                                starts_on=TODAY, ends_on=TODAY, designation=designation)
    db.session.add(found)
    db.session.flush()
    ledger.record_gift(amount_fen=500_000, designation=f"campaign:{found.id}",
                       reference=f"gift-c-{designation}")
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
    proposal = proposals.run(user("fund_manager"), time_limit=5)
    assert [(i.fund_code, i.amount_fen) for i in proposal.items
            if i.application_id == gift.id] == [(f"restricted:campaign:{raised.id}", 50_000)]


def test_a_sponsorship_pays_for_its_sponsored_person_and_no_one_else(session, person, maker,
                                                                     checker):
    pledge = Sponsorship(donor_id=user("donor").id, kind="household_support",
                         amount_fen=1_000_000)
    db.session.add(pledge)
    db.session.flush()
    db.session.add(SponsoredPerson(sponsorship_id=pledge.id, person_id=person.id,
                                   unit_fen=300_000))
    ledger.record_gift(amount_fen=300_000, designation=f"sponsorship:{pledge.id}",
                       reference="gift-s")
    other = PersonFactory(seriously_ill=True, monthly_income_fen=80_000)
    stranger = ops.submit(other, "temporary_emergency", "病", TODAY, maker, grade=3)
    with pytest.raises(ops.ReliefError, match="enough money"):
        ops.approve(stranger, checker)
    sponsored = ops.submit(person, "temporary_emergency", "病", TODAY, maker, grade=3)
    ops.approve(sponsored, checker)
    assert sponsored.state == "approved"
    assert fund.balance(f"reserved:{sponsored.id}") == 300_000
    assert fund.balance(f"restricted:sponsorship:{pledge.id}") == 0
