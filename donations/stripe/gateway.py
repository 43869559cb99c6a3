"""The one place that talks to Stripe (or localstripe): a client, signature checks, and the
few calls the platform makes. Configuration follows Stripe's names."""

import json

import stripe
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

REAL_STRIPE_JS = "https://js.stripe.com/v3/"
#: Payment methods the giving page knows how to confirm with Stripe.js.
METHODS = ("card", "wechat_pay", "alipay")
#: A PaymentIntent's states in which the page still confirms it with Stripe.js (again, after a
#: declined card).
TO_CONFIRM = ("requires_payment_method", "requires_confirmation", "requires_action")

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


class BadSignature(ValueError):
    """The webhook's body does not carry a valid, recent Stripe signature."""


def client() -> stripe.StripeClient:
    """A Stripe client for the configured keys; `STRIPE_API_BASE` points it at localstripe."""
    config = current_app.config
    base = config.get("STRIPE_API_BASE")
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"], max_network_retries=1,
                               base_addresses={"api": base} if base else None)


def publishable_key() -> str:
    """The key Stripe.js uses on the page."""
    return current_app.config["STRIPE_PUBLISHABLE_KEY"]


def uses_localstripe() -> bool:
    """True when the app talks to localstripe (STRIPE_API_BASE is set), not to Stripe."""
    return bool(current_app.config.get("STRIPE_API_BASE"))


def js_url() -> str:
    """Where the page loads Stripe.js from: configured, or localstripe's fake, or Stripe's."""
    config = current_app.config
    if config.get("STRIPE_JS_URL"):
        return config["STRIPE_JS_URL"]
    base = config.get("STRIPE_API_BASE")
    return f"{base.rstrip('/')}/js.stripe.com/v3/" if base else REAL_STRIPE_JS


def verify(payload: bytes, header: str | None) -> dict:
    """The event in a webhook body, once its signature and timestamp check out."""
    config = current_app.config
    try:
        stripe.WebhookSignature.verify_header(
            payload, header, config["STRIPE_WEBHOOK_SECRET"], config["STRIPE_WEBHOOK_TOLERANCE"])
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise BadSignature(str(error)) from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) \
            or not isinstance(event.get("data"), dict):
        raise BadSignature("not a Stripe event")
    return event


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


def payment_method_types() -> list[str]:
    """The payment method types the account is configured for."""
    raw = current_app.config["STRIPE_PAYMENT_METHOD_TYPES"]
    return [t.strip() for t in raw.split(",") if t.strip()]


def real_keys() -> bool:
    """Real Stripe: no localstripe base and a secret key other than the demo's default."""
    return not uses_localstripe() and \
        not current_app.config["STRIPE_SECRET_KEY"].endswith("_songtan_localstripe")


def offered_methods() -> list[str]:
    """The methods the giving page offers: the configured ones the page can confirm, with
    real keys; localstripe (and the demo's keys) confirm cards only."""
    if not real_keys():
        return ["card"]
    return [t for t in payment_method_types() if t in METHODS] or ["card"]


def create_payment_intent(amount_fen: int, currency: str, metadata: dict,
                          card: str | None = None, method: str = "card") -> dict:
    """A PaymentIntent for a gift, for the one method the donor chose. With `card`
    (localstripe's tokenised test card) it is also confirmed here; otherwise Stripe.js
    confirms it on the page."""
    types = [method]
    params: dict = {"amount": amount_fen, "currency": currency, "metadata": metadata,
                    "payment_method_types": types}
    if "wechat_pay" in types:
        params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
    if card:
        params.update(payment_method=card, confirm=True)
    return client().v1.payment_intents.create(params=params).to_dict()


def charge_fee(intent: dict, currency: str) -> int:
    """Stripe's fee on a PaymentIntent's charge, from the charge's balance transaction, in
    fen. Real Stripe sends the charge unexpanded, so it is fetched with the balance
    transaction expanded; localstripe has no balance transactions, so its fee is 0. A fee in
    another currency than the gift's is not ours to convert: 0, and the bank statement tells."""
    charge = intent.get("latest_charge")
    if isinstance(charge, str) and not uses_localstripe():
        fetched = client().v1.payment_intents.retrieve(
            intent["id"], params={"expand": ["latest_charge.balance_transaction"]})
        charge = fetched.to_dict().get("latest_charge")
    balance = charge.get("balance_transaction") if isinstance(charge, dict) else None
    if not isinstance(balance, dict) or balance.get("currency", currency) != currency:
        return 0
    return int(balance.get("fee") or 0)


def invoice_fee(invoice: dict, currency: str) -> int:
    """Stripe's fee on a paid invoice, from its PaymentIntent's charge (fetched with real
    Stripe, as `charge_fee` does); 0 with localstripe or without a PaymentIntent."""
    intent = invoice.get("payment_intent")
    if isinstance(intent, dict):
        return charge_fee(intent, currency)
    if not isinstance(intent, str) or uses_localstripe():
        return 0
    fetched = client().v1.payment_intents.retrieve(
        intent, params={"expand": ["latest_charge.balance_transaction"]})
    return charge_fee(fetched.to_dict(), currency)
