"""The one place that talks to Stripe (or localstripe): a client, signature checks, and the
few calls the platform makes. Configuration follows Stripe's names."""

import functools
import json
import time
from urllib.parse import urlsplit

import stripe
from flask import current_app, g

from donations.stripe import objects

REAL_STRIPE_JS = "https://js.stripe.com/v3/"
#: Payment methods the giving page knows how to confirm with Stripe.js.
METHODS = ("card", "wechat_pay", "alipay")
#: A PaymentIntent's states in which the page still confirms it with Stripe.js (again, after a
#: declined card).
TO_CONFIRM = ("requires_payment_method", "requires_confirmation", "requires_action")
#: What a page with Stripe.js loads from Stripe itself, per CSP directive (Stripe's guide to
#: Content Security Policy): the script, its card frames and 3-D Secure, its API, its images.
STRIPE_SOURCES = {
    "script-src": ("https://js.stripe.com", "https://*.js.stripe.com"),
    "frame-src": ("https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"),
    "connect-src": ("https://api.stripe.com",),
    "img-src": ("https://*.stripe.com",),
}

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


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_sources() -> dict[str, list[str]]:
    """What a page that loads Stripe.js must also allow, per CSP directive: Stripe's hosts
    when the app talks to Stripe, and the origins of the configured Stripe.js and API (on
    localstripe, one origin serves both)."""
    base = current_app.config.get("STRIPE_API_BASE")
    sources = {name: list(hosts) for name, hosts in ({} if base else STRIPE_SOURCES).items()}
    for origin in {_origin(js_url()), *([_origin(base)] if base else [])}:
        for directive in ("script-src", "connect-src", "frame-src"):
            sources.setdefault(directive, []).append(origin)
    return sources


def _signed_at(header: str) -> int | None:
    """The timestamp (`t=`) of a Stripe-Signature header."""
    for part in header.split(","):
        name, _sep, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            return int(value)
    return None


def verify(payload: bytes, header: str | None) -> dict:
    """The event in a webhook body, once its signature checks out and was made within the
    tolerance of now, either way (a timestamp from the future is refused too)."""
    config = current_app.config
    tolerance = config["STRIPE_WEBHOOK_TOLERANCE"]
    if not header:
        raise BadSignature("no signature")
    try:
        stripe.WebhookSignature.verify_header(payload, header, config["STRIPE_WEBHOOK_SECRET"],
                                              tolerance)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise BadSignature(str(error)) from None
    signed_at = _signed_at(header)
    if signed_at is None or signed_at > time.time() + tolerance:
        raise BadSignature("timestamp outside the tolerance")
    if not isinstance(event, dict):
        raise BadSignature("not a Stripe event")
    return event


def remembered(read):
    """A read from Stripe remembered for the rest of the request (or command): the webhook
    reads what it needs before it takes any lock, and its handlers find it here."""
    @functools.wraps(read)
    def cached(*args):
        memory = g.setdefault("stripe_reads", {})
        key = (read.__name__, json.dumps(args, sort_keys=True, default=str))
        if key not in memory:
            memory[key] = read(*args)
        return memory[key]
    return cached


def forget() -> None:
    """Forget what was read from Stripe (before reading an object afresh)."""
    g.pop("stripe_reads", None)


def _retrieve(call, object_id: str, expand: list[str]) -> dict | None:
    """Stripe's current copy of an object, or None when Stripe cannot say (unknown, offline)."""
    try:
        return call(object_id, params={"expand": expand}).to_dict()
    except (stripe.StripeError, OSError):
        return None


@remembered
def current_intent(intent_id: str) -> dict | None:
    """A PaymentIntent as Stripe has it now, with its latest charge."""
    expand = ["latest_charge"] if uses_localstripe() else ["latest_charge.balance_transaction"]
    return _retrieve(client().v1.payment_intents.retrieve, intent_id, expand)


@remembered
def current_charge(charge_id: str) -> dict | None:
    """A Charge as Stripe has it now."""
    expand = [] if uses_localstripe() else ["balance_transaction"]
    return _retrieve(client().v1.charges.retrieve, charge_id, expand)



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


@remembered
def charge_fee(intent: dict, currency: str) -> int:
    """Stripe's fee on a PaymentIntent's charge, from the charge's balance transaction, in
    fen. Real Stripe sends the charge (or, in a charge's own events, its balance transaction)
    unexpanded, so it is fetched with the balance transaction expanded; localstripe has no
    balance transactions, so its fee is 0. A fee in another currency than the gift's is not
    ours to convert: 0, and the bank statement tells."""
    charge = intent.get("latest_charge")
    if isinstance(charge, str) and not uses_localstripe():
        fetched = client().v1.payment_intents.retrieve(
            intent["id"], params={"expand": ["latest_charge.balance_transaction"]})
        charge = fetched.to_dict().get("latest_charge")
    elif isinstance(charge, dict) and isinstance(charge.get("balance_transaction"), str) \
            and not uses_localstripe():
        charge = client().v1.charges.retrieve(
            charge["id"], params={"expand": ["balance_transaction"]}).to_dict()
    balance = charge.get("balance_transaction") if isinstance(charge, dict) else None
    if not isinstance(balance, dict) or balance.get("currency", currency) != currency:
        return 0
    return objects.whole(balance, "fee", 0)


@remembered
def invoice_fee(invoice: dict, currency: str) -> int:
    """Stripe's fee on a paid invoice, from its PaymentIntent's charge (fetched with real
    Stripe, as `charge_fee` does); 0 with localstripe or without a PaymentIntent."""
    intent = invoice.get("payment_intent")
    if isinstance(intent, dict):
        return charge_fee(intent, currency)
    intent = objects.invoice_intent(invoice)
    if intent is None or uses_localstripe():
        return 0
    fetched = client().v1.payment_intents.retrieve(
        intent, params={"expand": ["latest_charge.balance_transaction"]})
    return charge_fee(fetched.to_dict(), currency)


#: What the reconciliation reads from Stripe, by the name of the client's service. Invoices
#: first: a paid invoice makes the gift its PaymentIntent (listed next) belongs to.
LISTED = ("invoices", "payment_intents", "charges", "disputes", "subscriptions")


def listed(kind: str, since: int) -> list[dict]:
    """Every object of `kind` (one of LISTED) created at or after the Unix time `since`, page
    by page. localstripe filters by date on few lists, so its lists are read whole and
    filtered here; a list localstripe does not serve gives StripeError."""
    service = getattr(client().v1, kind)
    params: dict = {"limit": 100}
    if not uses_localstripe():
        params["created"] = {"gte": since}
    found = (obj.to_dict() for obj in service.list(params=params).auto_paging_iter())
    return [obj for obj in found if int(obj.get("created") or 0) >= since]
