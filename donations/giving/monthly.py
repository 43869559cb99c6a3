"""Monthly giving through Stripe subscriptions: start (card saved with a SetupIntent),
activate, change the amount, cancel; every paid invoice becomes a credited gift.

Each of them acts once however often it is asked (a double click, two tabs, a retry after a
lost answer): it locks the gift's row before it reads the gift's status, and every Stripe call
that creates something carries an idempotency key derived from the gift (before the gift
exists, from the start form), so that Stripe answers a retry with the object it made before."""

import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.auth.models import User
from charity.database import utcnow
from charity.errors import DomainError
from charity.extensions import db
from charity.main.templating import fen
from donations.giving import designations, queries
from donations.giving.amounts import check_amount
from donations.giving.models import RecurringGift
from donations.stripe import gateway

#: How long a monthly gift whose card is not saved yet counts as one the donor is starting.
RECENT = timedelta(days=1)
#: What a start or an activation says of a gift that is past starting.
ALREADY = {"active": _l("This monthly gift has already started."),
           "canceled": _l("This monthly gift is already cancelled.")}


class MonthlyError(DomainError):
    """A change to a monthly gift that cannot be made; the message is shown to the user."""


class DuplicateMonthly(MonthlyError):
    """The donor already has this monthly gift (same amount and designation): another one
    is started only once they confirm it."""


def _stripe_call(call, *args, key: str | None = None, **kwargs):
    if key is not None:
        kwargs["options"] = {"idempotency_key": key}
    try:
        return call(*args, **kwargs)
    except Exception as error:  # stripe.StripeError and network errors alike
        raise MonthlyError(_l("The payment service refused: %(why)s",
                              why=getattr(error, "user_message", None) or error)) from None


def _key(gift: RecurringGift, step: str) -> str:
    """The idempotency key of one Stripe call for a gift. Its SetupIntent keeps the key unique
    at Stripe where a gift's id is used again (a database reset, a test's rollback)."""
    return f"songtan-monthly-{gift.id}-{gift.setup_intent}-{step}"


def _lock(gift: RecurringGift) -> None:
    """Read the gift again under a row lock (on SQLite the request's transaction already
    holds the write lock), so that what follows sees its current status, one at a time."""
    db.session.refresh(gift, with_for_update=True)


def _fund_designation(designation: str | None) -> str | None:
    """The designation if the monthly form offers it (where most needed, a measure, a street)."""
    if (designation or "") not in dict(designations.fund_choices()):
        raise MonthlyError(_l("Choose what the gift is for from the list."))
    return designation or None


def _refuse_identical(donor, amount_fen: int, designation: str | None, setup_intent: str):
    """DuplicateMonthly if the donor has another gift of these terms running or starting."""
    identical = queries.identical_monthly(donor, amount_fen, designation, utcnow() - RECENT) \
        .where(RecurringGift.setup_intent.is_distinct_from(setup_intent))
    if db.session.scalar(identical.limit(1)) is not None:
        raise DuplicateMonthly(_l(
            "You already have a monthly gift of %(amount)s for %(designation)s. To start "
            "another identical one, tick the box below and submit again.",
            amount=fen(amount_fen), designation=designations.describe(designation)))


def _card_setup(donor, start_key: str):
    """The Stripe customer and SetupIntent of one start form: the same ones each time it is
    sent (Stripe keeps idempotency keys for a day)."""
    stripe = gateway.client().v1
    key = f"songtan-monthly-start-{donor.id}-{start_key}"
    customer = _stripe_call(stripe.customers.create, key=f"{key}-customer", params={
        "email": donor.email, "metadata": {"user": str(donor.id)}})
    intent = _stripe_call(stripe.setup_intents.create, key=f"{key}-setup", params={
        "customer": customer.id, "payment_method_types": ["card"]})
    return customer, intent


def start(donor, amount_fen: int, designation: str | None, show_name: bool = False, *,
          start_key: str | None = None, confirmed: bool = False) -> tuple[RecurringGift, str]:
    """Open a monthly gift and a SetupIntent for its card; return (gift, client_secret). Its
    gifts are anonymous unless the donor chose to show their name. A start form sent again
    (the same `start_key`) gets its gift back with the terms it now says; a gift identical
    to one the donor has running or is starting is refused unless `confirmed`."""
    check_amount(amount_fen)
    designation = _fund_designation(designation)
    # One start at a time per donor, so that two tabs see each other's gift.
    db.session.execute(select(User.id).where(User.id == donor.id)
                       .with_for_update(key_share=True))
    customer, intent = _card_setup(donor, start_key or secrets.token_urlsafe(16))
    if not confirmed:
        _refuse_identical(donor, amount_fen, designation, intent.id)
    gift = db.session.scalar(select(RecurringGift).where(RecurringGift.setup_intent == intent.id))
    if gift is None:
        gift = RecurringGift(donor_id=donor.id, stripe_customer=customer.id,
                             setup_intent=intent.id)
        db.session.add(gift)
    elif gift.status != "incomplete":
        raise MonthlyError(ALREADY[gift.status])
    gift.amount_fen, gift.designation, gift.show_name = amount_fen, designation, bool(show_name)
    db.session.flush()
    return gift, intent.client_secret


