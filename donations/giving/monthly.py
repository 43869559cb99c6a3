"""Monthly giving through Stripe subscriptions: start (card saved with a SetupIntent),
change the amount, cancel; every paid invoice becomes a credited gift."""

from flask_babel import lazy_gettext as _l

from charity.database import utcnow
from charity.errors import DomainError
from charity.extensions import db
from donations.giving import designations
from donations.giving.amounts import check_amount
from donations.giving.models import RecurringGift
from donations.stripe import gateway


class MonthlyError(DomainError):
    """A change to a monthly gift that cannot be made; the message is shown to the user."""


def _stripe_call(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except Exception as error:  # stripe.StripeError and network errors alike
        raise MonthlyError(_l("The payment service refused: %(why)s",
                              why=getattr(error, "user_message", None) or error)) from None


def start(donor, amount_fen: int, designation: str | None,
          show_name: bool = False) -> tuple[RecurringGift, str]:
    """Open a monthly gift and a SetupIntent for its card; return (gift, client_secret). Its
    gifts are anonymous unless the donor chose to show their name."""
    check_amount(amount_fen)
    try:
        designation = designations.check(designation)
    except designations.DesignationError as error:
        raise MonthlyError(str(error)) from None
    stripe = gateway.client().v1
    customer = _stripe_call(stripe.customers.create,
                            params={"email": donor.email, "metadata": {"user": str(donor.id)}})
    intent = _stripe_call(stripe.setup_intents.create,
                          params={"customer": customer.id, "payment_method_types": ["card"]})
    gift = RecurringGift(donor_id=donor.id, amount_fen=amount_fen, designation=designation,
                         show_name=bool(show_name), stripe_customer=customer.id,
                         setup_intent=intent.id)
    db.session.add(gift)
    db.session.flush()
    return gift, intent.client_secret


def _plan(amount_fen: int) -> str:
    plan = _stripe_call(gateway.client().v1.plans.create, params={
        "amount": amount_fen, "currency": "cny", "interval": "month",
        "product": {"name": f"送炭 每月捐赠 ¥{amount_fen / 100:.2f}"}})
    return plan.id


def activate(gift: RecurringGift) -> RecurringGift:
    """Subscribe once the donor's card is saved: it becomes the customer's default."""
    _online_only(gift)
    if gift.status != "incomplete":
        raise MonthlyError(_l("This monthly gift has already started."))
    stripe = gateway.client().v1
    intent = _stripe_call(stripe.setup_intents.retrieve, gift.setup_intent)
    if intent.status != "succeeded" or not intent.payment_method:
        raise MonthlyError(_l("The card has not been saved yet."))
    _stripe_call(stripe.customers.update, gift.stripe_customer, params={
        "invoice_settings": {"default_payment_method": intent.payment_method}})
    subscription = _stripe_call(stripe.subscriptions.create, params={
        "customer": gift.stripe_customer, "items": [{"plan": _plan(gift.amount_fen)}],
        "metadata": {"recurring_gift": str(gift.id)}})
    gift.subscription, gift.status = subscription.id, "active"
    db.session.flush()
    return gift


def _online_only(gift: RecurringGift) -> None:
    if gift.kind == "standing_order":
        raise MonthlyError(_l("A bank standing order is changed at your bank or by the "
                              "charity's staff, not here."))


def change(gift: RecurringGift, amount_fen: int) -> RecurringGift:
    """A new monthly amount from the next invoice on."""
    _online_only(gift)
    check_amount(amount_fen)
    if gift.status != "active":
        raise MonthlyError(_l("Only an active monthly gift can be changed."))
    stripe = gateway.client().v1
    subscription = _stripe_call(stripe.subscriptions.retrieve, gift.subscription)
    item = subscription["items"]["data"][0]["id"]
    params: dict = {"items": [{"id": item, "plan": _plan(amount_fen)}]}
    if not gateway.uses_localstripe():  # no proration invoice: the next one is the new amount
        params["proration_behavior"] = "none"
    _stripe_call(stripe.subscriptions.update, gift.subscription, params=params)
    gift.amount_fen = amount_fen
    db.session.flush()
    return gift


def cancel(gift: RecurringGift) -> RecurringGift:
    """Stop the monthly gift now; gifts already made stay."""
    _online_only(gift)
    if gift.status == "canceled":
        raise MonthlyError(_l("This monthly gift is already cancelled."))
    if gift.subscription:
        _stripe_call(gateway.client().v1.subscriptions.cancel, gift.subscription)
    gift.status, gift.canceled_at = "canceled", utcnow()
    db.session.flush()
    return gift
