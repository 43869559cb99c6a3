"""Allocation proposals: run, review, change (each change re-checked), send for approval."""

from datetime import date

import pytest

from charity.fund import queries as fund
from charity.relief import allocation, proposals
from charity.relief import operations as ops
from tests.factories import UserFactory
from tests.jobs import result_of

TODAY = date(2026, 11, 29)


@pytest.fixture
def sender(session):
    return UserFactory(role="fund_manager")


@pytest.fixture
def cases(session, person, maker, funded):
    """Three severe emergencies (3,000 yuan each, measure 4), a festival gift (500 yuan,
    measure 9: only unrestricted money may pay) and a disaster beyond every fund that may pay
    for it (measure 8, 30,000 yuan)."""
    made = [ops.submit(person, "temporary_emergency", "病", TODAY, maker, grade=3,
                       event=f"emergency {n}") for n in range(3)]
    made.append(ops.submit(person, "festival_gift", "春节", TODAY, maker))
    made.append(ops.submit(person, "disaster", "火灾", TODAY, maker, assessed_fen=3_000_000))
    return made


def by_case(proposal):
    found = {}
    for item in proposal.items:
        found.setdefault(item.application_id, []).append(
            (item.fund_code, item.amount_fen) if item.fund_code else item.reason)
    return found


def test_run_saves_a_proposal_with_streets_and_reasons(session, cases, sender):
    proposal = proposals.run(sender, time_limit=5)
    found = by_case(proposal)
    emergency, gift, disaster = cases[0], cases[3], cases[4]
    assert proposal.status == "OPTIMAL" and proposal.state == "draft"
    assert found[emergency.id] == [("restricted:measure:4", 300_000)]
    assert found[gift.id] == [("unrestricted", 50_000)]
    assert found[disaster.id] == ["funds_exhausted"]
    [street] = allocation.street_figures(proposal)
    assert street["street"] == "七星岗" and (street["cases"], street["funded"]) == (5, 4)
    assert 0 < street["covered"] < street["weight"]


def test_changes_are_rechecked_and_a_broken_rule_is_refused(session, cases, sender):
    proposal = proposals.run(sender, time_limit=5)
    emergency = cases[0]
    with pytest.raises(ops.ReliefError, match="may not be spent"):
        proposals.change(proposal, emergency.id, "restricted:measure:3", 300_000, sender)
    with pytest.raises(ops.ReliefError, match="standard amount"):
        proposals.change(proposal, emergency.id, "restricted:measure:4", 300_001, sender)
    with pytest.raises(ops.ReliefError, match="only"):
        proposals.change(proposal, cases[4].id, "unrestricted", 3_000_000, sender)
    assert by_case(proposal)[emergency.id] == [("restricted:measure:4", 300_000)]
    proposals.change(proposal, emergency.id, "unrestricted", 250_000, sender)
    proposals.drop(proposal, cases[1].id, sender)
    found = by_case(proposal)
    assert found[emergency.id] == [("unrestricted", 250_000)]
    assert found[cases[1].id] == ["dropped"]
    # The unrestricted fund now holds 500,000 − 50,000 − 250,000 = 200,000 yuan-fen free.
    assert proposals.left_in(proposal, "unrestricted") == 200_000


def test_send_queues_cases_with_the_proposal_and_keeps_four_eyes(session, cases, sender,
                                                                 checker):
    proposal = proposals.run(sender, time_limit=5)
    emergency = cases[0]
    proposals.change(proposal, emergency.id, "unrestricted", 250_000, sender)
    proposals.drop(proposal, cases[1].id, sender)
    sent = proposals.send(proposal, sender)
    assert [a.id for a in sent] == [cases[0].id, cases[2].id, cases[3].id]
    assert emergency.amount_fen == 250_000 and emergency.state == "submitted"
    with pytest.raises(ops.ReliefError, match="sent"):
        proposals.drop(proposal, cases[2].id, sender)
    with pytest.raises(ops.FourEyesError):
        ops.approve(emergency, sender)
    ops.approve(emergency, checker)
    assert emergency.state == "approved"
    assert fund.balance(f"reserved:{emergency.id}") == 250_000
    assert fund.balance("unrestricted") == 250_000
    assert allocation.proposed(emergency.id) == (sender.id, [("unrestricted", 250_000)])


