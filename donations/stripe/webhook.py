"""Stripe events into domain calls. Boring on purpose: the view verified the signature; here
the event id is claimed once, the amount is checked, and one operation runs.

A handler looks and decides, returning (gift, outcome, action): `action` is the one domain
call that posts to the ledger, run last, after the event row and every other write are
flushed, so the ledger's head lock is held only for the posting and the commit. A posting the
ledger refuses is rolled back to before it; the event is then kept as refused and its gift
flagged for review."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from charity.database import utcnow
from charity.extensions import db
from charity.fund.operations import LedgerError
from donations.giving import operations
from donations.giving.models import Donation, RecurringGift
from donations.stripe import gateway
from donations.stripe.models import StripeEvent

DUPLICATE = "duplicate"


def claim(event: dict) -> StripeEvent | None:
    """The event's row, claimed for this delivery; None when the event was seen already (a
    concurrent delivery of the same event waits on the unique key, then finds it taken)."""
    seen = StripeEvent(id=event["id"], type=str(event.get("type", ""))[:60], outcome="received")
    try:
        with db.session.begin_nested():
            db.session.add(seen)
    except IntegrityError:
        return None
    return seen


def handle(event: dict) -> str:
    """Claim the event id and apply it; return the outcome ("duplicate" when seen before)."""
    seen = claim(event)
    if seen is None:
        return DUPLICATE
    handler = HANDLERS.get(seen.type)
    obj = event["data"].get("object") or {}
    if handler is None:
        seen.outcome = "ignored"
        return seen.outcome
    donation, seen.outcome, action = handler(event, obj)
    seen.donation_id = donation.id if donation is not None else None
    db.session.flush()
    if action is None:
        return seen.outcome
    try:
        with db.session.begin_nested():
            action()
    except LedgerError as error:
        seen.outcome = f"refused: {error}"[:200]
        if donation is not None:
            operations.flag(donation, seen.outcome)
        db.session.flush()
    return seen.outcome


def _donation(obj: dict, lock: bool = False) -> Donation | None:
    """The gift an object (PaymentIntent, Charge, Dispute) belongs to, row-locked if asked."""
    intent = obj.get("payment_intent") if obj.get("object") != "payment_intent" else obj["id"]
    query = select(Donation).where(Donation.payment_intent == intent) if intent \
        else select(Donation).where(Donation.charge == obj.get("charge"))
    return db.session.scalar(query.with_for_update() if lock else query)


def _charge(intent: dict) -> dict:
    charge = intent.get("latest_charge")
    return charge if isinstance(charge, dict) else {"id": charge}


def payment_succeeded(event: dict, intent: dict):
    """The payment went through: credit the gift if the amount, currency and fee check out, else
    flag it."""
    fee = gateway.charge_fee(intent, str(intent.get("currency")))  # before any row lock
    donation = _donation(intent, lock=True)
    if donation is None:
        return None, "ignored", None
    if donation.status != "pending":
        return donation, f"ignored: already {donation.status}", None
    charge = _charge(intent)
    donation.charge = charge.get("id")
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    donation.card_fingerprint = card.get("fingerprint")
    received = intent.get("amount_received", intent.get("amount"))
    if received != donation.amount_fen or intent.get("currency") != donation.currency:
        operations.flag(donation, f"amount_mismatch: {received} {intent.get('currency')}")
        return donation, "flagged", None
    if not 0 <= fee < donation.amount_fen:
        operations.flag(donation, f"fee_out_of_range: {fee}")
        return donation, "flagged", None
    return donation, "credited", lambda: operations.credit(donation, fee_fen=fee)


def payment_failed(event: dict, intent: dict):
    """The payment failed: a pending gift is marked failed."""
    donation = _donation(intent, lock=True)
    if donation is None or donation.status != "pending":
        return donation, "ignored", None
    donation.status = "failed"
    return donation, "failed", None


def charge_refunded(event: dict, charge: dict):
    """A refund (Stripe reports the running total): post what is new against the gift."""
    donation = _donation(charge, lock=True)
    if donation is None or not donation.credited:
        return donation, "ignored", None
    total = int(charge.get("amount_refunded", 0))
    return donation, f"refunded {max(0, total - donation.refunded_fen)}", \
        lambda: operations.refund(donation, total, reference=f"stripe:{event['id']}")


def dispute_created(event: dict, dispute: dict):
    """A card dispute opened: hold the disputed money and Stripe's fee."""
    donation = _donation(dispute, lock=True)
    if donation is None or not donation.credited:
        return donation, "ignored", None
    if donation.dispute_open:
        return donation, "ignored: a dispute is already open", None
    fee = sum(int(t.get("fee", 0)) for t in dispute.get("balance_transactions") or []
              if isinstance(t, dict))
    return donation, "disputed", lambda: operations.dispute_opened(
        donation, int(dispute["amount"]), fee, dispute["id"])


