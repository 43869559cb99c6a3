"""On a phone, in headless Chromium with localstripe's Stripe.js: a guest picks ¥200 for
measure 5 on the giving page, follows "give this amount every month", signs up, opens the
confirmation link of the e-mail found in the outbox, confirms, lands on the portal's monthly
form pre-filled, types the test card, and the monthly gift is active."""

import pytest
from sqlalchemy import select

from charity.district.operations import load_reference
from charity.extensions import db
from donations.giving.models import RecurringGift
from tests.donations.conftest import WEBHOOK_SECRET
from tests.live import browser_page, live_server, require_browser
from tests.test_browser_volunteer_signup import VOLUNTEER_PASSWORD, mail_body

pytestmark = pytest.mark.browser


def test_a_guest_goes_from_the_giving_page_to_an_active_monthly_gift(tmp_path, localstripe):
    require_browser()
    live_app = {}
    outbox = tmp_path / "outbox"

    def prepare(app):
        app.config.update(STRIPE_API_BASE=localstripe, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
        load_reference()
        live_app["app"] = app

    config = {"MAIL_BACKEND": "file", "MAIL_FILE_PATH": str(outbox)}
    with live_server(tmp_path, prepare, config) as base, browser_page() as page:
        page.goto(f"{base}/lang/en?next=/donations/")
        page.get_by_role("button", name="¥200").click()
        page.get_by_label("What the gift is for").select_option("measure:5")
        page.click("#monthly-link")
        page.wait_for_url(lambda url: "/donations/monthly?" in url)
        assert page.get_by_label("Monthly amount (yuan)").input_value() == "200"
        assert page.get_by_label("What the gift is for").input_value() == "measure:5"
        page.fill("input[name=name]", "Wang Donor")
        page.fill("input[name=email]", "wang-live@example.org")
        page.click("form.signup button[type=submit]")
        page.wait_for_url(lambda url: url.endswith("/donations/monthly/sent"))

        link = next(word for word in mail_body(outbox).split()
                    if "/donations/monthly/confirm/" in word)
        page.goto(link)
        page.fill("input[name=password]", VOLUNTEER_PASSWORD)
        page.fill("input[name=password_again]", VOLUNTEER_PASSWORD)
        page.click("button.confirm")
        page.wait_for_url(lambda url: "/donations/portal?" in url)
        assert "nothing is charged before" in page.locator(".flash-success").inner_text()
        form = page.locator("#monthly-form")
        assert form.get_by_label("Monthly amount (yuan)").input_value() == "200"
        assert form.get_by_label("What the gift is for").input_value() == "measure:5"
        card = page.locator("#monthly-card input")
        for placeholder, value in (("number", "4242424242424242"), ("exp_month", "12"),
                                   ("exp_year", "30"), ("cvc", "123")):
            card.and_(page.get_by_placeholder(placeholder, exact=True)).fill(value)
        form.get_by_role("button", name="Save card and start").click()
        page.wait_for_selector(".flash-success:has-text('Your monthly gift is updated.')")
        with live_app["app"].app_context():
            (gift,) = db.session.scalars(select(RecurringGift)).all()
            assert (gift.amount_fen, gift.designation, gift.status) == (
                20000, "measure:5", "active")
            assert gift.donor.email == "wang-live@example.org"
