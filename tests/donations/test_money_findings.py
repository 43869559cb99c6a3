"""What building the money model found beyond the issue's five paths: each the smallest case."""


from charity.fund import operations as ledger
from charity.fund.queries import balance
from donations.stripe import gateway
from tests.donations.test_money_paths import charge_of, intent_of, post
from tests.donations.test_online import give

FEE = 300


class Found(dict):
    """What stripe-python returns: an object read with `to_dict()`."""

    def to_dict(self) -> dict:
        return dict(self)


class RealStripe:
    """Real Stripe, as `gateway.client()`: it expands what it is asked to expand."""

    def __init__(self, charges: dict):
        self.known = charges
        self.v1 = self.payment_intents = self.charges = self

    def retrieve(self, object_id: str, params: dict | None = None) -> Found:
        """A PaymentIntent with its latest charge, or a Charge, balance transaction expanded."""
        if object_id.startswith("pi_"):
            charge = next(c for c in self.known.values() if c["payment_intent"] == object_id)
            return Found(id=object_id, object="payment_intent", latest_charge=charge)
        return Found(self.known[object_id])


def test_with_real_stripe_the_fee_is_stripes_whichever_notice_credits_the_gift(
        app, client, session, localstripe, monkeypatch):
    """Real Stripe sends a charge's balance transaction as an id. A gift credited by its
    refund's notice (the payment's not yet delivered) was credited with no fee, so the ledger
    held Stripe's fee more than the bank."""
    paid_first, refunded_first = give(client, localstripe), give(client, localstripe)
    charges = {}
    for gift in (paid_first, refunded_first):
        charge = charge_of(gift, f"ch_real_{gift.id}", 0)
        charges[charge["id"]] = charge | {"balance_transaction": {
            "id": f"txn_{gift.id}", "object": "balance_transaction", "fee": FEE,
            "currency": "cny"}}
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", None)
    real = RealStripe(charges)
    monkeypatch.setattr(gateway, "client", lambda: real)

    intent = intent_of(paid_first, f"ch_real_{paid_first.id}")  # the charge as an id
    assert post(client, "payment_intent.succeeded", intent) == "credited"
    refund = charge_of(refunded_first, f"ch_real_{refunded_first.id}", 1000)
    assert post(client, "charge.refunded", refund | {"balance_transaction": "txn_x"}) \
        == "refunded 1000"
    session.refresh(paid_first)
    session.refresh(refunded_first)
    assert (paid_first.fee_fen, refunded_first.fee_fen) == (FEE, FEE)
    assert balance("fees") == 2 * FEE and balance("cash") == 2 * (10000 - FEE) - 1000


def lone_gift_disputed(client, localstripe):
    """A gift alone in its fund account, less Stripe's fee, disputed in full: the bank has
    taken the money, the fund has the unrestricted money to bear what the gift does not."""
    ledger.record_budget_transfer(amount_fen=100_000, reference="budget:lone")
    ledger.transfer(source="budget", target="unrestricted", amount_fen=100_000)
    gift = give(client, localstripe, designation="measure:5")
    charge = charge_of(gift, "ch_lone", 0) | {"balance_transaction": {"fee": FEE,
                                                                       "currency": "cny"}}
    intent = {"id": gift.payment_intent, "object": "payment_intent", "amount": 10000,
              "amount_received": 10000, "currency": "cny", "latest_charge": charge}
    assert post(client, "payment_intent.succeeded", intent) == "credited"
    dispute = {"id": "dp_lone", "object": "dispute", "charge": "ch_lone",
               "payment_intent": gift.payment_intent, "amount": 10000,
               "status": "needs_response", "balance_transactions": [{"fee": 1500}]}
    assert post(client, "charge.dispute.created", dispute) == "disputed"
    assert balance("disputed") == 10000 and balance("cash") == 100_000 + 10000 - FEE - 1500
    # the gift's account gave all it held; unrestricted money the rest and the dispute fee
    assert balance("restricted:measure:5") == 0
    assert balance("unrestricted") == 100_000 - FEE - 1500
    return gift, dispute


def test_a_dispute_over_a_lone_gift_with_a_fee_is_held(client, session, localstripe):
    lone_gift_disputed(client, localstripe)


def test_a_won_dispute_returns_each_part_where_it_was_taken(client, session, localstripe):
    gift, dispute = lone_gift_disputed(client, localstripe)
    assert post(client, "charge.dispute.closed", dispute | {"status": "won"}) == "dispute won"
    assert balance("disputed") == 0 and balance("restricted:measure:5") == 10000 - FEE
    assert balance("unrestricted") == 100_000 - 1500  # the fee stays spent


def test_a_lost_dispute_over_a_lone_gift_takes_the_money_from_cash(client, session,
                                                                  localstripe):
    gift, dispute = lone_gift_disputed(client, localstripe)
    assert post(client, "charge.dispute.closed", dispute | {"status": "lost"}) == "dispute lost"
    assert balance("disputed") == 0 and balance("restricted:measure:5") == 0
    assert balance("cash") == 100_000 - FEE - 1500
