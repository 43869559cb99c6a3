"""Campaign matching (caps, the burst rule), offline gifts with four eyes, receipts, portal."""

from datetime import date, timedelta

from sqlalchemy import select

from charity.extensions import db
from charity.fund.queries import balance
from charity.timeutil import local_today
from donations.models import Donation, FundraisingCampaign, MatchCredit, MatchingPool
from tests import factories
from tests.donations.test_refunds_disputes import post


def campaign_with_pool(per_donor=15000, per_day=100000, total=1000000):
    today = local_today()
    campaign = FundraisingCampaign(slug="test-99", title="99公益日", title_en="99 Giving Day",
                                   kind="giving_day_99", goal_fen=5_000_000,
                                   starts_on=today - timedelta(days=1),
                                   ends_on=today + timedelta(days=1))
    db.session.add(campaign)
    db.session.flush()
    db.session.add(MatchingPool(campaign_id=campaign.id, sponsor_name="某企业", total_fen=total,
                                per_donor_cap_fen=per_donor, per_day_cap_fen=per_day))
    db.session.flush()
    return campaign


def give_to(client, localstripe, campaign, amount="100", email="a@example.com"):
    from tests.donations.conftest import card_token

    response = client.post("/donations/give", data={
        "amount": amount, "campaign": str(campaign.id), "email": email,
        "card": card_token(localstripe)})
    assert response.status_code == 200, response.get_json()
    token = response.get_json()["status_url"].rsplit("/", 1)[1]
    donation = db.session.scalar(select(Donation).where(Donation.token == token))
    outcome = post(client, "payment_intent.succeeded", {
        "id": donation.payment_intent, "object": "payment_intent", "currency": "cny",
        "amount": donation.amount_fen, "amount_received": donation.amount_fen})
    assert outcome == "credited", outcome
    db.session.refresh(donation)
    return donation


def test_pool_matches_one_to_one_up_to_the_donor_cap(client, session, localstripe):
    campaign = campaign_with_pool(per_donor=15000)
    first = give_to(client, localstripe, campaign)
    second = give_to(client, localstripe, campaign)
    assert (first.match.amount_fen, second.match.amount_fen) == (10000, 5000)
    other = give_to(client, localstripe, campaign, email="b@example.com")
    assert other.match.amount_fen == 10000
    assert balance(f"restricted:campaign:{campaign.id}") == 30000 + 25000
    page = client.get(f"/donations/campaigns/{campaign.slug}?lang=en").get_data(as_text=True)
    assert "¥300.00" in page and "¥250.00" in page  # given and matched, shown apart


def test_burst_withholds_matching_and_flags_the_gifts(client, session, localstripe):
    campaign = campaign_with_pool(per_donor=10_000_000, per_day=10_000_000, total=10_000_000)
    gifts = [give_to(client, localstripe, campaign, amount="10") for _ in range(6)]
    assert [g.match.status for g in gifts] == ["credited"] * 5 + ["withheld"]
    assert gifts[-1].match.amount_fen == 0
    for gift in gifts:
        session.refresh(gift)
    assert all(g.review_flag == "burst" for g in gifts)
    matched = session.scalar(select(MatchCredit).where(MatchCredit.status == "credited")
                             .limit(1))
    assert matched is not None
    assert balance(f"restricted:campaign:{campaign.id}") == 6 * 1000 + 5 * 1000


def test_large_offline_gift_needs_a_second_person(client, session, auth, app):
    clerk, second = factories.user("fund_manager"), factories.user("approver")
    auth.login(clerk)
    amount = app.config["OFFLINE_CONFIRM_THRESHOLD_FEN"] // 100
    response = client.post("/donations/staff/offline", data={
        "channel": "bank_transfer", "amount": str(amount), "receipt_number": "YZ-2026-001",
        "donor_name": "某公司", "designation": "street:七星岗", "given_on": "2026-09-07"})
    assert response.status_code == 302
    gift = session.scalar(select(Donation).where(Donation.receipt_number == "YZ-2026-001"))
    assert gift.status == "awaiting_confirmation" and balance("cash") == 0
    assert client.post(f"/donations/staff/gifts/{gift.id}/confirm").status_code == 400
    auth.logout()
    auth.login(second)
    assert client.post(f"/donations/staff/gifts/{gift.id}/confirm").status_code == 302
    session.refresh(gift)
    assert gift.status == "succeeded" and balance("restricted:street:七星岗") == amount * 100


def test_offline_batch_is_all_or_nothing(client, session, auth):
    auth.login(factories.user("fund_manager"))
    good = "cash,200,R-1,张三,,2026-09-05\npayroll,50.5,R-2,李四,measure:5,2026-09-05"
    bad = good + "\ncash,-1,R-3,王五,,2026-09-05"
    assert client.post("/donations/staff/offline/batch", data={"rows": bad}).status_code == 400
    assert session.scalar(select(Donation).limit(1)) is None
    assert client.post("/donations/staff/offline/batch", data={"rows": good}).status_code == 302
    assert balance("unrestricted") == 20000 and balance("restricted:measure:5") == 5050


def test_donor_gets_receipt_and_statement_pdfs_only_for_own_gifts(client, session, auth):
    donor = factories.user("donor")
    clerk = factories.user("fund_manager")
    from donations import offline

    gift = offline.record_offline(channel="cash", amount_fen=8800, receipt_number="R-88",
                                  donor_name="捐赠人", designation=None,
                                  given_on=date(2026, 9, 5), user=clerk)
    gift.donor_id = donor.id
    session.flush()
    auth.login(donor)
    pdf = client.get(f"/donations/portal/receipts/{gift.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.data
    statement = client.get("/donations/portal/statements/2026.pdf")
    assert statement.status_code == 200 and statement.data.startswith(b"%PDF")
    portal = client.get("/donations/portal?lang=en").get_data(as_text=True)
    assert "R-88" in portal and "2026" in portal
    auth.logout()
    auth.login(factories.user("donor"))
    assert client.get(f"/donations/portal/receipts/{gift.id}.pdf").status_code == 404
