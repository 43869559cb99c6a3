"""In a browser: each role signs in and lands on its own work, counted from the records.
The approver sees the applications another user made (and the count in the menu), the street
officer their overdue reviews, the cadre their households, the fund manager the approved
applications to pay, the donor their gifts. One server, one browser, every role in turn."""

from datetime import timedelta

import pytest

from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.timeutil import local_today
from tests.conftest import code_for
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CadreFactory,
    PairingFactory,
    PersonFactory,
    UserFactory,
)
from tests.factories.donations import DonationFactory
from tests.live import browser_page, live_server, require_browser

pytestmark = pytest.mark.browser
SECRETS = {}
#: What each role's list shows (its Chinese labels) for the records `prepare` makes.
ROLES = {
    "approver": {"待您审批的申请": 2, "待审批的预算拨款": 0},
    "street_officer": {"逾期未复核": 3, "待匹配帮扶人的对象": 0, "逾期未答复的投诉申诉": 0},
    "cadre": {"您帮扶的家庭": 2, "待走访": 0},
    "fund_manager": {"已批准待支付的申请": 1},
    "donor": {"您的捐赠": 4, "可下载的收据": 4},
}


def prepare(app):
    """Known work for each role in a fresh database: the counts the pages must show."""
    load_communities(load_reference())
    users = {role: UserFactory(role=role, email=f"{role}@songtan.test")
             for role in ("approver", "street_officer", "cadre", "fund_manager", "donor")}
    SECRETS.update({role: u.tf_totp_secret for role, u in users.items() if u.tf_totp_secret})
    officer = users["street_officer"]
    ApplicationFactory.create_batch(2, created_by=officer)
    ApplicationFactory(created_by=users["approver"])  # the approver's own: never theirs to decide
    ApplicationFactory(created_by=officer, approved=True)
    PersonFactory.create_batch(3, next_review_date=local_today() - timedelta(days=5))
    cadre = CadreFactory(user=users["cadre"])
    PairingFactory.create_batch(2, cadre=cadre)
    DonationFactory.create_batch(4, donor_id=users["donor"].id, status="succeeded")


def sign_in(page, base, role):
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", f"{role}@songtan.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    if role in SECRETS:
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", code_for(SECRETS[role]))
        page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(lambda url: "tf-validate" not in url and "/login" not in url)


def count_of(page, label: str) -> int:
    """The count beside a line of the to-do list."""
    item = page.locator("#todo li", has=page.locator(f"a:text-is('{label}')"))
    return int(item.locator(".todo-count").inner_text())


def test_each_role_lands_on_its_own_work(tmp_path):
    require_browser()
    with live_server(tmp_path, prepare) as base, browser_page(width=1280, height=900) as page:
        page.set_default_timeout(10_000)
        for role, lines in ROLES.items():
            sign_in(page, base, role)
            assert page.url.rstrip("/") == base, (role, page.url)
            for label, expected in lines.items():
                assert count_of(page, label) == expected, (role, label)
        # the approver's line leads to the list of what waits for them, apart from history
        sign_in(page, base, "approver")
        page.click("#todo a:text-is('待您审批的申请')")
        assert page.locator("#waiting-applications").get_attribute("data-count") == "2"
        assert page.locator("a.waiting-for-me mark.count").text_content() == "2"
