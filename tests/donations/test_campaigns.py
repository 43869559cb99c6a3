"""Fund managers set up campaigns and matching pools on the staff screens; the September
charity days come ready for a chosen year; bad input is refused in either language."""

from datetime import date

from sqlalchemy import func, select

from charity.audit.models import AuditEntry
from donations.campaigns.models import FundraisingCampaign, MatchingPool
from tests import factories

NEW = {"slug": "spring-2027", "title": "春风送暖", "title_en": "Spring warmth",
       "description": "", "kind": "general", "goal": "12,345.60", "starts_on": "2027-03-01",
       "ends_on": "2027-03-31", "designation": "measure:5"}


def count(session, model) -> int:
    return session.scalar(select(func.count(model.id)))


def test_fund_manager_creates_and_edits_a_campaign_and_its_pool(client, session, auth):
    auth.login(factories.user("fund_manager"))
    assert client.get("/donations/staff/campaigns/new").status_code == 200
    response = client.post("/donations/staff/campaigns/new", data=NEW)
    assert response.status_code == 302
    campaign = session.scalar(select(FundraisingCampaign).where(
        FundraisingCampaign.slug == "spring-2027"))
    assert (campaign.goal_fen, campaign.designation, campaign.title_en) == \
        (1_234_560, "measure:5", "Spring warmth")
    edited = dict(NEW, goal="20000", ends_on="2027-04-15", slug="ignored-on-edit")
    assert client.post(f"/donations/staff/campaigns/{campaign.id}", data=edited).status_code \
        == 302
    session.refresh(campaign)
    assert (campaign.goal_fen, campaign.ends_on, campaign.slug) == \
        (2_000_000, date(2027, 4, 15), "spring-2027")
    pool = {"sponsor_name": "某爱心企业", "total": "10000", "per_donor_cap": "500",
            "per_day_cap": "2000"}
    url = f"/donations/staff/campaigns/{campaign.id}/pool"
    assert client.post(url, data=pool).status_code == 302
    assert client.post(url, data=dict(pool, total="20000")).status_code == 302
    found = session.scalar(select(MatchingPool))
    assert (found.total_fen, found.per_donor_cap_fen, found.per_day_cap_fen) == \
        (2_000_000, 50_000, 200_000)
    assert count(session, MatchingPool) == 1
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "campaign")).all()
    assert actions.count("campaign.save") == 2 and actions.count("campaign.pool") == 2
    page = client.get("/donations/staff/campaigns?lang=en").get_data(as_text=True)
    assert "Spring warmth" in page and "table-wrap" in page


def test_bad_campaign_input_is_400_with_a_message_and_nothing_written(client, session, auth):
    auth.login(factories.user("fund_manager"))
    client.get("/lang/en")
    cases = [(dict(NEW, goal="-5"), "Write an amount in yuan"),
             (dict(NEW, ends_on="2027-02-01"), "cannot end before it starts"),
             (dict(NEW, slug="Not A Slug!"), "small letters, digits and hyphens"),
             (dict(NEW, title_en=""), "This field is required"),
             (dict(NEW, designation="measure:99"), "Choose what the gift is for")]
    for data, message in cases:
        response = client.post("/donations/staff/campaigns/new", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), message
    client.get("/lang/zh_Hans_CN")
    response = client.post("/donations/staff/campaigns/new", data=dict(NEW, goal="abc"))
    assert response.status_code == 400 and 'lang="zh' in response.get_data(as_text=True)
    assert 'role="alert"' in response.get_data(as_text=True)
    assert count(session, FundraisingCampaign) == 0


def test_bad_pool_is_refused(client, session, auth):
    auth.login(factories.user("fund_manager"))
    client.get("/lang/en")
    client.post("/donations/staff/campaigns/new", data=NEW)
    campaign = session.scalar(select(FundraisingCampaign))
    url = f"/donations/staff/campaigns/{campaign.id}/pool"
    too_big = {"sponsor_name": "某企业", "total": "100", "per_donor_cap": "500",
               "per_day_cap": "50"}
    response = client.post(url, data=too_big)
    assert response.status_code == 400
    assert "cannot be larger than the whole pool" in response.get_data(as_text=True)
    assert client.post(url, data=dict(too_big, per_donor_cap="0")).status_code == 400
    assert count(session, MatchingPool) == 0


def test_charity_days_for_a_year_in_one_click_idempotent(client, session, auth):
    auth.login(factories.user("fund_manager"))
    for _ in range(2):
        assert client.post("/donations/staff/campaigns/charity-days",
                           data={"year": "2027"}).status_code == 302
    days = session.scalars(select(FundraisingCampaign).order_by(
        FundraisingCampaign.starts_on)).all()
    assert [(c.slug, c.starts_on, c.ends_on) for c in days] == [
        ("china-charity-day-2027", date(2027, 9, 5), date(2027, 9, 5)),
        ("99-giving-day-2027", date(2027, 9, 7), date(2027, 9, 9))]
    assert client.post("/donations/staff/campaigns/charity-days",
                       data={"year": "1900"}).status_code == 400
    assert count(session, FundraisingCampaign) == 2


def test_only_fund_managers_reach_the_campaign_screens(client, session, auth):
    auth.login(factories.user("donor"))
    assert client.get("/donations/staff/campaigns").status_code == 403
    assert client.post("/donations/staff/campaigns/new", data=NEW).status_code == 403
    assert count(session, FundraisingCampaign) == 0