def test_a_second_run_leaves_sent_cases_and_their_money_alone(session, cases, sender):
    first = proposals.run(sender, time_limit=5)
    proposals.send(first, sender)
    second = proposals.run(sender, time_limit=5)
    assert set(by_case(second)) == {cases[4].id}
    assert allocation.available()["restricted:measure:4"] == 2_000_000 - 900_000
    with pytest.raises(ops.ReliefError, match="nothing to send"):
        proposals.send(second, sender)


def test_screens_run_change_refuse_and_send(client, auth, session, cases, sender, checker):
    session.commit()
    auth.login(sender)
    client.get("/lang/en")
    assert client.post("/relief/allocations", data={"tolerance": "-1"}).status_code == 400
    page = result_of(client, client.post("/relief/allocations", data={"tolerance": "5"}))
    text = client.get(page).get_data(as_text=True)
    assert "restricted:measure:4" in text and "used up" in text
    emergency = cases[0].id
    refused = client.post(f"{page}/cases/{emergency}",
                          data={"fund": "restricted:measure:3", "amount": "3000"})
    assert refused.status_code == 400 and "may not be spent" in refused.get_data(as_text=True)
    assert client.post(f"{page}/cases/{emergency}",
                       data={"fund": "unrestricted", "amount": "abc"}).status_code == 400
    assert client.post(f"{page}/cases/{emergency}",
                       data={"fund": "unrestricted", "amount": "2500"}).status_code == 302
    assert client.post(f"{page}/cases/{cases[1].id}/drop").status_code == 302
    assert client.post(f"{page}/send").status_code == 302
    assert client.post(f"/relief/{emergency}/approve").status_code == 403
    assert "Proposal" in client.get(f"/relief/{emergency}").get_data(as_text=True)
    auth.logout()
    auth.login(checker)
    assert client.post(f"/relief/{emergency}/approve").status_code == 302
    assert fund.balance(f"reserved:{emergency}") == 250_000


def test_cli_saves_a_draft_proposal(runner, session, cases, sender):
    result = runner.invoke(args=["relief", "allocate", "--time-limit", "5",
                                 "--save-as", sender.email])
    assert result.exit_code == 0 and "OPTIMAL" in result.output
    result = runner.invoke(args=["relief", "allocate", "--save-as", "nobody@songtan.test"])
    assert result.exit_code != 0 and "no user" in result.output


def test_proposal_pages_its_cases(client, auth, session, cases, sender, monkeypatch):
    """A long proposal is shown a page of cases at a time."""
    from charity.relief import proposal_views

    monkeypatch.setattr(proposal_views, "CASES_PER_PAGE", 2)
    proposal = proposals.run(sender, time_limit=5)
    session.commit()
    auth.login(sender)
    page = f"/relief/allocations/{proposal.id}?lang=en"
    first = client.get(page).get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count('class="case-card"') == 3
    second = client.get(page + "&funded_page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second


def test_changing_a_cases_amount_within_its_fund(session, cases, sender):
    proposal = proposals.run(sender, time_limit=5)
    emergency = cases[0]
    proposals.change(proposal, emergency.id, "restricted:measure:4", 200_000, sender)
    assert by_case(proposal)[emergency.id] == [("restricted:measure:4", 200_000)]
    proposals.drop(proposal, emergency.id, sender)
    proposals.change(proposal, emergency.id, "restricted:measure:4", 250_000, sender)
    assert by_case(proposal)[emergency.id] == [("restricted:measure:4", 250_000)]


def test_funding_a_large_case_in_part_still_needs_the_committee(session, person, maker,
                                                                 funded, sender, checker):
    big = ops.submit(person, "medical", "重病", TODAY, maker, assessed_fen=1_500_000)
    proposal = proposals.run(sender, time_limit=5)
    proposals.change(proposal, big.id, "restricted:measure:3", 1_000_000, sender)
    proposals.send(proposal, sender)
    assert big.amount_fen == 1_000_000 and big.standard_fen == 1_500_000
    ops.approve(big, checker)
    assert big.state == "committee"


def test_a_case_is_sent_in_one_proposal_only(session, cases, sender):
    first = proposals.run(sender, time_limit=5)
    second = proposals.run(UserFactory(role="fund_manager"), time_limit=5)
    proposals.send(first, sender)
    with pytest.raises(ops.ReliefError, match="sent meanwhile"):
        proposals.send(second, sender)
    assert {a.proposal_id for a in cases[:4]} == {first.id}
