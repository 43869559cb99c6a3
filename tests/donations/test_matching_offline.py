"""Campaign matching (caps, the burst rule), offline gifts with four eyes, receipts, portal."""

from datetime import date, timedelta

from sqlalchemy import select

from charity.extensions import db
from charity.fund.queries import balance
from charity.timeutil import local_today
from donations.campaigns.models import FundraisingCampaign, MatchCredit, MatchingPool
from donations.giving.models import Donation
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
    from donations.giving import offline

    gift = offline.record_offline(channel="cash", amount_fen=8800, receipt_number="R-88",
                                  donor_name="捐赠人", designation=None,
                                  given_on=date(2026, 9, 5), user=clerk)
    gift.donor_id = donor.id
    session.flush()
    auth.login(donor)
    pdf = client.get(f"/donations/portal/receipts/{gift.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert b"FontFile2" in pdf.data
    statement = client.get("/donations/portal/statements/2026.pdf")
    assert statement.status_code == 200 and statement.data.startswith(b"%PDF")
    portal = client.get("/donations/portal?lang=en").get_data(as_text=True)
    assert "R-88" in portal and "2026" in portal
    auth.logout()
    auth.login(factories.user("donor"))
    assert client.get(f"/donations/portal/receipts/{gift.id}.pdf").status_code == 404


def test_batch_lines_are_anonymous_unless_marked_show(client, session, auth):
    auth.login(factories.user("fund_manager"))
    rows = ("cash,200,R-10,王隐名,,2026-09-05\n"
            "cash,300,R-11,李显名,,2026-09-05,show\n"
            "cash,400,R-12,赵匿名,,2026-09-05,")
    assert client.post("/donations/staff/offline/batch", data={"rows": rows}).status_code == 302
    gifts = session.scalars(select(Donation).order_by(Donation.receipt_number)).all()
    assert [(g.donor_name, g.show_name) for g in gifts] == [
        ("王隐名", False), ("李显名", True), ("赵匿名", False)]
    page = client.get("/donations/?lang=en").get_data(as_text=True)
    assert "李显名" in page and "王隐名" not in page and "赵匿名" not in page
    bad = "cash,200,R-13,某人,,2026-09-05,perhaps"
    response = client.post("/donations/staff/offline/batch?lang=en", data={"rows": bad})
    assert response.status_code == 400 and "Line 1" in response.get_data(as_text=True)


def test_batch_locks_its_fund_accounts_before_its_first_posting(session, monkeypatch):
    from charity.fund import journal
    from donations.giving import offline

    calls = []
    real_lock, real_post = journal.lock_accounts, journal.post
    monkeypatch.setattr(journal, "lock_accounts",
                        lambda codes: calls.append(("lock", sorted(codes))) or real_lock(codes))
    monkeypatch.setattr("charity.fund.operations.post",
                        lambda *a, **k: calls.append(("post",)) or real_post(*a, **k))
    offline.record_batch("cash,10,RB1,张三,,2026-11-29\n"
                         "cash,10,RB2,李四,measure:4,2026-11-29", factories.user("fund_manager"))
    assert calls[0] == ("lock", ["cash", "restricted:measure:4", "unrestricted"])
    assert calls[1:] == [("post",), ("post",)]


def test_one_donor_one_cap_signed_in_or_not(session):
    from donations.giving import operations

    campaign = campaign_with_pool(per_donor=10_000)
    donor = factories.user("donor", email="same.person@example.com")
    signed_in = operations.new_donation(amount_fen=10_000, designation=None, campaign=campaign,
                                        channel="online", donor_id=donor.id,
                                        donor_email="someone@example.com")
    operations.credit(signed_in)
    guest = operations.new_donation(amount_fen=10_000, designation=None, campaign=campaign,
                                    channel="online", donor_email=" Same.Person@Example.com ")
    operations.credit(guest)
    assert signed_in.match.donor_key == guest.match.donor_key == "email:same.person@example.com"
    assert (signed_in.match.amount_fen, guest.match.amount_fen) == (10_000, 0)


def test_the_receipt_number_carries_the_shanghai_year(session):
    from datetime import UTC, datetime

    from donations.giving import operations

    gift = operations.new_donation(amount_fen=10_000, designation=None, channel="online",
                                   given_at=datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    operations.credit(gift)
    assert gift.receipt_number == f"ST2027{gift.id:08d}"
