"""What a donor is told when Stripe refuses a payment: our own words in the donor's language,
read from Stripe's decline code or error code, never Stripe's English."""

import stripe
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

#: What the donor is told when Stripe refuses a card, by Stripe's decline code or error code:
#: our own words in the user's language, never Stripe's English. Lost and stolen cards read as a
#: plain decline, as Stripe advises.
DECLINED = _l("Your card was declined. Please use another card.")
_CVC = _l("The card's security code (CVC) is incorrect. Check it, or use another card.")
_NUMBER = _l("The card number is incorrect. Check it, or use another card.")
_EXPIRY = _l("The card's expiry date is not valid. Check it, or use another card.")
REFUSALS = {
    "generic_decline": DECLINED, "card_declined": DECLINED, "do_not_honor": DECLINED,
    "lost_card": DECLINED, "stolen_card": DECLINED, "fraudulent": DECLINED,
    "insufficient_funds": _l("Your card was declined for insufficient funds. "
                             "Please use another card."),
    "expired_card": _l("Your card has expired. Please use another card."),
    "incorrect_cvc": _CVC, "invalid_cvc": _CVC, "incomplete_cvc": _CVC,
    "incorrect_number": _NUMBER, "invalid_number": _NUMBER, "incomplete_number": _NUMBER,
    "invalid_expiry_month": _EXPIRY, "invalid_expiry_year": _EXPIRY, "incomplete_expiry": _EXPIRY,
    "processing_error": _l("An error occurred while processing your card. Please try again."),
    "payment_intent_authentication_failure": _l(
        "Your card could not be authenticated. Please try again, or use another card."),
}
#: Any other refusal by the payment service (not the card's): nothing about Stripe's own text.
UNAVAILABLE = _l("The payment service could not take the gift just now. Please try again later.")


def _error_object(error: Exception | dict) -> dict:
    """Stripe's error object: given, or in a stripe-python error's body; {} for any other."""
    if isinstance(error, dict):
        return error
    body = getattr(error, "json_body", None)
    found = body.get("error") if isinstance(body, dict) else None
    return found if isinstance(found, dict) else {}


def refusal_message(error: Exception | dict) -> LazyString:
    """What to tell the donor, in their language, when Stripe refuses a payment: `error` is a
    stripe-python error or Stripe's error object (as Stripe.js and `last_payment_error` give
    it), read by its decline code, then its code."""
    details = _error_object(error)
    for code in (details.get("decline_code"), details.get("code")):
        if code in REFUSALS:
            return REFUSALS[code]
    if details.get("type") == "card_error" or isinstance(error, stripe.CardError):
        return DECLINED
    return UNAVAILABLE


def refusal_messages() -> dict[str, str]:
    """Every card refusal message by code (and any other card error's), in the user's
    language, for the giving page's script."""
    return {code: str(message) for code, message in REFUSALS.items()} | \
        {"card_error": str(DECLINED)}
