"""Monthly giving's notices: a paid invoice becomes one more gift, credited when it is the
monthly amount in yuan (else held for review); a subscription Stripe ended cancels the gift."""

from sqlalchemy import select

from charity.database import utcnow
from charity.extensions import db
from donations.giving import operations
from donations.giving.models import Donation, RecurringGift
from donations.stripe import gateway, objects
from donations.stripe.events import Step, credit_step


def _monthly_gift(subscription: str) -> RecurringGift | None:
    return db.session.scalar(select(RecurringGift).where(
        RecurringGift.subscription == subscription).with_for_update())


def _paid_after_cancelling(invoice: dict, gift: RecurringGift) -> bool:
    """Whether Stripe took this invoice's money after the donor cancelled the monthly gift
    (an invoice paid before, delivered late, is an ordinary gift)."""
    if gift.status != "canceled" or gift.canceled_at is None:
        return False
    transitions = invoice.get("status_transitions")
    paid_at = transitions.get("paid_at") if isinstance(transitions, dict) else None
    paid_at = paid_at if isinstance(paid_at, int) else invoice.get("created")
    return isinstance(paid_at, int) and paid_at > gift.canceled_at.timestamp()


def _plan_amounts(invoice: dict) -> set[int]:
    """The whole-month amounts an invoice's own lines bill (a plan or price times its
    quantity), prorations left out."""
    lines = objects.nested(invoice, "lines").get("data")
    found = set()
    for line in lines if isinstance(lines, list) else []:
        if not isinstance(line, dict) or line.get("proration"):
            continue
        price = objects.nested(line, "price") or objects.nested(line, "plan")
        unit = price.get("unit_amount", price.get("amount"))
        quantity = line.get("quantity") or 1
        if isinstance(unit, int) and isinstance(quantity, int):
            found.add(unit * quantity)
    return found


def _monthly_amount(invoice: dict, amount: int, gift: RecurringGift) -> bool:
    """Whether an invoice is one month of the gift: its amount now, or the plan amount its own
    lines bill (an invoice finalised before the donor changed the amount, or retried)."""
    return amount == gift.amount_fen or amount in _plan_amounts(invoice)


def invoice_paid(invoice: dict) -> Step:
    """A paid invoice of a monthly gift: one more gift, recorded once (the invoice id is
    unique) whatever became of the monthly gift since, as Stripe holds the money; credited,
    unless its amount differs or it was paid after the donor cancelled (then held for review,
    to be refunded or kept by a person)."""
    subscription = objects.invoice_subscription(invoice)
    if not subscription:
        return Step("ignored: not a monthly gift's invoice")
    amount, currency = objects.whole(invoice, "amount_paid", 0), objects.currency(invoice)
    fee = gateway.invoice_fee(invoice, currency)  # a network call: before any row lock
    gift = _monthly_gift(subscription)
    if gift is None:
        return Step("waiting", waiting_on=f"sub:{subscription}")
    recorded = db.session.scalar(select(Donation).where(Donation.invoice == invoice["id"]))
    if recorded is not None or amount <= 0:
        return Step("ignored", recorded)
    intent = objects.invoice_intent(invoice)
    if intent and db.session.scalar(select(Donation.id).where(Donation.payment_intent == intent)):
        return Step("refused: the invoice names another gift's payment")
    donation = operations.new_donation(
        amount_fen=amount, currency=currency, designation=gift.designation, channel="online",
        recurring_id=gift.id, donor_id=gift.donor_id, donor_email=gift.donor.email,
        donor_name=gift.donor.name, show_name=gift.show_name, invoice=invoice["id"],
        payment_intent=intent)
    if not _monthly_amount(invoice, amount, gift) or currency != "cny":
        operations.flag(donation, f"amount_mismatch: {amount} {currency}")
        return Step("flagged", donation)
    if _paid_after_cancelling(invoice, gift):
        operations.flag(donation, "paid_after_cancel")
        return Step("flagged", donation)
    charge = invoice.get("charge") if isinstance(invoice.get("charge"), dict) else {}
    return credit_step(donation, amount, currency, fee, charge)


def subscription_deleted(subscription: dict) -> Step:
    """A monthly gift's subscription ended at Stripe: the gift is cancelled."""
    gift = _monthly_gift(subscription["id"])
    if gift is None:
        return Step("waiting", waiting_on=f"sub:{subscription['id']}")
    if gift.status == "canceled":
        return Step("ignored")
    gift.status, gift.canceled_at = "canceled", utcnow()
    return Step("canceled")
