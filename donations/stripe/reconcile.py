"""Reconciliation: compare the gifts with what Stripe holds, put each difference right through
the webhook's own code (as if the notice had come), and report what needs a person. Run by
`flask donations reconcile`; the staff page shows the last run."""

from datetime import date, datetime, time

import stripe
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from charity.database import utcnow
from charity.extensions import db
from charity.timeutil import SHANGHAI
from donations.giving.models import Donation
from donations.stripe import gateway, webhook
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
    "charges": lambda o: "charge.refunded" if o.get("amount_refunded") else None,
    "disputes": lambda o: "charge.dispute.closed" if o.get("status") in ("won", "lost")
    else "charge.dispute.created",
    "invoices": lambda o: "invoice.paid" if o.get("status") == "paid" else None,
    "subscriptions": lambda o: "customer.subscription.deleted"
    if o.get("status") == "canceled" else None,
}
#: Why a difference needs a person (shown to staff through `REASONS` in the staff view):
#: `no_gift` Stripe holds it and no gift here matches; `unknown_to_stripe` a pending gift's
#: PaymentIntent is not at Stripe; `refused` the ledger refused it; `not_listed` Stripe did not
#: list that kind of object.
#: Outcomes that are no difference: the gift already matched Stripe.
SAME = ("ignored", "refunded 0", "in fund")


def _apply(run: Reconciliation, kind: str, obj: dict) -> None:
    """Apply one of Stripe's objects as its notice would have; note what differed."""
    notice = NOTICES[kind](obj)
    if notice is None:
        return
    seen = StripeEvent(id=f"reconcile:{run.id}:{obj['id']}"[:80], type=notice)
    outcome = webhook.apply(seen, notice, obj)
    if outcome.startswith(SAME):
        return
    entry = {"object": obj["id"], "kind": notice, "donation_id": seen.donation_id}
    if outcome == WAITING and notice == "payment_intent.payment_failed":
        return  # an unpaid PaymentIntent without a gift (a page left): no money moved
    if outcome == WAITING:
        run.unfixed.append(entry | {"reason": "no_gift"})
    elif outcome.startswith("refused"):
        run.unfixed.append(entry | {"reason": "refused", "detail": outcome})
    else:
        seen.waiting_on, seen.payload = None, None
        db.session.add(seen)
        run.fixed.append(entry | {"outcome": outcome})


def _stripe_side(run: Reconciliation, since: int) -> None:
    for kind in gateway.LISTED:
        try:
            found = gateway.listed(kind, since)
        except stripe.StripeError as error:
            run.unfixed.append({"object": kind, "kind": "list", "reason": "not_listed",
                                "detail": str(error)[:200]})
            continue
        run.examined[kind] = len(found)
        for obj in found:
            _apply(run, kind, obj)


def _our_side(run: Reconciliation, since: datetime) -> None:
    """Gifts still pending here: what Stripe says of each; and events still waiting."""
    pending = db.session.scalars(select(Donation).where(
        Donation.status == "pending", Donation.payment_intent.is_not(None),
        Donation.given_at >= since)).all()
    run.examined["pending gifts"] = len(pending)
    for gift in pending:
        intent = gateway.current_intent(gift.payment_intent)
        if intent is None:
            run.unfixed.append({"object": gift.payment_intent, "kind": "gift",
                                "donation_id": gift.id, "reason": "unknown_to_stripe"})
        else:
            _apply(run, "payment_intents", intent)
    keys = db.session.scalars(select(StripeEvent.waiting_on).where(
        StripeEvent.outcome == WAITING)).all()
    run.examined["waiting events"] = len(keys)
    applied = webhook.apply_waiting(sorted(set(keys)))
    run.fixed += [{"object": "waiting", "kind": "waiting", "outcome": outcome}
                  for outcome in applied if outcome != WAITING]


def reconcile(since: date, user=None) -> Reconciliation:
    """Compare every Stripe object created since `since` (Asia/Shanghai) with the gifts, and
    the gifts still pending with Stripe; apply what is missing; keep and return the report."""
    start = datetime.combine(since, time(), SHANGHAI)
    run = Reconciliation(since=since, run_by_id=getattr(user, "id", None), examined={},
                         fixed=[], unfixed=[])
    db.session.add(run)
    db.session.flush()
    _stripe_side(run, int(start.timestamp()))
    _our_side(run, start)
    run.finished_at = utcnow()
    for field in ("examined", "fixed", "unfixed"):  # JSON changed in place: say so
        flag_modified(run, field)
    db.session.flush()
    return run
