"""Stripe's webhook, boring on purpose: verify the signature, claim the event id once, apply the
object it names through one handler, run the ledger posting last. An event whose gift is not
known yet is kept waiting and applied as soon as the gift exists (its delivery, the gift's own
commit, a redelivery or the reconciliation, whichever comes first). Every refused delivery
leaves a security record, without its body."""

import json

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from charity.audit.security import record_refusal
from charity.extensions import db
from charity.fund.operations import LedgerError
from donations.giving import operations
from donations.giving.models import Donation
from donations.stripe import disputes, events, gateway, objects, subscriptions
from donations.stripe.models import WAITING, StripeEvent

DUPLICATE = "duplicate"

HANDLERS = {
    "payment_intent.succeeded": events.payment_succeeded,
    "payment_intent.payment_failed": events.payment_failed,
    "charge.refunded": events.charge_refunded,
    "charge.dispute.created": disputes.dispute_created,
    "charge.dispute.closed": disputes.dispute_closed,
    "invoice.payment_succeeded": subscriptions.invoice_paid,
    "invoice.paid": subscriptions.invoice_paid,
    "customer.subscription.deleted": subscriptions.subscription_deleted,
}
#: Other events Stripe sends about the objects the platform uses: acknowledged, not applied.
#: A type outside these families is not one Stripe sends this endpoint: refused.
FAMILIES = ("payment_intent.", "charge.", "invoice.", "invoiceitem.", "customer.",
            "setup_intent.", "payment_method.", "plan.", "price.", "product.", "refund.",
            "balance.", "payout.", "source.", "mandate.")


class Refused(ValueError):
    """A delivery the webhook refuses (400): bad signature or timestamp, or not an event."""


def _not_json(constant: str):
    raise objects.Malformed(f"{constant} is not a JSON number")


def verified(payload: bytes, signature: str | None) -> tuple[str, str, dict]:
    """(id, type, object) of a delivery whose signature checks out; Refused otherwise. A body
    holding NaN or Infinity (which Python's JSON reader takes, and no JSON column stores) is
    refused, signed or not."""
    try:
        event_id, kind, obj = objects.event_parts(gateway.verify(payload, signature))
        json.loads(payload, parse_constant=_not_json)
    except (gateway.BadSignature, objects.Malformed) as error:
        raise Refused(str(error)) from None
    if kind not in HANDLERS and not kind.startswith(FAMILIES):
        raise Refused(f"unknown event type {kind[:60]}")
    return event_id, kind, obj


def refused(reason: str, event_id: str | None = None) -> None:
    """The security record of a refused delivery: the reason, never the body."""
    current_app.logger.warning("stripe webhook refused: %s", reason,
                               extra={"event_id": event_id, "reason": reason})
    record_refusal("webhook_refused", "stripe_event", event_id, reason=reason[:200])


def claim(event_id: str, kind: str) -> StripeEvent | None:
    """The event's row for this delivery: new, or one kept waiting (tried again now); None
    for an event already applied. A concurrent delivery of the same event waits on the key."""
    seen = db.session.get(StripeEvent, event_id, with_for_update=True)
    if seen is not None:
        return seen if seen.outcome == WAITING else None
    seen = StripeEvent(id=event_id, type=kind[:60], outcome="received")
    try:
        with db.session.begin_nested():
            db.session.add(seen)
    except IntegrityError:
        return claim(event_id, kind)
    return seen


def handle(event_id: str, kind: str, obj: dict) -> StripeEvent | None:
    """Claim and apply one verified event; None when it was applied before."""
    seen = claim(event_id, kind)
    if seen is not None:
        apply(seen, kind, obj)
    return seen


def apply(seen: StripeEvent, kind: str, obj: dict) -> str:
    """Apply an event's object to its gift, or keep it waiting; the posting runs last, in a
    savepoint: a posting the ledger refuses leaves the event refused and the gift held."""
    handler = HANDLERS.get(kind)
    if handler is None:
        seen.outcome, seen.payload, seen.waiting_on = "ignored", None, None
        return seen.outcome
    try:
        step = handler(obj)
    except objects.Malformed as error:
        step = events.Step(f"refused: {error}"[:200])
    _note(seen, step, kind, obj)
    if step.action is not None:
        try:
            with db.session.begin_nested():
                step.action()
        except LedgerError as error:
            seen.outcome = f"refused: {error}"[:200]
            operations.flag(step.donation, seen.outcome)
    if seen.outcome != WAITING and step.donation is not None:
        apply_waiting(gift_keys(step.donation))
    return seen.outcome


def _note(seen: StripeEvent, step: events.Step, kind: str, obj: dict) -> None:
    seen.outcome = step.outcome[:200]
    seen.donation_id = step.donation.id if step.donation is not None else seen.donation_id
    seen.waiting_on = step.waiting_on if step.outcome == WAITING else None
    seen.payload = {"type": kind, "object": obj} if step.outcome == WAITING else None
    db.session.flush()


def gift_keys(gift: Donation) -> list[str]:
    """The keys events about this gift are filed under."""
    keys = [f"pi:{gift.payment_intent}" if gift.payment_intent else None,
            f"ch:{gift.charge}" if gift.charge else None,
            f"sub:{gift.recurring.subscription}"
            if gift.recurring is not None and gift.recurring.subscription else None]
    return [key for key in keys if key]


def apply_waiting(keys: list[str]) -> list[str]:
    """Try again every event waiting on one of `keys`, oldest first; their outcomes."""
    if not keys:
        return []
    found = db.session.scalars(
        select(StripeEvent).where(StripeEvent.outcome == WAITING,
                                  StripeEvent.waiting_on.in_(keys))
        .order_by(StripeEvent.received_at, StripeEvent.id).with_for_update()).all()
    return [_retry(seen) for seen in found if seen.outcome == WAITING]


def _retry(seen: StripeEvent) -> str:
    """Apply a waiting event from what it said; one whose record is unreadable is refused."""
    payload = seen.payload if isinstance(seen.payload, dict) else {}
    kind, obj = payload.get("type"), payload.get("object")
    if not isinstance(kind, str) or not isinstance(obj, dict) or "id" not in obj:
        seen.outcome, seen.payload, seen.waiting_on = "refused: unreadable", None, None
        return seen.outcome
    return apply(seen, kind, obj)
