"""Bad numbers, days and NUL characters: each is refused with a message in the user's language
(English and Chinese), with 400, and nothing is written."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from charity.casework.models import MedicalCost
from charity.main.limits import MAX_ID
from charity.relief.models import Application
from charity.timeutil import local_today
from donations.campaigns.models import FundraisingCampaign, MatchingPool
from donations.giving.models import Donation
from tests.factories import PersonFactory, UserFactory
from tests.factories.donations import FundraisingCampaignFactory

EN, ZH = "en", "zh_Hans_CN"
NUL = ("contains a NUL character", "含有空字符")
DAY = ("Choose a day between 2000-01-01 and", "请选择2000-01-01至")


def count(session, column) -> int:
    return session.scalar(select(func.count(column)))


def says(client, language: str, method: str, url: str, expected: str, **kwargs) -> None:
    """Send the request in `language`: 400 and `expected` in the answer."""
    client.get(f"/lang/{language}")
    response = client.open(url, method=method, **kwargs)
    assert response.status_code == 400, (url, response.status_code)
    assert expected in response.get_data(as_text=True), (url, language)


def in_both(client, method: str, url: str, messages: tuple[str, str], **kwargs) -> None:
    for language, expected in zip((EN, ZH), messages, strict=True):
        says(client, language, method, url, expected, **kwargs)


@pytest.mark.parametrize(("url", "role"), [
    ("/registry/people?q=%00", "street_officer"),
    ("/registry/people?category=%00", "street_officer"),
    ("/registry/people?status=a%00b", "street_officer"),
    ("/fund/journal?kind=%00", "fund_manager"),
    ("/audit/?action=%00", "auditor"),
    ("/donations/campaigns/%00", None),
    ("/registry/people/%00", "street_officer"),
])
def test_a_nul_in_the_path_or_query_is_refused_with_a_message(client, auth, url, role):
    if role:
        auth.login(UserFactory(role=role))
    in_both(client, "GET", url, NUL)


OFFLINE = {"channel": "cash", "amount": "100", "receipt_number": "R-1", "donor_name": "张三",
           "given_on": "2026-01-05"}


def test_a_nul_in_a_form_is_refused_and_nothing_is_written(client, session, auth):
    auth.login(UserFactory(role="fund_manager"))
    in_both(client, "POST", "/donations/staff/offline", NUL,
            data=OFFLINE | {"donor_name": "张\x00三"})
    assert count(session, Donation.id) == 0


GIFT = ("A gift is between ¥1 and ¥1,000,000.", "单笔捐赠金额应在¥1至¥1,000,000之间。")


@pytest.mark.parametrize("amount", ["1e26", "1e30", "1000001", "99999999999"])
def test_a_huge_gift_on_the_public_form_is_refused_in_both_languages(client, session, amount):
    for language, expected in zip((EN, ZH), GIFT, strict=True):
        client.get(f"/lang/{language}")
        response = client.post("/donations/give", data={"amount": amount})
        assert response.status_code == 400
        assert response.get_json() == {"error": expected}
    assert count(session, Donation.id) == 0


LARGE = ("tick “I confirm this large amount” to record it", "请勾选“我确认这笔大额金额”后再记录")


def test_an_offline_gift_above_ten_million_needs_the_large_amount_confirmed(client, session,
                                                                             auth):
    auth.login(UserFactory(role="fund_manager"))
    in_both(client, "POST", "/donations/staff/offline", LARGE,
            data=OFFLINE | {"amount": "10000000.01"})
    assert count(session, Donation.id) == 0
    recorded = client.post("/donations/staff/offline",
                           data=OFFLINE | {"amount": "20000000", "confirm_large": "y"})
    assert recorded.status_code == 302
    gift = session.scalar(select(Donation))
    assert (gift.amount_fen, gift.status) == (2_000_000_000, "awaiting_confirmation")


@pytest.mark.parametrize("amount", ["1e26", "1e30", "100000001"])
def test_an_offline_gift_beyond_any_confirmation_is_refused(client, session, auth, amount):
    auth.login(UserFactory(role="fund_manager"))
    in_both(client, "POST", "/donations/staff/offline",
            ("A gift is between ¥1 and ¥100,000,000.", "单笔捐赠金额应在¥1至¥100,000,000之间。"),
            data=OFFLINE | {"amount": amount, "confirm_large": "y"})
    assert count(session, Donation.id) == 0


@pytest.mark.parametrize("day", ["9999-12-31", "1800-01-01", "1999-12-31"])
def test_an_offline_gift_on_an_impossible_day_is_refused(client, session, auth, day):
    auth.login(UserFactory(role="fund_manager"))
    in_both(client, "POST", "/donations/staff/offline", DAY, data=OFFLINE | {"given_on": day})
    batch = f"cash,100,R-2,李四,,{day}"
    in_both(client, "POST", "/donations/staff/offline/batch",
            ("Line 1: Choose a day between 2000-01-01", "第1行：请选择2000-01-01至"),
            data={"rows": batch})
    assert count(session, Donation.id) == 0


def test_tomorrow_is_the_last_day_a_gift_can_have_been_received(client, session, auth):
    auth.login(UserFactory(role="fund_manager"))
    tomorrow, after = local_today() + timedelta(days=1), local_today() + timedelta(days=2)
    assert client.post("/donations/staff/offline", data=OFFLINE | {
        "given_on": after.isoformat()}).status_code == 400
    assert client.post("/donations/staff/offline", data=OFFLINE | {
        "given_on": tomorrow.isoformat()}).status_code == 302


AMOUNT_OUT = ("Write an amount between ¥0.01 and ¥%s.", "请填写¥0.01至¥%s之间的金额。")


def out_of(maximum: str, minimum: str = "0.01") -> tuple[str, str]:
    return tuple(m.replace("0.01", minimum) % maximum for m in AMOUNT_OUT)


def test_a_campaign_goal_or_pool_of_1e30_is_refused(client, session, auth):
    auth.login(UserFactory(role="fund_manager"))
    today = local_today().isoformat()
    campaign = {"title": "冬日", "title_en": "Winter", "kind": "general", "goal": "1e30",
                "starts_on": today, "ends_on": today}
    in_both(client, "POST", "/donations/staff/campaigns/new", out_of("100,000,000"),
            data=campaign)
    in_both(client, "POST", "/donations/staff/campaigns/new", DAY,
            data=campaign | {"goal": "1000", "ends_on": "9999-12-31"})
    assert count(session, FundraisingCampaign.id) == 0
    existing = FundraisingCampaignFactory()
    for cap in ("total", "per_donor_cap", "per_day_cap"):
        pool = {"sponsor_name": "某企业", "total": "1000", "per_donor_cap": "100",
                "per_day_cap": "500"} | {cap: "1e30"}
        in_both(client, "POST", f"/donations/staff/campaigns/{existing.id}/pool",
                out_of("100,000,000"), data=pool)
    assert count(session, MatchingPool.id) == 0


def test_an_assessed_amount_of_1e30_or_a_huge_person_number_is_refused(client, session, auth):
    person = PersonFactory(relief_case=True)
    auth.login(UserFactory(role="street_officer"))
    application = {"person_id": str(person.id), "kind": "medical", "assessed": "1e30",
                   "reason": "住院"}
    in_both(client, "POST", "/relief/new", out_of("1,000,000"), data=application)
    in_both(client, "POST", "/relief/new",
            ("No such person on your roster.", "您的名册中没有该人员。"),
            data=application | {"assessed": "1000", "person_id": "99999999999"})
    assert count(session, Application.id) == 0
    assert client.get("/relief/new?person=99999999999").status_code == 200
    assert client.get(f"/relief/{MAX_ID + 1}").status_code == 404
    assert client.get("/registry/people/99999999999").status_code == 404


def test_a_cost_of_1e30_or_on_an_impossible_day_is_refused(client, session, auth):
    person = PersonFactory(seriously_ill=True)
    auth.login(UserFactory(role="street_officer"))
    cost = {"admitted_on": local_today().isoformat(), "hospital": "医院", "total": "1e30"}
    url = f"/casework/people/{person.id}/costs"
    in_both(client, "POST", url, out_of("10,000,000"), data=cost)
    in_both(client, "POST", url, out_of("10,000,000", "0"),
            data=cost | {"total": "100", "out_of_catalogue": "1e30"})
    for day in ("9999-12-31", "1800-01-01"):
        in_both(client, "POST", url, DAY, data=cost | {"total": "100", "admitted_on": day})
    assert count(session, MedicalCost.id) == 0


def test_an_income_of_1e30_is_refused_and_changes_nothing(client, session, auth):
    person = PersonFactory(monthly_income_fen=50_000)
    auth.login(UserFactory(role="street_officer"))
    fields = {"name": person.name, "category": "dibao", "hukou": "yuzhong",
              "employment_status": "unemployed", "monthly_income": "1e30"}
    url = f"/registry/people/{person.id}/edit"
    in_both(client, "POST", url, out_of("1,000,000", "0"), data=fields)
    in_both(client, "POST", url, DAY,
            data=fields | {"monthly_income": "500", "next_review_date": "9999-12-31"})
    session.refresh(person)
    assert person.monthly_income_fen == 50_000
