"""In headless Chromium with localstripe's Stripe.js: a donor who already gives ¥30 a month to
measure 1 starts the same gift again, is warned on the form, confirms, and the card is saved
and subscribed once."""

import pytest
from sqlalchemy import select

from charity.extensions import db
from donations.giving.models import RecurringGift
from tests.donations.conftest import WEBHOOK_SECRET
from tests.donations.test_monthly import subscriptions_at_stripe
from tests.factories import PASSWORD, UserFactory
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser
DONOR = "donor-monthly-live@songtan.test"


def test_donor_confirms_a_second_identical_monthly_gift(tmp_path, localstripe):
    require_browser()
    live_app = {}

    def prepare(app):
        app.config.update(STRIPE_API_BASE=localstripe, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
        donor = UserFactory(role="donor", email=DONOR)
        db.session.add(RecurringGift(donor_id=donor.id, amount_fen=3000, designation="measure:1",
                                     status="active", stripe_customer="cus_live",
                                     setup_intent="seti_live", subscription="sub_live"))
        live_app["app"] = app

    with live_server(tmp_path, prepare) as base, browser_page() as page:
        log_in(page, base, DONOR, PASSWORD)
        page.goto(f"{base}/lang/en?next=/donations/portal")
        page.get_by_text("Start a monthly gift").click()
        form = page.locator("#monthly-form")
        form.get_by_label("Monthly amount (yuan)").fill("30")
        form.get_by_label("What the gift is for").select_option("measure:1")
        card = page.locator("#monthly-card input")
        for placeholder, value in (("number", "4242424242424242"), ("exp_month", "12"),
                                   ("exp_year", "30"), ("cvc", "123")):
            card.and_(page.get_by_placeholder(placeholder, exact=True)).fill(value)
        start = form.get_by_role("button", name="Save card and start")
        start.click()
        page.wait_for_selector("#monthly-error:not([hidden])")
        assert page.locator("#monthly-error").inner_text().startswith(
            "You already have a monthly gift of ¥30.00 for Measure 1")
        form.get_by_label("Yes, start another identical monthly gift").check()
        start.click()
        page.wait_for_selector(".flash-success:has-text('Your monthly gift is updated.')")
        with live_app["app"].app_context():
            gifts = db.session.scalars(select(RecurringGift).order_by(RecurringGift.id)).all()
            assert [(g.amount_fen, g.status) for g in gifts] == [(3000, "active")] * 2
            made = subscriptions_at_stripe(localstripe, gifts[1].stripe_customer)
            assert [s["id"] for s in made] == [gifts[1].subscription]
