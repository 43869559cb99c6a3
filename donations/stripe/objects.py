"""Reading the objects Stripe sends (PaymentIntent, Charge, Dispute, Invoice, Subscription):
their ids, the keys a gift is found by, and amounts checked to be whole numbers. A field of the
wrong shape raises `Malformed`, which the webhook refuses: nothing is guessed about money."""

from dataclasses import dataclass


class Malformed(ValueError):
    """An event or object that is not shaped as Stripe sends it."""


@dataclass(frozen=True)
class Keys:
    """What ties a Stripe object to a gift: its PaymentIntent, its Charge, its Subscription."""

    intent: str | None = None
    charge: str | None = None
    subscription: str | None = None

    @property
    def waiting_on(self) -> str | None:
        """The key a waiting event is filed under: the most specific one known."""
        for prefix, value in (("pi", self.intent), ("ch", self.charge),
                              ("sub", self.subscription)):
            if value:
                return f"{prefix}:{value}"
        return None

    @property
    def all(self) -> list[str]:
        """Every key, as waiting events are filed."""
        return [f"{p}:{v}" for p, v in (("pi", self.intent), ("ch", self.charge),
                                         ("sub", self.subscription)) if v]


#: More than any amount Stripe takes (eight digits), well within the database's integers.
MAX_AMOUNT = 10**12 - 1


def ident(value, longest: int = 80) -> str | None:
    """The id of an expandable field: the string itself, or the expanded object's id."""
    if isinstance(value, dict):
        value = value.get("id")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > longest:
        raise Malformed(f"not an id: {value!r}"[:120])
    return value


def nested(obj: dict, field: str) -> dict:
    """A field that holds an object (metadata, payment details): {} when it is absent."""
    value = obj.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"{field} is not an object"[:120])
    return value


def keys(obj: dict) -> Keys:
    """The keys of a PaymentIntent, Charge, Dispute, Invoice or Subscription."""
    kind = obj.get("object")
    own = ident(obj.get("id"))
    if kind == "subscription":
        return Keys(subscription=own)
    if kind == "invoice":
        return Keys(intent=invoice_intent(obj), charge=ident(obj.get("charge")),
                    subscription=invoice_subscription(obj))
    return Keys(intent=own if kind == "payment_intent" else ident(obj.get("payment_intent")),
                charge=own if kind == "charge" else ident(obj.get("charge")))


def invoice_subscription(invoice: dict) -> str | None:
    """The subscription an invoice bills: `subscription` in API versions before 2025-03-31,
    `parent.subscription_details.subscription` since."""
    details = nested(nested(invoice, "parent"), "subscription_details")
    return ident(invoice.get("subscription")) or ident(details.get("subscription"))


def invoice_intent(invoice: dict) -> str | None:
    """The PaymentIntent that paid an invoice: `payment_intent` before 2025-03-31, the first
    paid one in its `payments` list since (when Stripe included it)."""
    found = ident(invoice.get("payment_intent"))
    payments = nested(invoice, "payments").get("data")
    for paid in payments if isinstance(payments, list) else []:
        payment = nested(paid, "payment") if isinstance(paid, dict) else {}
        if not found and paid.get("status") in (None, "paid"):
            found = ident(payment.get("payment_intent"))
    return found


def whole(obj: dict, field: str, default: int | None = None) -> int:
    """A count of the smallest currency unit (fen): an integer, never a string or a float."""
    value = obj.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise Malformed(f"{field} is not a whole amount: {value!r}"[:120])
    return value


def currency(obj: dict) -> str:
    """The object's currency code, lower case (Stripe's own form)."""
    value = obj.get("currency")
    if not isinstance(value, str) or not 3 <= len(value) <= 3:
        raise Malformed(f"currency is not a currency code: {value!r}"[:120])
    return value.lower()


def event_parts(event: dict) -> tuple[str, str, dict]:
    """(id, type, object) of a verified event; Malformed if any is missing or mistyped."""
    event_id, kind = event.get("id"), event.get("type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 80:
        raise Malformed("the event has no id")
    if not isinstance(kind, str) or not 0 < len(kind) <= 60:
        raise Malformed("the event has no type")
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) \
            or not 0 < len(obj["id"]) <= 80:
        raise Malformed("the event has no object")
    return event_id, kind, obj
