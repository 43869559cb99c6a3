"""Whatever a signed event's object holds in the fields the webhook reads (any JSON: strings
for numbers, floats, lists for objects, nothing at all), the answer is 200 or 400, never a 500;
a refusal moves no money, and the ledger always verifies. Each example in a savepoint."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charity.extensions import db
from charity.fund.queries import balances
from charity.fund.verify import verify
from donations.stripe.webhook import HANDLERS
from tests.donations.conftest import event, signed
from tests.donations.test_online import HOOK
from tests.donations.test_webhook_input import good
from tests.factories.donations import DonationFactory, RecurringGiftFactory

#: Where the webhook reads each kind of Stripe object: a field, or a field of a field.
CHARGE = ("amount", "amount_refunded", "currency", "paid", "status", "payment_intent",
          "payment_method_details", "balance_transaction")
PLACES = {
    "payment_intent": [(f,) for f in ("id", "amount", "amount_received", "currency",
                                      "metadata", "latest_charge")]
    + [("latest_charge", f) for f in ("id", *CHARGE)] + [("metadata", "donation")],
    "charge": [(f,) for f in ("id", "object", *CHARGE)],
    "dispute": [(f,) for f in ("id", "amount", "charge", "payment_intent", "status",
                               "balance_transactions")],
    "invoice": [(f,) for f in ("id", "amount_paid", "currency", "subscription",
                               "payment_intent", "charge")],
}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["pi_fuzz", "ch_fuzz", "sub_fuzz", "cny", "10000", "x" * 100]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "fee", "currency", "card", "fingerprint", "donation", "token"]),
        inner, max_size=3),
    max_leaves=6)


def changed(obj: dict, changes: dict) -> dict:
    """The object with each place (a field, or a field of the field) holding another value."""
    obj = dict(obj)
    for place, value in changes.items():
        if len(place) == 1:
            obj[place[0]] = value
            continue
        inner = obj.get(place[0])
        obj[place[0]] = (dict(inner) if isinstance(inner, dict) else {}) | {place[1]: value}
    return obj


def gifts(client) -> dict:
    pending, paid = DonationFactory(), DonationFactory()
    body, headers = signed(event("payment_intent.succeeded", {
        "id": paid.payment_intent, "object": "payment_intent", "amount": paid.amount_fen,
        "amount_received": paid.amount_fen, "currency": "cny", "latest_charge": "ch_fuzz"}))
    assert client.post(HOOK, data=body, headers=headers).get_json()["outcome"] == "credited"
    db.session.refresh(paid)
    return {"pending": pending, "paid": paid, "monthly": RecurringGiftFactory()}


def test_no_signed_object_makes_a_500(client, session):
    connection = session.get_bind()
    session.remove()

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(kind=st.sampled_from(sorted(HANDLERS)), data=st.data())
    def delivered(kind, data):
        savepoint = connection.begin_nested()
        try:
            obj = good(kind, gifts(client))
            places = PLACES.get(obj["object"], [("id",), ("status",)])
            obj = changed(obj, data.draw(st.dictionaries(st.sampled_from(places), JSON,
                                                         min_size=1, max_size=2)))
            before = balances()
            response = client.post(HOOK, data=(sent := signed(event(kind, obj)))[0],
                                   headers=sent[1])
            assert response.status_code in (200, 400), response.get_data(as_text=True)
            db.session.expire_all()
            if response.status_code == 400 or response.get_json()["outcome"].startswith(
                    ("refused", "waiting")):
                assert balances() == before
            assert verify().ok
        finally:
            db.session.remove()
            savepoint.rollback()

    delivered()


def test_a_signed_body_with_infinity_is_refused_and_nothing_kept(client, session):
    """Found by the fuzz test on PostgreSQL: Python's JSON reader takes `Infinity`, the database's
    JSON column does not, so a signed invoice with `"amount_paid": Infinity` answered 500."""
    from donations.stripe.models import StripeEvent

    obj = good("invoice.paid", gifts(client))
    obj["amount_paid"] = float("inf")
    body, headers = signed(event("invoice.paid", obj, event_id="evt_infinity"))
    assert b"Infinity" in body
    before = balances()
    response = client.post(HOOK, data=body, headers=headers)
    assert response.status_code == 400
    assert db.session.get(StripeEvent, "evt_infinity") is None and balances() == before
