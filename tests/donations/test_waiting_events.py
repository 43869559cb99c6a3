"""Events kept waiting do not wait for ever: after 30 days the reconciliation stops them, drops
what they said, and tells a person; a waiting record that cannot be read is refused, never a
500 for the gift it waits on."""

from datetime import timedelta

from charity.database import utcnow
from charity.timeutil import local_today
from charity.transaction import unit_of_work
from donations.stripe import gateway, reconcile, webhook
from donations.stripe.models import WAITING, StripeEvent


def waiting(session, event_id, key, payload, days_ago=0):
    seen = StripeEvent(id=event_id, type="charge.refunded", outcome=WAITING, waiting_on=key,
                       payload=payload, received_at=utcnow() - timedelta(days=days_ago))
    session.add(seen)
    session.flush()
    return seen


def test_an_event_waiting_thirty_days_stops_waiting_and_a_person_is_told(session, monkeypatch):
    charge = {"id": "ch_other", "object": "charge", "amount": 100, "amount_refunded": 100,
              "currency": "cny", "billing_details": {"name": "某人"}}
    old = waiting(session, "evt_old", "ch:ch_other", {"type": "charge.refunded",
                                                      "object": charge}, days_ago=31)
    recent = waiting(session, "evt_recent", "ch:ch_other", {"type": "charge.refunded",
                                                            "object": charge}, days_ago=2)
    monkeypatch.setattr(gateway, "listed", lambda kind, since: [])
    run = reconcile.reconcile(local_today())
    session.refresh(old)
    session.refresh(recent)
    assert (old.outcome, old.payload, old.waiting_on) == ("refused: waited too long", None, None)
    assert recent.outcome == WAITING and recent.payload
    assert {"object": "evt_old", "kind": "charge.refunded", "reason": "expired"} in run.unfixed


def test_a_waiting_record_that_cannot_be_read_is_refused(session):
    broken = waiting(session, "evt_broken", "pi:pi_broken", {"type": "charge.refunded"})
    with unit_of_work():
        assert webhook.apply_waiting(["pi:pi_broken"]) == ["refused: unreadable"]
    session.refresh(broken)
    assert broken.payload is None and broken.waiting_on is None
