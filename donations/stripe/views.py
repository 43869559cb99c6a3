"""Stripe's webhook: the only way an online gift's money reaches the fund."""

from flask import Blueprint, jsonify, request

from charity.extensions import csrf, db, limiter
from charity.transaction import unit_of_work
from donations.stripe import gateway, webhook
from donations.stripe.models import StripeEvent

bp = Blueprint("stripe", __name__, url_prefix="/donations/stripe")


@bp.post("/webhook")
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    """Stripe's events: verify, drop what was seen, check the amount, call one operation."""
    try:
        event = gateway.verify(request.get_data(), request.headers.get("Stripe-Signature"))
    except gateway.BadSignature:
        return jsonify(error="bad signature"), 400
    if db.session.get(StripeEvent, event["id"]) is not None:
        return jsonify(outcome=webhook.DUPLICATE)
    with unit_of_work(errors=False) as work:
        outcome = webhook.handle(event)
    if not work.ok:
        return jsonify(error=str(work.error)), 400
    return jsonify(outcome=outcome)
