"""The review queue: a burst's withheld match is released into the fund within the caps, or
kept withheld; every decision names who and when, is audited, and takes a second person."""

from datetime import date

from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.fund.queries import balance
from donations.giving import offline
from donations.giving.models import GiftReview
from tests import factories
from tests.donations.test_matching_offline import campaign_with_pool, give_to


def burst(client, localstripe, campaign):
    """Six ¥10 gifts in a minute from one e-mail: the sixth's match is withheld."""
    gifts = [give_to(client, localstripe, campaign, amount="10") for _ in range(6)]
    assert gifts[-1].match.status == "withheld"
    return gifts


def review(client, gift, decision, note=""):
    return client.post(f"/donations/staff/gifts/{gift.id}/review",
                       data={"decision": decision, "note": note})


def test_release_posts_the_withheld_match_within_the_caps(client, session, auth, localstripe):
    campaign = campaign_with_pool(per_donor=5500, per_day=10_000_000, total=10_000_000)
    gifts = burst(client, localstripe, campaign)
    fund = f"restricted:campaign:{campaign.id}"
    assert balance(fund) == 6000 + 5000
    reviewer = factories.user("approver")
    auth.login(reviewer)
    queue = client.get("/donations/staff/review?lang=en").get_data(as_text=True)
    assert "Release the match" in queue and f"#{gifts[-1].id}" in queue
    assert review(client, gifts[-1], "release", "checked with the donor").status_code == 302
    session.refresh(gifts[-1].match)
    assert (gifts[-1].match.status, gifts[-1].match.amount_fen) == ("credited", 500)
    assert balance(fund) == 6000 + 5500  # the per-donor cap still holds
    decision = session.scalar(select(GiftReview).where(GiftReview.donation_id == gifts[-1].id))
    assert (decision.decision, decision.released_fen, decision.reviewed_by_id) == \
        ("released", 500, reviewer.id)
    assert decision.reviewed_at is not None
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "donation.review"))
    assert audit.user_id == reviewer.id and audit.detail["released_fen"] == 500
    assert review(client, gifts[-1], "release").status_code == 400  # once only
    assert balance(fund) == 6000 + 5500
    page = client.get("/donations/staff/review?lang=en").get_data(as_text=True)
    assert "Match released" in page and reviewer.email in page


def test_keep_withheld_moves_nothing_and_matched_gifts_are_cleared(client, session, auth,
                                                                   localstripe):
    campaign = campaign_with_pool(per_donor=10_000_000, per_day=10_000_000, total=10_000_000)
    gifts = burst(client, localstripe, campaign)
    fund = f"restricted:campaign:{campaign.id}"
    before = balance(fund)
    auth.login(factories.user("fund_manager"))
    assert review(client, gifts[-1], "clear").status_code == 400  # must decide on the match
    assert review(client, gifts[-1], "withhold").status_code == 302
    assert review(client, gifts[0], "release").status_code == 400  # nothing withheld there
    assert review(client, gifts[0], "clear").status_code == 302
    session.refresh(gifts[-1].match)
    assert gifts[-1].match.status == "withheld" and balance(fund) == before
    decisions = dict(session.execute(select(GiftReview.donation_id, GiftReview.decision)).all())
    assert decisions == {gifts[-1].id: "withheld", gifts[0].id: "cleared"}


def test_the_person_who_recorded_a_gift_does_not_review_it(client, session, auth):
    clerk, other = factories.user("fund_manager"), factories.user("approver")
    gift = offline.record_offline(channel="cash", amount_fen=5000, receipt_number="R-flag",
                                  donor_name="某人", designation=None,
                                  given_on=date(2026, 9, 5), user=clerk)
    gift.review_flag = "amount_mismatch: 50000 cny"
    session.flush()
    auth.login(clerk)
    client.get("/lang/en")
    response = review(client, gift, "clear")
    assert response.status_code == 400
    assert "A second person must review" in response.get_data(as_text=True)
    assert session.scalar(select(GiftReview.id)) is None
    auth.logout()
    auth.login(other)
    assert review(client, gift, "clear").status_code == 302
    assert session.scalar(select(GiftReview.reviewed_by_id)) == other.id


def test_bad_decision_is_400_and_donors_cannot_review(client, session, auth):
    clerk = factories.user("fund_manager")
    gift = offline.record_offline(channel="cash", amount_fen=5000, receipt_number="R-bad",
                                  donor_name="某人", designation=None,
                                  given_on=date(2026, 9, 5), user=clerk)
    gift.review_flag = "burst"
    session.flush()
    auth.login(factories.user("approver"))
    assert review(client, gift, "approve-everything").status_code == 400
    auth.logout()
    auth.login(factories.user("donor"))
    assert review(client, gift, "clear").status_code == 403
    assert session.scalar(select(GiftReview.id)) is None
