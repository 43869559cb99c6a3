"""Bad input to the webhook. Whatever a signed event holds, it is answered 400 or recorded as
refused (a well-formed object Stripe did not expect is held for review), never a 500, and it
moves no money. Every refused delivery leaves a security record without its body."""

import json
import time

import pytest
from sqlalchemy import func, select

from charity.audit.models import AuditEntry
from charity.fund.models import JournalEntry
from charity.fund.queries import balances
from donations.giving.models import Donation
from tests.donations.conftest import event, signed
from tests.donations.test_money_paths import charge_of, intent_of, post
from tests.donations.test_online import HOOK
from tests.factories.donations import DonationFactory, RecurringGiftFactory

#: In every body sent here: the security record must not hold it.
MARKER = "body-marker-5f1c"
HUGE = 10**20
CHARGE = {"id": "ch_input", "payment_method_details": {"card": {"fingerprint": "fp"}}}

#: (event type, what the object says instead of what Stripe would).
BAD = {
    "amount missing": ("payment_intent.succeeded", {"amount": None, "amount_received": None}),
    "amount as a string": ("payment_intent.succeeded", {"amount_received": "10000"}),
    "amount as a float": ("payment_intent.succeeded", {"amount_received": 10000.0}),
    "amount negative": ("payment_intent.succeeded", {"amount_received": -10000}),
    "amount a boolean": ("payment_intent.succeeded", {"amount_received": True}),
    "amount beyond any payment": ("payment_intent.succeeded", {"amount_received": HUGE}),
    "currency missing": ("payment_intent.succeeded", {"currency": None}),
    "currency unknown": ("payment_intent.succeeded", {"currency": "xyz"}),
    "currency not a code": ("payment_intent.succeeded", {"currency": "renminbi"}),
    "currency a number": ("payment_intent.succeeded", {"currency": 156}),
    "charge id a number": ("payment_intent.succeeded", {"latest_charge": {"id": 5}}),
    "payment details a string": ("payment_intent.succeeded", {
        "latest_charge": CHARGE | {"payment_method_details": "card"}}),
    "card a list": ("payment_intent.succeeded", {
        "latest_charge": CHARGE | {"payment_method_details": {"card": ["fp"]}}}),
    "fingerprint too long": ("payment_intent.succeeded", {"latest_charge": CHARGE | {
        "payment_method_details": {"card": {"fingerprint": "f" * 300}}}}),
    "fee as text": ("payment_intent.succeeded", {
        "latest_charge": CHARGE | {"balance_transaction": {"fee": "abc", "currency": "cny"}}}),
    "fee as a float": ("payment_intent.succeeded", {
        "latest_charge": CHARGE | {"balance_transaction": {"fee": 30.5, "currency": "cny"}}}),
    "metadata a list": ("payment_intent.succeeded", {"id": "pi_nobody", "metadata": ["x"]}),
    "metadata a string": ("payment_intent.payment_failed", {"id": "pi_no", "metadata": "x"}),
    "refund total as a string": ("charge.refunded", {"amount_refunded": "3000"}),
    "refund total as a float": ("charge.refunded", {"amount_refunded": 3000.0}),
    "refund beyond the gift": ("charge.refunded", {"amount_refunded": HUGE}),
    "charge's PaymentIntent a number": ("charge.refunded", {"payment_intent": 7}),
    "charge id too long": ("charge.refunded", {"id": "ch_" + "x" * 200}),
    "dispute amount a float": ("charge.dispute.created", {"amount": 10000.5}),
    "dispute amount missing": ("charge.dispute.created", {"amount": None}),
    "dispute fees not a list": ("charge.dispute.created", {"balance_transactions": 5}),
    "dispute fee a string": ("charge.dispute.created", {"balance_transactions": [{"fee": "1"}]}),
    "dispute id too long": ("charge.dispute.created", {"id": "dp_" + "x" * 200}),
    "invoice amount beyond any payment": ("invoice.paid", {"amount_paid": HUGE}),
    "invoice amount a string": ("invoice.paid", {"amount_paid": "3000"}),
    "invoice id too long": ("invoice.paid", {"id": "in_" + "x" * 200}),
    "invoice subscription a number": ("invoice.paid", {"subscription": 42}),
}


@pytest.fixture
def gifts(client, session):
    """A pending gift, a credited one, a monthly one: what bad events could move."""
    pending, paid = DonationFactory(), DonationFactory()
    assert post(client, "payment_intent.succeeded", intent_of(paid, "ch_input")) == "credited"
    session.refresh(paid)
    return {"pending": pending, "paid": paid, "monthly": RecurringGiftFactory()}


