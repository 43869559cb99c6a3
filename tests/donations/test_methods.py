"""The giving page offers exactly the configured payment methods with real Stripe keys, and
cards only on localstripe; a method not offered is refused before anything is written."""

import re

import pytest
from sqlalchemy import func, select

from donations.giving.models import Donation


def offered(client) -> list[str]:
    page = client.get("/donations/?lang=en").get_data(as_text=True)
    return re.findall(r'name="method" value="([a-z_]+)"', page)


@pytest.fixture
def real_stripe(stripe_config, monkeypatch):
    monkeypatch.setitem(stripe_config, "STRIPE_API_BASE", "")
    monkeypatch.setitem(stripe_config, "STRIPE_SECRET_KEY", "sk_test_51RealLookingKey")
    monkeypatch.setitem(stripe_config, "STRIPE_PUBLISHABLE_KEY", "pk_test_51RealLookingKey")
    return stripe_config


@pytest.mark.parametrize("configured, expected", [
    ("card,wechat_pay,alipay", ["card", "wechat_pay", "alipay"]),
    ("card,alipay", ["card", "alipay"]),
    ("wechat_pay", ["wechat_pay"]),
    ("card,sofort", ["card"]),
])
def test_real_keys_offer_exactly_the_configured_methods(client, session, real_stripe,
                                                        monkeypatch, configured, expected):
    monkeypatch.setitem(real_stripe, "STRIPE_PAYMENT_METHOD_TYPES", configured)
    assert offered(client) == expected
    page = client.get("/donations/?lang=en").get_data(as_text=True)
    assert "https://js.stripe.com/v3/" in page
    assert ("WeChat Pay" in page) == ("wechat_pay" in expected)
    assert ("Alipay" in page) == ("alipay" in expected)


def test_localstripe_offers_cards_only_and_refuses_other_methods(client, session,
                                                                  stripe_config, monkeypatch):
    monkeypatch.setitem(stripe_config, "STRIPE_PAYMENT_METHOD_TYPES", "card,wechat_pay,alipay")
    assert offered(client) == ["card"]
    page = client.get("/donations/?lang=en").get_data(as_text=True)
    assert "WeChat Pay" not in page and "Alipay" not in page
    client.get("/lang/en")
    for method in ("wechat_pay", "alipay", "bitcoin"):
        response = client.post("/donations/give", data={"amount": "100", "method": method})
        assert response.status_code == 400
        assert "payment method" in response.get_json()["error"]
    assert session.scalar(select(func.count(Donation.id))) == 0


def test_the_page_confirms_each_method_with_its_stripe_js_call(app):
    with open(f"{app.static_folder}/donations/give.js", encoding="utf-8") as source:
        script = source.read()
    for call in ("confirmWechatPayPayment", "confirmAlipayPayment", "confirmCardPayment"):
        assert f"stripe.{call}(" in script
