"""Deliveries at once, really committed: every event lands exactly once. Twenty events of every
kind that moves money, each delivered five times at once; fifty deliveries at once. On
PostgreSQL, in the suite's database; on SQLite, the embedded default (a file of its own, as
`make run` has it), where they queue for the one writer instead of failing."""

import random

import pytest
from sqlalchemy import select

from charity.extensions import db
from charity.fund.queries import balance
from charity.fund.verify import verify
from donations.giving.models import Donation
from donations.stripe.models import StripeEvent
from tests.donations.committed_app import at_once, committed_app, journal_entries
from tests.donations.conftest import event, signed
from tests.donations.test_money_paths import charge_of, intent_of
from tests.donations.test_online import HOOK
from tests.factories import user
from tests.factories.donations import DonationFactory, RecurringGiftFactory

#: What each kind of event is sent about, and the outcome of its one delivery that counts.
KINDS = {"payment_intent.succeeded": "credited", "charge.refunded": "refunded 4000",
         "charge.dispute.created": "disputed", "charge.dispute.closed": "dispute lost",
         "invoice.paid": "credited"}


@pytest.fixture
def live(app, tmp_path):
    with committed_app(app, tmp_path) as found:
        yield found


def deliver_all(live, events: list[dict], times: int) -> list[tuple[int, str]]:
    """Each event delivered `times` times, all at once, in a random order."""
    sent = [signed(e) for e in events for _ in range(times)]
    random.shuffle(sent)

    def post(i):
        response = live.test_client().post(HOOK, data=sent[i][0], headers=sent[i][1])
        return response.status_code, (response.get_json() or {}).get("outcome")

    return at_once(len(sent), post)


def dispute(gift, status: str) -> dict:
    return {"id": f"dp_at_once_{gift.id}", "object": "dispute", "charge": charge(gift),
            "payment_intent": gift.payment_intent, "amount": gift.amount_fen,
            "status": status, "balance_transactions": []}


def charge(gift) -> str:
    return f"ch_at_once_{gift.id}"


def delivered(live, kind: str, obj: dict) -> str:
    body, headers = signed(event(kind, obj))
    return live.test_client().post(HOOK, data=body, headers=headers).get_json()["outcome"]


def gifts_in_every_state(live, count: int) -> list[tuple[str, dict]]:
    """For each kind of event, `count` gifts it can move, credited (and disputed) by earlier
    deliveries where it needs that; the (kind, object) to send about each. The test reads
    nothing after its commit: outside a request a transaction begins IMMEDIATE, and on SQLite
    would hold the one write lock the deliveries wait for."""
    gifts = [DonationFactory(designation=f"measure:{1 + i % 10}") for i in range(4 * count)]
    paid, refunded, disputed, lost = (gifts[k * count:(k + 1) * count] for k in range(4))
    monthly = [RecurringGiftFactory(donor=user("donor", email=f"committed-{i}@songtan.test"))
               for i in range(count)]
    earlier = [("payment_intent.succeeded", intent_of(g, charge(g)))
               for g in refunded + disputed + lost] + \
        [("charge.dispute.created", dispute(g, "needs_response")) for g in lost]
    sending = [("payment_intent.succeeded", intent_of(g, charge(g))) for g in paid] + \
        [("charge.refunded", charge_of(g, charge(g), 4000)) for g in refunded] + \
        [("charge.dispute.created", dispute(g, "needs_response")) for g in disputed] + \
        [("charge.dispute.closed", dispute(g, "lost")) for g in lost] + \
        [("invoice.paid", {"id": f"in_at_once_{m.id}", "object": "invoice", "status": "paid",
                           "subscription": m.subscription, "amount_paid": m.amount_fen,
                           "currency": "cny"}) for m in monthly]
    db.session.commit()
    assert [delivered(live, kind, obj) for kind, obj in earlier] == \
        ["credited"] * 3 * count + ["disputed"] * count
    return sending


def test_twenty_events_each_delivered_five_times_at_once_post_once_each(live):
    sending = gifts_in_every_state(live, 4)
    events = [event(kind, obj, f"evt_at_once_{i}") for i, (kind, obj) in enumerate(sending)]
    before = journal_entries()
    db.session.rollback()  # no transaction held while they deliver: see gifts_in_every_state
    answers = deliver_all(live, events, 5)

    assert {status for status, _ in answers} == {200}
    assert sorted(outcome for _, outcome in answers if outcome != "duplicate") == \
        sorted(KINDS[kind] for kind, _ in sending)
    assert journal_entries() == before + len(events)
    outcomes = dict(db.session.execute(select(StripeEvent.id, StripeEvent.outcome)).all())
    assert all(outcomes[e["id"]] == KINDS[e["type"]] for e in events)
    assert verify().ok


def test_fifty_deliveries_at_once_credit_once_even_on_the_embedded_default(live):
    gifts = [DonationFactory(designation="measure:2") for _ in range(10)]
    events = [event("payment_intent.succeeded", intent_of(g), f"evt_fifty_{g.id}")
              for g in gifts]
    # Nothing is read here meanwhile: outside a request a transaction begins IMMEDIATE, and
    # would hold SQLite's one write lock while the deliveries wait for it.
    db.session.commit()
    answers = deliver_all(live, events, 5)

    assert {status for status, _ in answers} == {200}
    assert sorted(outcome for _, outcome in answers) == \
        ["credited"] * 10 + ["duplicate"] * 40
    db.session.expire_all()
    assert {g.status for g in db.session.scalars(select(Donation))} == {"succeeded"}
    assert journal_entries(kind="gift") == 10
    assert balance("restricted:measure:2") == 10 * 10_000