def _plan(gift: RecurringGift, amount_fen: int) -> str:
    plan = _stripe_call(gateway.client().v1.plans.create, key=_key(gift, f"plan-{amount_fen}"),
                        params={"amount": amount_fen, "currency": "cny", "interval": "month",
                                "product": {"name": f"送炭 每月捐赠 ¥{amount_fen / 100:.2f}"}})
    return plan.id


def _made_for(gift: RecurringGift) -> list[str]:
    """The ids of the live subscriptions Stripe holds for this gift (the customer is the
    gift's own): one made by an activation whose answer was lost, past the key's day."""
    found = _stripe_call(gateway.client().v1.subscriptions.list,
                         params={"customer": gift.stripe_customer})
    return [s.id for s in found.data
            if (s.to_dict().get("metadata") or {}).get("recurring_gift") == str(gift.id)]


def activate(gift: RecurringGift) -> RecurringGift:
    """Subscribe once the donor's card is saved: it becomes the customer's default. Once: an
    active gift is left as it is, and a retry finds the subscription Stripe made for it."""
    _lock(gift)
    _online_only(gift)
    if gift.status == "active":
        return gift
    if gift.status == "canceled":
        raise MonthlyError(ALREADY["canceled"])
    stripe = gateway.client().v1
    intent = _stripe_call(stripe.setup_intents.retrieve, gift.setup_intent)
    if intent.status != "succeeded" or not intent.payment_method:
        raise MonthlyError(_l("The card has not been saved yet."))
    _stripe_call(stripe.customers.update, gift.stripe_customer, params={
        "invoice_settings": {"default_payment_method": intent.payment_method}})
    made = _made_for(gift)
    gift.subscription = made[0] if made else _stripe_call(
        stripe.subscriptions.create, key=_key(gift, "subscribe"), params={
            "customer": gift.stripe_customer, "items": [{"plan": _plan(gift, gift.amount_fen)}],
            "metadata": {"recurring_gift": str(gift.id)}}).id
    gift.status = "active"
    db.session.flush()
    return gift


def _online_only(gift: RecurringGift) -> None:
    if gift.kind == "standing_order":
        raise MonthlyError(_l("A bank standing order is changed at your bank or by the "
                              "charity's staff, not here."))


def change(gift: RecurringGift, amount_fen: int) -> RecurringGift:
    """A new monthly amount from the next invoice on."""
    check_amount(amount_fen)
    _lock(gift)
    _online_only(gift)
    if gift.status != "active":
        raise MonthlyError(_l("Only an active monthly gift can be changed."))
    stripe = gateway.client().v1
    subscription = _stripe_call(stripe.subscriptions.retrieve, gift.subscription)
    item = subscription["items"]["data"][0]["id"]
    params: dict = {"items": [{"id": item, "plan": _plan(gift, amount_fen)}]}
    if not gateway.uses_localstripe():  # no proration invoice: the next one is the new amount
        params["proration_behavior"] = "none"
    _stripe_call(stripe.subscriptions.update, gift.subscription, params=params)
    gift.amount_fen = amount_fen
    db.session.flush()
    return gift


def cancel(gift: RecurringGift) -> RecurringGift:
    """Stop the monthly gift now; gifts already made stay. A gift still being started may
    have a subscription its activation made but never recorded: it is recorded (its paid
    invoices are the fund's) and cancelled too. From `canceled_at` on, Stripe bills nothing."""
    _lock(gift)
    _online_only(gift)
    if gift.status == "canceled":
        raise MonthlyError(ALREADY["canceled"])
    live = [gift.subscription] if gift.subscription else _made_for(gift)
    for subscription in live:
        _stripe_call(gateway.client().v1.subscriptions.cancel, subscription)
    gift.subscription = gift.subscription or next(iter(live), None)
    gift.status, gift.canceled_at = "canceled", utcnow()
    db.session.flush()
    return gift