def good(kind: str, gifts: dict) -> dict:
    """The object Stripe would send with an event of `kind` about one of the gifts."""
    paid = gifts["paid"]
    if kind.startswith("payment_intent."):
        return intent_of(gifts["pending"], CHARGE) | {"marker": MARKER}
    if kind == "charge.refunded":
        return charge_of(paid, paid.charge, 3000) | {"marker": MARKER}
    if kind.startswith("charge.dispute."):
        return {"id": "dp_input", "object": "dispute", "charge": paid.charge, "amount": 10000,
                "payment_intent": paid.payment_intent, "status": "needs_response",
                "balance_transactions": [], "marker": MARKER}
    return {"id": "in_input", "object": "invoice", "status": "paid", "currency": "cny",
            "subscription": gifts["monthly"].subscription, "amount_paid": 3000,
            "marker": MARKER}


def refusals(session) -> list[dict]:
    return [entry.detail for entry in session.scalars(select(AuditEntry).where(
        AuditEntry.action == "security.webhook_refused").order_by(AuditEntry.id))]


@pytest.mark.parametrize("kind, change", BAD.values(), ids=BAD.keys())
def test_a_malformed_object_is_refused_and_moves_no_money(client, session, gifts, kind,
                                                          change):
    obj = {k: v for k, v in (good(kind, gifts) | change).items() if v is not None}
    before = (balances(), session.scalar(select(func.count(JournalEntry.id))))
    response = client.post(HOOK, data=(sent := signed(event(kind, obj)))[0], headers=sent[1])
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    outcome = response.get_json().get("outcome", "")
    assert response.status_code == 400 or outcome.startswith(("refused", "flagged", "waiting"))
    session.expire_all()
    assert (balances(), session.scalar(select(func.count(JournalEntry.id)))) == before
    assert session.get(Donation, gifts["pending"].id).status in ("pending", "flagged")


#: Events whose envelope is wrong, signed: refused before anything is looked up.
ENVELOPES = {
    "object a string": {"data": {"object": "pi_x"}},
    "object a list": {"data": {"object": [{"id": "pi_x"}]}},
    "object without an id": {"data": {"object": {"object": "payment_intent"}}},
    "no data": {"data": None},
    "no id": {"id": None},
    "id a number": {"id": 12},
    "no type": {"type": None},
    "type a number": {"type": 3},
    "unknown type": {"type": "songtan.gift_please"},
}


@pytest.mark.parametrize("change", ENVELOPES.values(), ids=ENVELOPES.keys())
def test_a_malformed_event_is_400_and_recorded_without_its_body(client, session, gifts,
                                                                change):
    whole = event("payment_intent.succeeded", good("payment_intent.succeeded", gifts)) | change
    body, headers = signed({k: v for k, v in whole.items() if v is not None})
    assert client.post(HOOK, data=body, headers=headers).status_code == 400
    assert_recorded_once_without_body(session)


def assert_recorded_once_without_body(session) -> None:
    found = refusals(session)
    assert len(found) == 1 and found[0]["reason"]
    assert MARKER not in json.dumps(found[0]) and "10000" not in json.dumps(found[0])


SIX_MINUTES = 360
DELIVERIES = {
    "no signature": lambda body: {},
    "someone else's secret": lambda body: signed(json.loads(body), secret="whsec_other")[1],
    "signed six minutes ago": lambda body: signed(
        json.loads(body), timestamp=int(time.time()) - SIX_MINUTES)[1],
    "signed six minutes from now": lambda body: signed(
        json.loads(body), timestamp=int(time.time()) + SIX_MINUTES)[1],
    "signed a year from now": lambda body: signed(
        json.loads(body), timestamp=int(time.time()) + 365 * 86400)[1],
    "a signature header of junk": lambda body: {"Stripe-Signature": "t=abc,v1=zz"},
}


@pytest.mark.parametrize("headers_for", DELIVERIES.values(), ids=DELIVERIES.keys())
def test_a_delivery_without_a_good_signature_is_400_and_recorded(client, session, gifts,
                                                                 headers_for):
    body, _ = signed(event("payment_intent.succeeded", good("payment_intent.succeeded", gifts)))
    before = balances()
    assert client.post(HOOK, data=body, headers=headers_for(body)).status_code == 400
    assert_recorded_once_without_body(session)
    assert balances() == before


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"],
                         ids=["not JSON", "a JSON list", "not UTF-8"])
def test_a_signed_body_that_is_no_event_is_400_and_recorded(client, session, body):
    import stripe

    from tests.donations.conftest import WEBHOOK_SECRET

    header = stripe.WebhookSignature.generate_signature_header(
        body.decode("latin-1"), WEBHOOK_SECRET)
    assert client.post(HOOK, data=body, headers={"Stripe-Signature": header}).status_code == 400
    assert len(refusals(session)) == 1
