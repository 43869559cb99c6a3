"""Stripe's processing fee: read from the charge's balance transaction and recorded as the
fund's expense; localstripe has no balance transactions, so its gifts carry no fee."""

from charity.fund.queries import balance
from tests.donations.test_online import give
from tests.donations.test_refunds_disputes import post


def intent_of(donation, charge) -> dict:
    return {"id": donation.payment_intent, "object": "payment_intent", "currency": "cny",
            "amount": donation.amount_fen, "amount_received": donation.amount_fen,
            "latest_charge": charge}


def test_fee_from_an_expanded_balance_transaction_is_recorded(client, session, localstripe):
    donation = give(client, localstripe, amount="100")
    charge = {"id": "ch_fee", "object": "charge", "balance_transaction": {
        "id": "txn_fee", "object": "balance_transaction", "amount": 10000, "fee": 320,
        "net": 9680, "currency": "cny"}}
    assert post(client, "payment_intent.succeeded", intent_of(donation, charge)) == "credited"
    session.refresh(donation)
    assert donation.fee_fen == 320 and donation.charge == "ch_fee"
    assert balance("restricted:measure:4") == 9680  # the gift, less the fee its fund bore
    assert balance("fees") == 320 and balance("cash") == 9680


def test_no_balance_transaction_means_no_fee(client, session, localstripe):
    donation = give(client, localstripe, amount="50")
    charge = {"id": "ch_local", "object": "charge", "balance_transaction": None}
    assert post(client, "payment_intent.succeeded", intent_of(donation, charge)) == "credited"
    other = give(client, localstripe, amount="50")
    assert post(client, "payment_intent.succeeded", intent_of(other, "ch_unexpanded")) \
        == "credited"  # localstripe: an unexpanded charge is not fetched
    session.refresh(donation)
    assert donation.fee_fen == 0 and balance("fees") == 0 and balance("cash") == 10000


def test_a_fee_in_another_currency_or_beyond_the_gift_is_not_booked(client, session,
                                                                     localstripe):
    donation = give(client, localstripe, amount="100")
    charge = {"id": "ch_usd", "balance_transaction": {"fee": 45, "currency": "usd"}}
    assert post(client, "payment_intent.succeeded", intent_of(donation, charge)) == "credited"
    assert balance("fees") == 0
    huge = give(client, localstripe, amount="10")
    charge = {"id": "ch_huge", "balance_transaction": {"fee": 5000, "currency": "cny"}}
    assert post(client, "payment_intent.succeeded", intent_of(huge, charge)) == "flagged"
    session.refresh(huge)
    assert huge.status == "flagged" and huge.review_flag.startswith("fee_out_of_range")
    assert balance("cash") == 10000
