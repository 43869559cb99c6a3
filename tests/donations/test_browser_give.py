"""A donor gives through the donation page in headless Chromium, with localstripe's Stripe.js
(and our runner's `confirmCardPayment`): the page confirms the PaymentIntent with the typed card,
localstripe signs and sends the webhook to the live app, and the page shows the state the
server knows."""

from contextlib import contextmanager

import pytest
import stripe
from sqlalchemy import select

from charity.district.operations import load_reference
from charity.extensions import db
from donations.stripe import devstripe
from tests.donations.conftest import WEBHOOK_SECRET
from tests.live import browser_page, live_server, require_browser

pytestmark = pytest.mark.browser


@contextmanager
def giving(tmp_path, localstripe):
    """(base URL, page, live app): the app served with its webhook wired to localstripe."""
    require_browser()
    live_app = {}

    def prepare(app):
        app.config.update(STRIPE_API_BASE=localstripe, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
        load_reference()
        live_app["app"] = app

    with live_server(tmp_path, prepare) as base, browser_page() as page:
        devstripe.wire(base, WEBHOOK_SECRET, base=localstripe)
        yield base, page, live_app["app"]


def type_card(page, number: str) -> None:
    """Type a card into localstripe's card element, as a donor does."""
    card = page.locator("#card-element input")
    for placeholder, value in (("number", number), ("exp_month", "12"), ("exp_year", "30"),
                               ("cvc", "123"), ("postal_code", "40001")):
        card.and_(page.get_by_placeholder(placeholder, exact=True)).fill(value)


def only_gift(app):
    from donations.giving.models import Donation

    with app.app_context():
        gifts = db.session.scalars(select(Donation)).all()
        assert len(gifts) == 1
        return gifts[0]


def test_donor_gives_with_a_card_and_sees_the_gift_received(tmp_path, localstripe):
    with giving(tmp_path, localstripe) as (base, page, app):
        page.goto(f"{base}/lang/en?next=/donations/")
        page.get_by_role("button", name="¥200").click()
        assert page.get_by_label("Amount (yuan)").input_value() == "200"
        page.get_by_label("What the gift is for").select_option("measure:5")
        assert not page.get_by_label(
            "Show my name publicly with my gift (otherwise it is anonymous)").is_checked()
        type_card(page, "4000002500003155")  # 3-D Secure
        page.get_by_role("button", name="Give", exact=True).click()
        page.get_by_role("button", name="Complete authentication").click()  # localstripe 3DS
        page.wait_for_url("**/donations/gifts/**")
        page.wait_for_selector("#gift-status[data-status=succeeded]", timeout=20_000)
        assert "Thank you" in page.content()
        page.screenshot(path=str(tmp_path / "gift.png"))
        from charity.fund.queries import balance

        gift = only_gift(app)
        assert (gift.status, gift.amount_fen, gift.show_name) == ("succeeded", 20000, False)
        with app.app_context():
            assert balance("restricted:measure:5") == 20000


def test_a_declined_card_is_told_in_chinese_and_another_card_pays_the_same_gift(tmp_path,
                                                                                localstripe):
    with giving(tmp_path, localstripe) as (base, page, app):
        page.goto(f"{base}/donations/")
        page.get_by_role("button", name="¥100").click()
        type_card(page, "4000000000000002")
        page.get_by_role("button", name="捐赠", exact=True).click()
        refusal = page.locator("#give-error")
        refusal.wait_for(state="visible")
        assert refusal.inner_text() == "您的银行卡被拒付，请换一张卡。"
        page.screenshot(path=str(tmp_path / "declined.png"))
        declined = only_gift(app)

        type_card(page, "4242424242424242")
        page.get_by_role("button", name="捐赠", exact=True).click()
        page.wait_for_url(f"**/donations/gifts/{declined.token}")
        page.screenshot(path=str(tmp_path / "retried.png"))
        assert only_gift(app).payment_intent == declined.payment_intent  # the same gift
        paid = stripe.StripeClient("sk_test_songtan", base_addresses={"api": localstripe}) \
            .v1.payment_intents.retrieve(declined.payment_intent)
        assert (paid.status, paid.amount) == ("succeeded", 10000)
        # The decline's notice came first, then the success's: credited exactly once.
        page.wait_for_selector("#gift-status[data-status=succeeded]", timeout=20_000)
        from charity.fund.models import JournalEntry
        from charity.fund.queries import balance

        assert only_gift(app).status == "succeeded"
        with app.app_context():
            assert balance("cash") == 10000
            assert db.session.scalar(select(db.func.count(JournalEntry.id))) == 1
