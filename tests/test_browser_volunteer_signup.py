"""On a phone: a volunteer signs up from the home page, opens the confirmation link of the
e-mail found in the outbox, the street officer approves, starts a pairing run and publishes it,
and the volunteer signs in and sees the household matched with them (an elderly person of
their street who needs their skill, with no other volunteer)."""

import email
from datetime import date
from email import policy
from pathlib import Path

import pytest

from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.timeutil import local_today
from tests.factories import PASSWORD, PersonFactory, user
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser
VOLUNTEER_PASSWORD = "lantern-orchard-pebble-42"


def prepare(app):
    load_communities(load_reference())
    born = date(local_today().year - 80, 3, 1)
    PersonFactory(name="刘奶奶", household__street_name="七星岗", birth_date=born,
                  lives_alone=True)
    user("street_officer", "七星岗", email="officer@songtan.test")


def mail_body(outbox: Path) -> str:
    """The text of the one message the file backend wrote, read as a mail program would."""
    (written,) = sorted(outbox.glob("*.log"))
    message = email.message_from_bytes(written.read_bytes().split(b"\n" + b"-" * 79)[0],
                                       policy=policy.default)
    return message.get_body(preferencelist=("plain",)).get_content()


def confirmation_link(outbox: Path) -> str:
    """The link of the one message the file backend wrote."""
    return next(word for word in mail_body(outbox).split() if "/join/confirm/" in word)


def sign_up(page, base):
    page.goto(base)
    page.click("a[href='/join/']")
    page.fill("input[name=name]", "赵志愿")
    page.fill("input[name=phone]", "139 8888 0001")
    page.fill("input[name=email]", "zhao@example.org")
    page.select_option("select[name=home_street]", label="七星岗")
    hidden = page.locator("select[name=home_community] optgroup[label='解放碑']")
    assert hidden.evaluate("group => group.hidden")  # the picker offers 七星岗's only
    page.select_option("select[name=home_community]", label="领事巷社区")
    page.check("input[name=skills][value=elderly_care]")
    page.check("input[name=languages][value=mandarin]")
    page.fill("input[name=capacity]", "1")
    page.check("input[name=availability][value=sat-morning]")
    page.fill("input[name=password]", VOLUNTEER_PASSWORD)
    page.fill("input[name=password_again]", VOLUNTEER_PASSWORD)
    page.click("form.signup button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/join/sent"))


def log_out(page):
    page.click("details.site-menu summary")
    page.click("form[action='/logout'] button")
    page.wait_for_load_state()


def test_sign_up_confirm_approve_pair_and_see_the_household_on_a_phone(tmp_path):
    require_browser()
    outbox = tmp_path / "outbox"
    config = {"MAIL_BACKEND": "file", "MAIL_FILE_PATH": str(outbox)}
    with live_server(tmp_path, prepare, config) as base, browser_page() as page:
        sign_up(page, base)
        page.goto(confirmation_link(outbox))
        page.click("button.confirm")
        page.wait_for_load_state()
        assert page.locator("p.confirmed").count() == 1

        log_in(page, base, "officer@songtan.test", PASSWORD)
        page.goto(f"{base}/helpers/applications")
        application = page.locator("article.application", has_text="赵志愿")
        assert "139******01" in application.inner_text()
        application.locator("button.approve").click()
        page.wait_for_load_state()
        assert page.locator(".flash-success").count() == 1
        page.goto(f"{base}/pairing/")
        page.click("form[action$='/pairing/runs'] button[type=submit]")
        page.wait_for_url(lambda url: "/jobs/" in url)  # the job ran in the request
        page.click(".job-result a")
        page.wait_for_url(lambda url: "/pairing/runs/" in url)
        page.click("form[action$='/publish'] button[type=submit]")
        page.wait_for_load_state()
        log_out(page)

        log_in(page, base, "zhao@example.org", VOLUNTEER_PASSWORD)
        page.goto(f"{base}/my/pairings")
        household = page.locator("article.pairing", has_text="刘奶奶")
        assert household.count() == 1
        assert "养老" in household.inner_text() or "Elderly" in household.inner_text()
        page.screenshot(path=str(tmp_path / "matched.png"))
        page.goto(f"{base}/my/profile")
        assert page.locator("form button.pause").count() == 1
        page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
