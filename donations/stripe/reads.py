"""Stripe's reads a notice needs, made before the webhook takes any lock: the handlers find
them remembered (`gateway.remembered`), so no row or write lock waits on a round trip to
Stripe."""

from donations.stripe import gateway, objects


def prefetch(kind: str, obj: dict) -> None:
    """Read from Stripe, before any lock is taken, what the handler of `kind` will ask for:
    the payment's fee, Stripe's current PaymentIntent after a failure, a dispute's charge.
    The reads are remembered for the handler (`gateway.remembered`); a malformed object is
    left for the handler to refuse."""
    try:
        if kind.startswith("payment_intent."):
            current = gateway.current_intent(obj["id"]) if kind.endswith("failed") else None
            intent = current if current and current.get("status") == "succeeded" else obj
            gateway.charge_fee(intent, objects.currency(intent))
        elif kind == "charge.refunded":  # its fee, and its refunds now (the notice may be old)
            gateway.charge_fee({"latest_charge": obj}, objects.currency(obj))
            gateway.current_charge(obj["id"])
        elif kind.startswith("charge.dispute."):
            charge = objects.ident(obj.get("charge"))
            found = gateway.current_charge(charge) if charge else None
            if found:
                gateway.charge_fee({"latest_charge": found}, objects.currency(found))
        elif kind.startswith("invoice."):
            gateway.invoice_fee(obj, objects.currency(obj))
    except objects.Malformed:
        return
