"""Monthly giving's notices in any order: a first invoice paid before its monthly gift's
activation was committed waits and is credited once the subscription is saved; an invoice paid
after the donor cancelled is kept and held for review, not credited as a gift."""

from datetime import timedelta

from sqlalchemy import select

from charity.database import utcnow
from charity.fund.queries import balance
from charity.transaction import unit_of_work
from donations.giving.models import Donation
from donations.stripe import webhook
from tests.donations.test_monthly import active_monthly
from tests.donations.test_refunds_disputes import post


def invoice_paid(client, subscription, invoice, amount=3000, paid_at=None):
    paid_at = paid_at or utcnow()
    return post(client, "invoice.paid", {
        "id": invoice, "object": "invoice", "subscription": subscription, "amount_paid": amount,
        "currency": "cny", "payment_intent": f"pi_{invoice}",
        "status_transitions": {"paid_at": int(paid_at.timestamp())}})


def test_an_invoice_before_its_subscription_is_saved_waits_then_is_credited(client, session):
    gift = active_monthly(amount_fen=3000)
    subscription, gift.subscription = gift.subscription, None  # activation not committed
    session.flush()
    assert invoice_paid(client, subscription, "in_early") == "waiting"
    assert balance("cash") == 0
    gift.subscription = subscription  # the activation commits, then applies what waited
    session.flush()
    with unit_of_work():
        assert webhook.apply_waiting([f"sub:{subscription}"]) == ["credited"]
    assert balance("restricted:measure:1") == 3000
    assert invoice_paid(client, subscription, "in_early") == "ignored"  # its other notice


def test_an_invoice_paid_after_the_donor_cancelled_is_held_for_review(client, session):
    gift = active_monthly(amount_fen=3000)
    gift.status, gift.canceled_at = "canceled", utcnow() - timedelta(hours=1)
    session.flush()
    assert invoice_paid(client, gift.subscription, "in_late") == "flagged"
    assert invoice_paid(client, gift.subscription, "in_before",
                        paid_at=utcnow() - timedelta(days=2)) == "credited"
    held = session.scalar(select(Donation).where(Donation.invoice == "in_late"))
    assert (held.status, held.review_flag) == ("flagged", "paid_after_cancel")
    assert balance("restricted:measure:1") == 3000  # only the one paid before cancelling
