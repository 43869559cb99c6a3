"""The same event delivered five times at once (PostgreSQL): one credit. Real commits through
separate connections, so the test cleans its tables up itself."""

import threading

import pytest
from sqlalchemy import func, select

from charity.extensions import db
from charity.fund.models import JournalEntry
from charity.fund.queries import balance
from donations.giving.models import Donation
from donations.stripe.models import StripeEvent
from tests.committed import committed_data, empty
from tests.donations.conftest import event, signed

TABLES = "match_credit, stripe_event, donation, journal_line, journal_entry, fund_account"


def clean() -> None:
    empty(TABLES)


@pytest.fixture
def committed(app):
    with committed_data(app, clean, "concurrent deliveries need PostgreSQL (SQLite has one "
                        "writer)"):
        yield


def test_five_concurrent_deliveries_credit_once(app, committed):
    donation = Donation(token="concurrent", amount_fen=20000, payment_intent="pi_concurrent",
                        designation="measure:7")
    db.session.add(donation)
    db.session.commit()
    body, headers = signed(event("payment_intent.succeeded", {
        "id": "pi_concurrent", "object": "payment_intent", "amount": 20000,
        "amount_received": 20000, "currency": "cny"}, event_id="evt_concurrent"))
    outcomes = [None] * 5
    barrier = threading.Barrier(5)

    def deliver(i):
        client = app.test_client()
        barrier.wait()
        response = client.post("/donations/stripe/webhook", data=body, headers=headers)
        outcomes[i] = (response.status_code, response.get_json()["outcome"])

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [(200, "credited")] + [(200, "duplicate")] * 4
    db.session.expire_all()
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 1
    assert db.session.scalar(select(func.count(StripeEvent.id))) == 1
    assert balance("restricted:measure:7") == 20000
