"""Refund and dispute events, signed by the test with stripe-python, move the ledger right."""

from charity.fund.queries import balance
from tests.donations.conftest import event, signed
from tests.donations.test_online import HOOK, give


def post(client, type_, obj):
    body, headers = signed(event(type_, obj))
    return client.post(HOOK, data=body, headers=headers).get_json()["outcome"]


def credited(client, session, localstripe, amount="100"):
    donation = give(client, localstripe, amount=amount)
    intent = {"id": donation.payment_intent, "object": "payment_intent",
              "amount": donation.amount_fen, "amount_received": donation.amount_fen,
              "currency": "cny", "latest_charge": {"id": f"ch_{donation.id}"}}
    assert post(client, "payment_intent.succeeded", intent) == "credited"
    session.refresh(donation)
    return donation


def charge(donation, refunded: int) -> dict:
    return {"id": donation.charge, "object": "charge", "payment_intent": donation.payment_intent,
            "amount": donation.amount_fen, "amount_refunded": refunded, "currency": "cny"}


def test_partial_then_full_refund(client, session, localstripe):
    donation = credited(client, session, localstripe)
    assert post(client, "charge.refunded", charge(donation, 3000)) == "refunded 3000"
    session.refresh(donation)
    assert donation.status == "partially_refunded" and donation.refunded_fen == 3000
    assert balance("restricted:measure:4") == 7000 and balance("cash") == 7000
    assert post(client, "charge.refunded", charge(donation, 10000)) == "refunded 7000"
    session.refresh(donation)
    assert donation.status == "refunded"
    assert balance("restricted:measure:4") == 0 and balance("cash") == 0


def test_refund_beyond_the_gift_is_refused_and_flagged(client, session, localstripe):
    donation = credited(client, session, localstripe)
    outcome = post(client, "charge.refunded", charge(donation, 20000))
    assert outcome.startswith("refused")
    session.refresh(donation)
    assert donation.review_flag.startswith("refused") and donation.refunded_fen == 0
    assert balance("restricted:measure:4") == 10000


def dispute(donation, status="needs_response") -> dict:
    return {"id": f"dp_{donation.id}", "object": "dispute", "charge": donation.charge,
            "payment_intent": donation.payment_intent, "amount": donation.amount_fen,
            "status": status, "balance_transactions": [{"fee": 1500}]}


def test_dispute_holds_then_returns_when_won(client, session, localstripe):
    credited(client, session, localstripe, amount="50")  # other money in the fund
    donation = credited(client, session, localstripe)
    assert post(client, "charge.dispute.created", dispute(donation)) == "disputed"
    # the gift is held, and the gift's fund bears the dispute fee
    assert balance("restricted:measure:4") == 3500 and balance("disputed") == 10000
    assert balance("fees") == 1500
    assert post(client, "charge.dispute.closed", dispute(donation, "won")) == "dispute won"
    session.refresh(donation)
    assert donation.status == "succeeded"
    assert balance("restricted:measure:4") == 13500 and balance("disputed") == 0


def test_dispute_lost_takes_the_money_and_the_fee(client, session, localstripe):
    credited(client, session, localstripe, amount="50")  # other money in the fund
    donation = credited(client, session, localstripe)
    post(client, "charge.dispute.created", dispute(donation))
    assert post(client, "charge.dispute.closed", dispute(donation, "lost")) == "dispute lost"
    session.refresh(donation)
    assert donation.status == "dispute_lost"
    assert balance("restricted:measure:4") == 3500 and balance("disputed") == 0
    assert balance("fees") == 1500 and balance("cash") == 15000 - 1500 - 10000 == 3500


def part_disputed(donation, status="needs_response") -> dict:
    """A dispute over the 70% of the gift that was not refunded, without a dispute fee."""
    return dispute(donation, status) | {"amount": 7000, "balance_transactions": []}


def test_refund_delivered_during_a_dispute_then_dispute_lost(client, session, localstripe):
    donation = credited(client, session, localstripe)
    assert post(client, "charge.dispute.created", part_disputed(donation)) == "disputed"
    assert post(client, "charge.refunded", charge(donation, 3000)) == "refunded 3000"
    session.refresh(donation)
    assert (donation.status, donation.dispute_open) == ("disputed", True)
    assert post(client, "charge.dispute.closed", part_disputed(donation, "lost")) \
        == "dispute lost"
    session.refresh(donation)
    assert (donation.status, donation.dispute_open, donation.refunded_fen) == \
        ("dispute_lost", False, 3000)
    assert balance("disputed") == 0 and balance("restricted:measure:4") == 0
    assert balance("cash") == 0


def test_refund_delivered_during_a_dispute_then_dispute_won(client, session, localstripe):
    donation = credited(client, session, localstripe)
    assert post(client, "charge.dispute.created", part_disputed(donation)) == "disputed"
    assert post(client, "charge.refunded", charge(donation, 3000)) == "refunded 3000"
    assert post(client, "charge.dispute.closed", part_disputed(donation, "won")) == "dispute won"
    session.refresh(donation)
    assert (donation.status, donation.dispute_open) == ("partially_refunded", False)
    assert balance("disputed") == 0 and balance("restricted:measure:4") == 7000
    assert balance("cash") == 7000
    assert post(client, "charge.dispute.closed", part_disputed(donation, "won")) == "ignored"
