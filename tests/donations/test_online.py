"""The online gift, end to end against a real localstripe: PaymentIntent, confirmation,
localstripe's own signed webhook, the donation and the ledger credited exactly once."""

import html
import json
import re
import time

import pytest
from sqlalchemy import func, select

from charity.fund.models import JournalEntry
from charity.fund.queries import balance
from donations.giving.models import Donation
from donations.stripe.models import StripeEvent
from tests.donations.conftest import card_token, event, free_port, signed

HOOK = "/donations/stripe/webhook"


def give(client, localstripe, amount="100", designation="measure:4", confirm=True, **extra):
    """A gift opened on the giving page; paid with localstripe's test card unless `confirm`
    is false (then its PaymentIntent still waits for a payment method, as before Stripe.js)."""
    data = {"amount": amount, "designation": designation, **extra}
    if confirm:
        data["card"] = card_token(localstripe)
    response = client.post("/donations/give", data=data)
    assert response.status_code == 200, response.get_json()
    token = response.get_json()["status_url"].rsplit("/", 1)[1]
    from charity.extensions import db

    return db.session.scalar(select(Donation).where(Donation.token == token))


def test_gift_is_credited_once_from_localstripes_signed_webhook(client, session, localstripe,
                                                                 capture):
    donation = give(client, localstripe)
    assert donation.status == "pending" and donation.payment_intent.startswith("pi_")
    assert balance("restricted:measure:4") == 0  # nothing before the webhook
    body, header = capture.wait_for("payment_intent.succeeded", donation.payment_intent)

    response = client.post(HOOK, data=body, headers={"Stripe-Signature": header,
                                                     "Content-Type": "application/json"})
    assert response.get_json() == {"outcome": "credited"}
    session.refresh(donation)
    assert donation.status == "succeeded" and donation.receipt_number
    assert balance("restricted:measure:4") == 10000
    assert balance("cash") == 10000

    again = client.post(HOOK, data=body, headers={"Stripe-Signature": header})
    assert again.status_code == 200 and again.get_json() == {"outcome": "duplicate"}
    assert balance("restricted:measure:4") == 10000
    assert session.scalar(select(func.count(JournalEntry.id))) == 1
    page = client.get(f"/donations/gifts/{donation.token}?lang=en")
    assert "Received" in page.get_data(as_text=True)


def test_bad_or_missing_signature_is_400_and_writes_nothing(client, session, localstripe,
                                                           capture):
    donation = give(client, localstripe)
    body, header = capture.wait_for("payment_intent.succeeded", donation.payment_intent)
    forged = signed(json.loads(body), secret="whsec_someone_else")[1]
    assert client.post(HOOK, data=body, headers=forged).status_code == 400
    assert client.post(HOOK, data=body).status_code == 400
    tampered = body.replace(b'"amount": 10000', b'"amount": 1')
    assert client.post(HOOK, data=tampered, headers={"Stripe-Signature": header}).status_code \
        == 400
    assert session.scalar(select(func.count(StripeEvent.id))) == 0
    session.refresh(donation)
    assert donation.status == "pending" and balance("cash") == 0


def test_signature_older_than_tolerance_is_refused(client, session, localstripe, stripe_config):
    donation = give(client, localstripe)
    intent = {"id": donation.payment_intent, "object": "payment_intent", "amount": 10000,
              "amount_received": 10000, "currency": "cny"}
    stale = int(time.time()) - stripe_config["STRIPE_WEBHOOK_TOLERANCE"] - 5
    body, headers = signed(event("payment_intent.succeeded", intent), timestamp=stale)
    assert client.post(HOOK, data=body, headers=headers).status_code == 400
    fresh_body, fresh = signed(event("payment_intent.succeeded", intent))
    assert client.post(HOOK, data=fresh_body, headers=fresh).get_json()["outcome"] == "credited"