def dispute_closed(event: dict, dispute: dict):
    """A card dispute ended: the held money returns (won) or is gone (lost)."""
    donation = _donation(dispute, lock=True)
    if donation is None or not donation.dispute_open:  # not the status: a refund may change it
        return donation, "ignored", None
    won = dispute.get("status") == "won"
    return donation, "dispute won" if won else "dispute lost", \
        lambda: operations.dispute_closed(donation, won, dispute["id"])


def invoice_paid(event: dict, invoice: dict):
    """A paid invoice of a monthly gift: one more gift, credited when it is the gift's amount
    in yuan, else recorded and flagged for review (webhook handler)."""
    subscription = invoice.get("subscription")
    if not subscription or db.session.scalar(select(Donation.id).where(
            Donation.invoice == invoice.get("id"))):
        return None, "ignored", None
    fee = gateway.invoice_fee(invoice, "cny")  # before any row lock
    gift = db.session.scalar(select(RecurringGift).where(
        RecurringGift.subscription == subscription).with_for_update())
    amount, currency = int(invoice.get("amount_paid") or 0), str(invoice.get("currency"))[:3]
    if gift is None or amount <= 0:
        return None, "ignored", None
    if db.session.scalar(select(Donation).where(Donation.invoice == invoice["id"])):
        return None, "ignored: invoice already recorded", None
    intent = invoice.get("payment_intent")
    donation = operations.new_donation(
        amount_fen=amount, currency=currency, designation=gift.designation, channel="online",
        recurring_id=gift.id, donor_id=gift.donor_id, donor_email=gift.donor.email,
        donor_name=gift.donor.name, anonymous=not gift.show_name, invoice=invoice["id"],
        payment_intent=intent if isinstance(intent, str) else None)
    if amount != gift.amount_fen or currency != "cny":
        operations.flag(donation, f"amount_mismatch: {amount} {currency}")
        return donation, "flagged", None
    if not 0 <= fee < amount:
        operations.flag(donation, f"fee_out_of_range: {fee}")
        return donation, "flagged", None
    return donation, "credited", lambda: operations.credit(donation, fee_fen=fee)


def subscription_deleted(event: dict, subscription: dict):
    """A monthly gift's subscription ended at Stripe: the gift is cancelled."""
    gift = db.session.scalar(select(RecurringGift).where(
        RecurringGift.subscription == subscription.get("id")))
    if gift is None or gift.status == "canceled":
        return None, "ignored", None
    gift.status, gift.canceled_at = "canceled", utcnow()
    return None, "canceled", None


HANDLERS = {
    "payment_intent.succeeded": payment_succeeded,
    "payment_intent.payment_failed": payment_failed,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute_created,
    "charge.dispute.closed": dispute_closed,
    "invoice.payment_succeeded": invoice_paid,
    "invoice.paid": invoice_paid,
    "customer.subscription.deleted": subscription_deleted,
}
