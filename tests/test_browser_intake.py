"""In a browser, on a phone-sized screen: a street officer takes in a resident who is not on
the roster (hukou elsewhere, a residence permit of two years) after a serious illness, the
system finds the household eligible against the year's line, the officer makes the
application, an approver (another person) approves it and a fund manager pays it."""

from datetime import date

import pytest

from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.fund import operations as ledger
from tests.conftest import code_for
from tests.factories import PASSWORD, UserFactory
from tests.factories.base import id_number
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser
SECRETS = {}


def prepare(app):
    load_communities(load_reference())
    UserFactory(role="street_officer", email="officer@songtan.test")
    for role in ("approver", "fund_manager"):
        user = UserFactory(role=role, email=f"{role}@songtan.test")
        SECRETS[role] = user.tf_totp_secret
    ledger.record_gift(amount_fen=2_000_000, designation="measure:4", reference="seed-4")


def sign_in(page, base, role):
    page.context.clear_cookies()
    if role not in SECRETS:
        log_in(page, base, f"{role}@songtan.test", PASSWORD)
        return
    page.goto(f"{base}/login")
    page.fill("input[name=email]", f"{role}@songtan.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", code_for(SECRETS[role]))
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(lambda url: "tf-validate" not in url and "/login" not in url)


def test_intake_of_a_non_roster_resident_through_to_payment(tmp_path):
    require_browser()
    number = id_number(date(1990, 6, 1), "F")
    with live_server(tmp_path, prepare) as base, browser_page() as page:
        sign_in(page, base, "officer")
        page.goto(f"{base}/relief/intake/new")
        page.fill("input[name=name]", "张春燕")
        page.fill("input[name=id_number]", number)
        page.select_option("select[name=hukou]", "other")
        page.fill("input[name=residence_permit_start]", "2024-03-01")
        page.select_option("select[name=event_type]", "serious_illness")
        page.fill("input[name=event_date]", "2026-11-20")
        page.fill("textarea[name=description]", "突发重病住院，无力支付")
        page.fill("input[name=household_size]", "3")
        page.fill("input[name=monthly_income]", "2500")
        page.fill("input[name=financial_assets]", "8000")
        page.click("text=登记并核查")
        page.wait_for_load_state()
        assert "/relief/intake/new" not in page.url, page.inner_text("main")
        assert "符合临时救助条件" in page.content()
        assert number not in page.content() and number[:4] in page.content()
        page.select_option("select[name=grade]", "2")
        page.fill("textarea[name=reason]", "重病住院")
        page.click("button:has-text('提出申请')")
        page.wait_for_load_state()
        assert "/relief/intake" not in page.url, page.inner_text("main")
        case_url = page.url
        assert "2,000" in page.content()

        sign_in(page, base, "approver")
        page.goto(case_url)
        page.click("form button:has-text('同意')")
        page.wait_for_load_state()
        sign_in(page, base, "fund_manager")
        page.goto(case_url)
        page.click("text=登记发放")
        page.wait_for_load_state()
        assert "已发放" in page.content()
        page.screenshot(path=str(tmp_path / "intake-paid.png"))
