"""Stripe's webhook: the only way an online gift's money reaches the fund."""

from flask import Blueprint, jsonify, request

from charity.extensions import csrf, limiter
from charity.transaction import unit_of_work
from donations.stripe import reads, webhook
from donations.stripe.models import WAITING

bp = Blueprint("stripe", __name__, url_prefix="/donations/stripe")


@bp.post("/webhook")
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    """Stripe's events: verify, drop what was seen, apply the object, post once. A refused
    delivery is answered 400 and recorded; an event kept waiting is tried again at once after
    its commit, in case its gift was committed meanwhile by the request that made it."""
    try:
        event_id, kind, obj = webhook.verified(request.get_data(),
                                               request.headers.get("Stripe-Signature"))
    except webhook.Refused as error:
        with unit_of_work():
            webhook.refused(str(error))
        return jsonify(error="refused"), 400
    reads.prefetch(kind, obj)  # Stripe's reads, before any lock is taken
    with unit_of_work(errors=False) as work:
        seen = webhook.handle(event_id, kind, obj)
        outcome = seen.outcome if seen is not None else webhook.DUPLICATE
        waiting_on = seen.waiting_on if seen is not None else None
    if not work.ok:
        return jsonify(error=str(work.error)), 400
    if outcome == WAITING:
        with unit_of_work(errors=False):
            webhook.apply_waiting([waiting_on])
    return jsonify(outcome=outcome)
