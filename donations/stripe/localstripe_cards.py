"""Stripe's test cards on localstripe, as https://docs.stripe.com/testing documents them.

localstripe declines most decline cards only when one is attached to a customer, so a
PaymentIntent charged with 4000 0000 0000 0002 succeeded. `install()` patches its classes (never
its files) so that confirming a PaymentIntent with a test card ends as on Stripe: a failed charge,
the PaymentIntent back in `requires_payment_method` with a `last_payment_error`, a signed
`payment_intent.payment_failed`, a 402 `card_error`, and a new confirmation of the same
PaymentIntent with another card possible. Each patch says which Stripe behaviour it reproduces.
"""

from dataclasses import dataclass

from localstripe.errors import UserError
from localstripe.resources import Charge, Event, Invoice, PaymentIntent, PaymentMethod, Source
from localstripe.webhooks import schedule_webhook

from donations.stripe import card_input

DECLINED = "Your card was declined."


@dataclass(frozen=True)
class Decline:
    """How Stripe refuses a test card: the error's code, decline code and message."""

    code: str
    decline_code: str | None
    message: str


#: Stripe's test cards that are declined when charged, with the error Stripe gives.
DECLINES = {
    "4000000000000002": Decline("card_declined", "generic_decline", DECLINED),
    "4000000000009995": Decline("card_declined", "insufficient_funds",
                                "Your card has insufficient funds."),
    "4000000000009987": Decline("card_declined", "lost_card", DECLINED),
    "4000000000009979": Decline("card_declined", "stolen_card", DECLINED),
    "4000000000000069": Decline("expired_card", None, "Your card has expired."),
    "4000000000000127": Decline("incorrect_cvc", None, "Your card's security code is incorrect."),
    "4000000000000119": Decline("processing_error", None, "An error occurred while processing "
                                "your card. Try again in a little bit."),
    # Attaching succeeds, charging fails; the two 3-D Secure cards decline after authentication.
    "4000000000000341": Decline("card_declined", "generic_decline", DECLINED),
    "4000008260003178": Decline("card_declined", "insufficient_funds",
                                "Your card has insufficient funds."),
    "4000008400001629": Decline("card_declined", "generic_decline", DECLINED),
}


def decline_of(payment_method: str | None) -> Decline | None:
    """The decline Stripe gives for the test card behind a payment method id, if any."""
    if not payment_method or payment_method.startswith(Source._id_prefix):
        return None
    return DECLINES.get(getattr(PaymentMethod._api_retrieve(payment_method), "_card_number", ""))


def card_error(charge: Charge, intent: PaymentIntent | None = None) -> UserError:
    """Stripe's 402 for a declined charge: a `card_error` with its code and decline code, and
    the PaymentIntent when one was being confirmed."""
    decline = decline_of(charge.payment_method)
    contents = {"code": charge.failure_code, "charge": charge.id}
    if decline is not None and decline.decline_code:
        contents["decline_code"] = decline.decline_code
    if intent is not None:
        contents["payment_intent"] = intent._export()
    error = UserError(402, charge.failure_message, contents)
    error.body["error"]["type"] = "card_error"
    return error


_charging_is_declined = PaymentMethod._charging_is_declined
_payment_method_init = PaymentMethod.__init__
_set_auth_failure = Charge._set_auth_failure
_last_payment_error = PaymentIntent.last_payment_error


def charging_is_declined(self) -> bool:
    """Stripe declines a decline test card when a payment charges it, not only on attaching."""
    return _charging_is_declined(self) or getattr(self, "_card_number", None) in DECLINES


def set_auth_failure(self) -> None:
    """Stripe's failed charge carries the card's own failure code, message and outcome."""
    _set_auth_failure(self)
    decline = decline_of(self.payment_method)
    if decline is not None:
        self.failure_code, self.failure_message = decline.code, decline.message
    reason = (decline.decline_code or decline.code) if decline else "generic_decline"
    self.outcome = {"type": "issuer_declined", "network_status": "declined_by_network",
                    "reason": reason,
                    "seller_message": "The bank did not return any further details."}


def raise_failure(self) -> None:
    """A declined charge answers Stripe's 402 `card_error`, with its decline code."""
    raise card_error(self)


def report_failure(self) -> None:
    """A PaymentIntent whose charge is declined goes back to `requires_payment_method` (its
    payment method moves to `last_payment_error`), sends a signed `payment_intent.payment_failed`
    and answers a 402 `card_error` carrying the PaymentIntent."""
    self.payment_method = None
    schedule_webhook(Event("payment_intent.payment_failed", self))
    if self.invoice:
        Invoice._api_retrieve(self.invoice)._on_payment_failure_now()
    raise card_error(self.latest_charge, self)


def last_payment_error(self) -> dict | None:
    """Stripe's `last_payment_error`: the `card_error` with its decline code and the declined
    payment method."""
    error = _last_payment_error.fget(self)
    charge = self.latest_charge
    if error is None or charge is None or charge.status != "failed":
        return error
    decline = decline_of(charge.payment_method)
    error.update(type="card_error",
                 payment_method=PaymentMethod._api_retrieve(charge.payment_method)._export())
    if decline is not None and decline.decline_code:
        error["decline_code"] = decline.decline_code
    return error


def read_typed_card(self, type=None, billing_details=None, card=None, **rest) -> None:  # noqa: A002
    """A card as people type it (spaces in the number, a 4-digit year, MM/YY), read as Stripe's
    card Element reads it; one that cannot be read is refused with Stripe's error code
    (`incomplete_number`, ...) rather than localstripe's bare "Bad request"."""
    if type == "card" and isinstance(card, dict):
        try:
            card = card_input.card(card)
        except card_input.CardInputError as error:
            refused = UserError(400, "Your card's details are incomplete or invalid.",
                                {"code": error.code})
            refused.body["error"]["type"] = "validation_error"
            raise refused from None
    _payment_method_init(self, type=type, billing_details=billing_details, card=card, **rest)


def install() -> None:
    """Patch localstripe's classes to decline Stripe's test cards as Stripe does, and to read
    cards as people type them."""
    PaymentMethod.__init__ = read_typed_card
    PaymentMethod._charging_is_declined = charging_is_declined
    Charge._set_auth_failure = set_auth_failure
    Charge._raise_failure = raise_failure
    PaymentIntent._report_failure = report_failure
    PaymentIntent.last_payment_error = property(last_payment_error)
