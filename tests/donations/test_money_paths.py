"""The four ways the webhook used to lose or misbook money (issue 10, "Why" 2, 3 and 5; 4 is in
test_money_early_webhook.py), each as the donor or an attacker would meet it, through signed
deliveries and localstripe."""

import pytest
import stripe
from sqlalchemy import func, select

from charity.fund.models import JournalEntry
from charity.fund.queries import balance
from donations.stripe import gateway
from donations.stripe.models import StripeEvent
from tests.donations.conftest import card_token, event, signed
from tests.donations.test_online import HOOK, give


def deliver(client, body: bytes, headers: dict) -> str:
    response = client.post(HOOK, data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["outcome"]


def post(client, type_: str, obj: dict, event_id: str | None = None) -> str:
    return deliver(client, *signed(event(type_, obj, event_id)))


def entries(session, kind: str, reference: str) -> int:
    """How many journal entries of `kind` concern the gift with ledger `reference`."""
    about = (JournalEntry.reference == reference) | (JournalEntry.subject == reference)
    return session.scalar(select(func.count(JournalEntry.id))
                          .where(JournalEntry.kind == kind, about))


def intent_of(donation, charge: str | None = None) -> dict:
    return {"id": donation.payment_intent, "object": "payment_intent", "status": "succeeded",
            "amount": donation.amount_fen, "amount_received": donation.amount_fen,
            "currency": "cny", "latest_charge": charge}


def charge_of(donation, charge: str, refunded: int) -> dict:
    """The Charge as Stripe sends it in charge.refunded: paid, with the running total."""
    return {"id": charge, "object": "charge", "payment_intent": donation.payment_intent,
            "amount": donation.amount_fen, "amount_refunded": refunded, "currency": "cny",
            "paid": True, "status": "succeeded", "refunded": refunded == donation.amount_fen}


@pytest.mark.parametrize("intent_field", [{}, {"payment_intent": None}],
                         ids=["no payment_intent", "payment_intent null"])
def test_refund_of_an_unknown_charge_waits_and_leaves_other_gifts_alone(
        client, session, localstripe, intent_field):
    """Why 2: a charge with no PaymentIntent once matched `Donation.charge IS NULL`."""
    donation = give(client, localstripe)
    assert post(client, "payment_intent.succeeded", intent_of(donation)) == "credited"
    session.refresh(donation)
    assert donation.status == "succeeded" and donation.charge is None

    stranger = {"id": "ch_nobody_knows", "object": "charge", "amount": 10000,
                "amount_refunded": 10000, "currency": "cny", "paid": True,
                "status": "succeeded", **intent_field}
    assert post(client, "charge.refunded", stranger, "evt_stranger") == "waiting"
    session.refresh(donation)
    assert (donation.status, donation.refunded_fen, donation.charge) == ("succeeded", 0, None)
    assert balance("restricted:measure:4") == 10000 and balance("cash") == 10000
    assert entries(session, "refund", donation.reference) == 0
    kept = session.get(StripeEvent, "evt_stranger")
    assert (kept.waiting_on, kept.donation_id) == ("ch:ch_nobody_knows", None)


ORDERS = {
    "refund first": ["refund", "payment"],
    "refund first, redelivered after the payment": ["refund", "payment", "refund"],
    "payment first, refund redelivered": ["payment", "refund", "refund"],
}


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_a_refund_lands_whatever_the_order(client, session, localstripe, order):
    """Why 3: a refund delivered before its payment was claimed as "ignored", its redelivery
    then a "duplicate", and the gift stayed fully credited."""
    donation = give(client, localstripe)
    charge = f"ch_order_{donation.id}"
    sent = {"payment": signed(event("payment_intent.succeeded", intent_of(donation, charge))),
            "refund": signed(event("charge.refunded", charge_of(donation, charge, 3000)))}
    outcomes = [deliver(client, *sent[name]) for name in order]
    assert outcomes.count("duplicate") == len(order) - 2
    session.refresh(donation)
    assert (donation.status, donation.refunded_fen) == ("partially_refunded", 3000)
    assert donation.charge == charge
    assert balance("restricted:measure:4") == 7000 and balance("cash") == 7000
    assert entries(session, "gift", donation.reference) == 1
    assert entries(session, "refund", donation.reference) == 1


def decline(app, intent: str, localstripe: str) -> None:
    """What Stripe.js does on the page with a card the bank declines: localstripe declines
    the PaymentIntent's charge and sends its signed `payment_intent.payment_failed`."""
    card = card_token(localstripe, "4000000000000341")
    with app.test_request_context():
        payments = gateway.client().v1.payment_intents
        payments.update(intent, params={"payment_method": card})
        with pytest.raises(stripe.CardError):
            payments.confirm(intent)


def paid_after_retry(donation) -> dict:
    """The PaymentIntent as Stripe has it once the donor's second card went through
    (localstripe cannot retry a declined PaymentIntent, so the test says what Stripe would)."""
    return intent_of(donation, f"ch_retry_{donation.id}")


def test_a_retry_after_a_declined_card_is_credited_once(app, client, session, localstripe,
                                                        capture, monkeypatch):
    """Why 5: `payment_intent.succeeded` after `payment_failed` on the same PaymentIntent (the
    donor tried another card) was ignored: Stripe took the money, the fund never had it."""
    donation = give(client, localstripe, confirm=False)
    decline(app, donation.payment_intent, localstripe)
    body, header = capture.wait_for("payment_intent.payment_failed", donation.payment_intent)
    assert deliver(client, body, {"Stripe-Signature": header}) == "failed"
    session.refresh(donation)
    assert donation.status == "failed"

    monkeypatch.setattr(gateway, "current_intent", lambda _id: paid_after_retry(donation),
                        raising=False)
    assert post(client, "payment_intent.succeeded", paid_after_retry(donation)) == "credited"
    assert deliver(client, body, {"Stripe-Signature": header}) == "duplicate"
    session.refresh(donation)
    assert donation.status == "succeeded" and balance("restricted:measure:4") == 10000
    assert entries(session, "gift", donation.reference) == 1


def test_a_stale_decline_after_the_payment_changes_nothing(app, client, session, localstripe,
                                                           capture, monkeypatch):
    """Why 5, the other order: the decline's notice is delivered after the payment's."""
    donation = give(client, localstripe, confirm=False)
    decline(app, donation.payment_intent, localstripe)
    body, header = capture.wait_for("payment_intent.payment_failed", donation.payment_intent)
    monkeypatch.setattr(gateway, "current_intent", lambda _id: paid_after_retry(donation),
                        raising=False)
    assert post(client, "payment_intent.succeeded", paid_after_retry(donation)) == "credited"
    assert deliver(client, body, {"Stripe-Signature": header}).startswith("ignored")
    session.refresh(donation)
    assert donation.status == "succeeded" and balance("restricted:measure:4") == 10000
    assert entries(session, "gift", donation.reference) == 1