def test_amount_mismatch_is_flagged_not_credited(client, session, localstripe):
    donation = give(client, localstripe, amount="50")
    intent = {"id": donation.payment_intent, "object": "payment_intent", "amount": 500000,
              "amount_received": 500000, "currency": "cny"}
    body, headers = signed(event("payment_intent.succeeded", intent))
    assert client.post(HOOK, data=body, headers=headers).get_json() == {"outcome": "flagged"}
    session.refresh(donation)
    assert donation.status == "flagged" and donation.review_flag.startswith("amount_mismatch")
    assert balance("cash") == 0
    wrong_currency = dict(intent, amount=5000, amount_received=5000, currency="usd")
    other = give(client, localstripe, amount="50")
    wrong_currency["id"] = other.payment_intent
    body, headers = signed(event("payment_intent.succeeded", wrong_currency))
    assert client.post(HOOK, data=body, headers=headers).get_json() == {"outcome": "flagged"}
    assert balance("cash") == 0


def test_failed_payment_marks_the_gift_failed(client, session, localstripe):
    donation = give(client, localstripe, confirm=False)
    intent = {"id": donation.payment_intent, "object": "payment_intent", "amount": 10000,
              "currency": "cny"}
    body, headers = signed(event("payment_intent.payment_failed", intent))
    assert client.post(HOOK, data=body, headers=headers).get_json() == {"outcome": "failed"}
    session.refresh(donation)
    assert donation.status == "failed" and balance("cash") == 0


def test_bad_gift_input_is_400_and_writes_nothing(client, session, localstripe):
    client.get("/lang/en")
    for data in ({"amount": "-5"}, {"amount": "abc"}, {"amount": "0.001"},
                 {"amount": "100", "designation": "measure:99"},
                 {"amount": "100", "designation": "street:不存在"}):
        response = client.post("/donations/give", data=data)
        assert response.status_code == 400, data
        assert response.get_json()["error"]
    assert session.scalar(select(func.count(Donation.id))) == 0


DECLINED = ("declined. Please use another card", "被拒付，请换一张卡")
REFUSED = [  # Stripe's test card: what the donor reads in English and in Chinese
    ("4000000000000341", *DECLINED),
    ("4000000000000002", *DECLINED),
    ("4000000000009987", *DECLINED),  # lost and stolen cards read as a plain decline
    ("4000000000009979", *DECLINED),
    ("4000000000009995", "declined for insufficient funds", "余额不足"),
    ("4000000000000069", "has expired", "已过期"),
    ("4000000000000127", "security code (CVC) is incorrect", "安全码（CVC）不正确"),
    ("4000000000000119", "Please try again", "请重试"),
]


@pytest.mark.parametrize(("number", "english", "chinese"), REFUSED)
def test_declined_card_is_refused_with_a_message_and_nothing_written(client, session,
                                                                     localstripe, number,
                                                                     english, chinese):
    for language, expected in (("en", english), ("zh_Hans_CN", chinese)):
        client.get(f"/lang/{language}")
        data = {"amount": "100", "card": card_token(localstripe, number)}
        response = client.post("/donations/give", data=data)
        assert response.status_code == 400
        assert expected in response.get_json()["error"]
        if language != "en":
            assert "card" not in response.get_json()["error"]  # never Stripe's English
    assert session.scalar(select(func.count(Donation.id))) == 0


def test_an_unreachable_payment_service_is_refused_in_the_users_language(client, session,
                                                                         stripe_config,
                                                                         monkeypatch):
    monkeypatch.setitem(stripe_config, "STRIPE_API_BASE", f"http://127.0.0.1:{free_port()}")
    for language, expected in (("en", "could not take the gift"), ("zh_Hans_CN", "暂时无法受理")):
        client.get(f"/lang/{language}")
        response = client.post("/donations/give", data={"amount": "100"})
        assert response.status_code == 400
        assert expected in response.get_json()["error"]
    assert session.scalar(select(func.count(Donation.id))) == 0


def test_the_giving_page_carries_the_refusals_in_its_language(client):
    page = client.get("/donations/").get_data(as_text=True)
    messages = json.loads(html.unescape(re.search(r"data-messages='([^']*)'", page).group(1)))
    assert "余额不足" in messages["refusals"]["insufficient_funds"]
    assert messages["refusals"]["lost_card"] == messages["refusals"]["generic_decline"]
