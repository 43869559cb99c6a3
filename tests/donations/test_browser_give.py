"""A donor gives through the donation page in headless Chromium, with localstripe's Stripe.js:
the 3-D Secure test card takes the `confirmCardPayment` path, localstripe signs and sends the
webhook to the live app, and the page shows the state the server knows."""

from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
from sqlalchemy import select

from charity.district.operations import load_reference
from charity.extensions import db
from tests.donations.conftest import WEBHOOK_SECRET
from tests.live import browser_page, live_server, require_browser

pytestmark = pytest.mark.browser


def test_donor_gives_with_a_card_and_sees_the_gift_received(tmp_path, localstripe):
    require_browser()
    live_app = {}

    def prepare(app):
        app.config.update(STRIPE_API_BASE=localstripe, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
        load_reference()
        live_app["app"] = app

    with live_server(tmp_path, prepare) as base, browser_page() as page:
        wiring = urlencode({"url": f"{base}/donations/stripe/webhook",
                            "secret": WEBHOOK_SECRET}).encode()
        urlopen(f"{localstripe}/_config/webhooks/browser", data=wiring, timeout=5).close()
        page.goto(f"{base}/lang/en?next=/donations/")
        page.get_by_role("button", name="¥200").click()
        assert page.get_by_label("Amount (yuan)").input_value() == "200"
        page.get_by_label("What the gift is for").select_option("measure:5")
        page.get_by_label("Give anonymously (your name is never shown publicly)").check()
        card = page.locator("#card-element input")
        for placeholder, value in (("number", "4000002500003155"), ("exp_month", "12"),
                                   ("exp_year", "30"), ("cvc", "123"), ("postal_code", "40001")):
            card.and_(page.get_by_placeholder(placeholder, exact=True)).fill(value)
        page.get_by_role("button", name="Give", exact=True).click()
        page.get_by_role("button", name="Complete authentication").click()  # localstripe 3DS
        page.wait_for_url("**/donations/gifts/**")
        page.wait_for_selector("#gift-status[data-status=succeeded]", timeout=20_000)
        assert "Thank you" in page.content()
        page.screenshot(path=str(tmp_path / "gift.png"))
        from charity.fund.queries import balance
        from donations.giving.models import Donation

        with live_app["app"].app_context():
            gift = db.session.scalar(select(Donation))
            assert (gift.status, gift.amount_fen, gift.anonymous) == ("succeeded", 20000, True)
            assert balance("restricted:measure:5") == 20000
