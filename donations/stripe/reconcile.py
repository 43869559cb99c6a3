"""Reconciliation: compare the gifts with what Stripe holds, put each difference right through
the webhook's own code (as if the notice had come), and report what needs a person. Run by
`flask donations reconcile`; the staff page shows the last run."""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import stripe
from sqlalchemy import select

from charity.database import utcnow
from charity.extensions import db
from charity.timeutil import SHANGHAI
from charity.transaction import unit_of_work
from donations.giving.models import Donation
from donations.stripe import disputes, gateway, reads, webhook
from donations.stripe.models import WAITING, Reconciliation, StripeEvent


def _intent_notice(intent: dict) -> str | None:
    """A PaymentIntent's notice: paid, or failed (cancelled, or an attempt that failed); one
    still waiting for its first attempt (a donor on the page) has none."""
    status = intent.get("status")
    if status == "succeeded":
        return "payment_intent.succeeded"
    if status == "canceled" or (status == "requires_payment_method"
                                and intent.get("last_payment_error")):
        return "payment_intent.payment_failed"
    return None


#: For each object Stripe lists: the notice its state amounts to, if any.
NOTICES = {
    "payment_intents": _intent_notice,
    # every charge that took money: its refunds (none, some, or fewer than recorded) decide
    "charges": lambda o: "charge.refunded" if o.get("paid") is True
    and o.get("status") == "succeeded" else None,
    "disputes": lambda o: "charge.dispute.closed" if o.get("status") in disputes.CLOSED
    else "charge.dispute.created",
    "invoices": lambda o: "invoice.paid" if o.get("status") == "paid" else None,
    "subscriptions": lambda o: "customer.subscription.deleted"
    if o.get("status") == "canceled" else None,
}
#: Why a difference needs a person (shown to staff through `REASONS` in the staff view):
#: `no_gift` Stripe holds it and no gift here matches; `unknown_to_stripe` a pending gift's
#: PaymentIntent is not at Stripe; `refused` the ledger refused it; `not_listed` Stripe did not
#: list that kind of object.
#: `expired` a notice waited `WAIT_DAYS` days for a gift that never came.
#: Outcomes that are no difference: the gift already matched Stripe.
WAIT_DAYS = 30
SAME = ("ignored", "refunded 0", "in fund")


@dataclass
class Report:
    """What a run found, gathered before it is kept: objects examined, differences put right,
    differences that need a person."""

    token: str = field(default_factory=lambda: secrets.token_hex(4))
    examined: dict = field(default_factory=dict)
    fixed: list = field(default_factory=list)
    unfixed: list = field(default_factory=list)


def _note(report: Report, seen: StripeEvent, notice: str, obj: dict, outcome: str) -> None:
    """Sort one outcome: no difference, put right (its event kept as the record), or not."""
    entry = {"object": obj["id"], "kind": notice, "donation_id": seen.donation_id}
    if outcome.startswith(SAME) or (outcome == WAITING
                                    and notice == "payment_intent.payment_failed"):
        return  # matched already; or an unpaid PaymentIntent without a gift: no money moved
    if outcome == WAITING and notice == "charge.refunded" and obj.get("payment_intent"):
        return  # its PaymentIntent, listed too, says it once
    if outcome == WAITING:
        report.unfixed.append(entry | {"reason": "no_gift"})
    elif outcome.startswith("refused"):
        report.unfixed.append(entry | {"reason": "refused", "detail": outcome})
    else:
        seen.waiting_on, seen.payload = None, None
        db.session.add(seen)
        report.fixed.append(entry | {"outcome": outcome})


def _apply(report: Report, kind: str, obj: dict) -> None:
    """Apply one of Stripe's objects as its notice would have, in a unit of work of its own
    (Stripe is read first, outside it), so deliveries never wait behind the whole run."""
    notice = NOTICES[kind](obj)
    if notice is None:
        return
    gateway.forget()
    reads.prefetch(notice, obj)
    seen = StripeEvent(id=f"reconcile:{report.token}:{obj['id']}"[:80], type=notice)
    with unit_of_work(errors=False) as work:
        _note(report, seen, notice, obj, webhook.apply(seen, notice, obj))
    if not work.ok:
        report.unfixed.append({"object": obj["id"], "kind": notice, "reason": "refused",
                               "detail": str(work.error)[:200]})


def _stripe_side(report: Report, since: int) -> None:
    for kind in gateway.LISTED:
        try:
            found = gateway.listed(kind, since)
        except stripe.StripeError as error:
            report.unfixed.append({"object": kind, "kind": "list", "reason": "not_listed",
                                   "detail": str(error)[:200]})
            continue
        report.examined[kind] = len(found)
        for obj in found:
            _apply(report, kind, obj)


def _our_side(report: Report, since: datetime) -> None:
    """Gifts still pending here: what Stripe says of each; then the events still waiting."""
    with unit_of_work(errors=False):
        pending = db.session.execute(select(Donation.id, Donation.payment_intent).where(
            Donation.status == "pending", Donation.payment_intent.is_not(None),
            Donation.given_at >= since)).all()
    report.examined["pending gifts"] = len(pending)
    for donation_id, intent_id in pending:
        gateway.forget()
        intent = gateway.current_intent(intent_id)
        if intent is None:
            report.unfixed.append({"object": intent_id, "kind": "gift",
                                   "donation_id": donation_id, "reason": "unknown_to_stripe"})
        else:
            _apply(report, "payment_intents", intent)
    with unit_of_work(errors=False):
        _expire_waiting(report)
    with unit_of_work(errors=False):
        keys = sorted(set(db.session.scalars(select(StripeEvent.waiting_on).where(
            StripeEvent.outcome == WAITING, StripeEvent.waiting_on.is_not(None))).all()))
        report.examined["waiting events"] = len(keys)
        report.fixed += [{"object": "waiting", "kind": "waiting", "outcome": outcome}
                         for outcome in webhook.apply_waiting(keys) if outcome != WAITING]


def _expire_waiting(report: Report) -> None:
    """Events that waited longer than `WAIT_DAYS` for a gift that never came (another
    integration's payments on the same Stripe account, say) stop waiting: their record of
    what they said (payment details) is dropped, and a person is told."""
    old = db.session.scalars(select(StripeEvent).where(
        StripeEvent.outcome == WAITING,
        StripeEvent.received_at < utcnow() - timedelta(days=WAIT_DAYS))).all()
    for seen in old:
        seen.outcome, seen.payload, seen.waiting_on = "refused: waited too long", None, None
        report.unfixed.append({"object": seen.id, "kind": seen.type, "reason": "expired"})


def reconcile(since: date, user=None) -> Reconciliation:
    """Compare every Stripe object created since `since` (Asia/Shanghai) with the gifts, and
    the gifts still pending with Stripe; apply what is missing, one object at a time; keep
    and return the report."""
    start, started = datetime.combine(since, time(), SHANGHAI), utcnow()
    report = Report()
    _stripe_side(report, int(start.timestamp()))
    _our_side(report, start)
    with unit_of_work(errors=False):
        run = Reconciliation(since=since, started_at=started, run_by_id=getattr(user, "id", None),
                             examined=report.examined, fixed=report.fixed,
                             unfixed=report.unfixed, finished_at=utcnow())
        db.session.add(run)
    return run
