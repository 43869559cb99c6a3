"""Why 4 of issue 10: Stripe's notice of a payment can arrive while the giving request that made
the PaymentIntent has not committed its gift yet. It used to be "ignored", and the gift stayed
pending for good though Stripe held the money. Real commits, real threads: on PostgreSQL the
notice is kept waiting and applied when the gift commits; on SQLite it waits for the write lock."""

import threading

import pytest
from sqlalchemy import select

from charity.extensions import db
from charity.fund.queries import balance
from donations.giving.models import Donation
from donations.stripe import gateway
from donations.stripe.models import StripeEvent
from tests.donations.committed_app import committed_app, journal_entries
from tests.donations.conftest import card_token
from tests.donations.test_online import HOOK

#: How long the giving request waits for the notice to be answered while its gift is open.
WHILE_OPEN_SECONDS = 1.0


@pytest.fixture
def live(app, tmp_path):
    with committed_app(app, tmp_path) as found:
        yield found


def test_a_notice_before_the_gift_is_committed_credits_it_once(live, localstripe, capture,
                                                               monkeypatch):
    create = gateway.create_payment_intent
    notice: dict = {}

    def create_then_notify(*args, **kwargs):
        """Stripe takes the payment and sends its notice before the giving request commits."""
        intent = create(*args, **kwargs)
        body, header = capture.wait_for("payment_intent.succeeded", intent["id"])

        def deliver():
            answer = live.test_client().post(HOOK, data=body,
                                              headers={"Stripe-Signature": header})
            notice["answer"] = (answer.status_code, answer.get_json())

        notice["thread"] = threading.Thread(target=deliver)
        notice["thread"].start()
        notice["thread"].join(WHILE_OPEN_SECONDS)
        notice["while_open"] = notice.get("answer")
        return intent

    monkeypatch.setattr(gateway, "create_payment_intent", create_then_notify)
    given = live.test_client().post("/donations/give", data={
        "amount": "100", "designation": "measure:4", "card": card_token(localstripe)})
    assert given.status_code == 200, given.get_json()
    notice["thread"].join(60)

    if db.engine.dialect.name == "postgresql":
        assert notice["while_open"] == (200, {"outcome": "waiting"})
    else:  # one writer: the notice queued behind the giving request, then found its gift
        assert notice["while_open"] is None
        assert notice["answer"] == (200, {"outcome": "credited"})
    db.session.expire_all()
    gift = db.session.scalar(select(Donation))
    assert gift.status == "succeeded" and gift.receipt_number
    assert journal_entries(kind="gift", reference=gift.reference) == 1
    assert balance("restricted:measure:4") == 10000 and balance("cash") == 10000
    kept = db.session.scalar(select(StripeEvent))
    assert (kept.outcome, kept.payload, kept.waiting_on) == ("credited", None, None)
