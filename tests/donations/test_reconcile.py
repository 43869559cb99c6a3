"""`flask donations reconcile`: what Stripe holds and the fund does not is put right once, through
the webhook's own code; a second run finds nothing to fix."""

import json

from sqlalchemy import func, select

from charity.fund.models import JournalEntry
from charity.fund.queries import balance
from charity.timeutil import local_today
from donations.giving.models import Donation
from donations.stripe import gateway, reconcile
from tests.donations.stripe_model import Gift, Stripe
from tests.donations.test_online import give
from tests.factories.donations import RecurringGiftFactory


def reconciled(runner) -> dict:
    result = runner.invoke(args=["donations", "reconcile", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_gift_whose_webhook_never_arrived_is_credited_once(runner, client, session,
                                                             localstripe):
    donation = give(client, localstripe)  # paid at localstripe; its notice is never delivered
    assert donation.status == "pending"

    first = reconciled(runner)
    assert [f for f in first["fixed"] if f["object"] == donation.payment_intent] == [
        {"object": donation.payment_intent, "kind": "payment_intent.succeeded",
         "donation_id": donation.id, "outcome": "credited"}]
    session.refresh(donation)
    assert donation.status == "succeeded" and balance("restricted:measure:4") == 10000
    assert reconciled(runner)["fixed"] == []
    assert session.scalar(select(func.count(JournalEntry.id))
                          .where(JournalEntry.reference == donation.reference)) == 1
    assert balance("cash") == 10000


def test_a_monthly_invoice_is_no_false_alarm(session, monkeypatch):
    """Stripe lists a paid invoice's PaymentIntent too; read before the invoice, it named no
    gift yet and was reported as a difference nobody could fix, though the run then fixed it."""
    monthly = Gift(0, "monthly", 3000)
    monthly.advance()
    Stripe.gifts = [monthly]
    monkeypatch.setattr(gateway, "listed", Stripe.listed)
    RecurringGiftFactory(subscription=monthly.subscription, amount_fen=3000)

    run = reconcile.reconcile(local_today())
    assert run.unfixed == []
    assert [f["kind"] for f in run.fixed] == ["invoice.paid"]
    paid = session.scalar(select(Donation).where(Donation.invoice == "in_model_0_1"))
    assert paid.status == "succeeded" and balance("restricted:measure:1") == 3000
