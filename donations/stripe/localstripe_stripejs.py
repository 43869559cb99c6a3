"""The page's side of a payment on localstripe: Stripe.js confirms the PaymentIntent itself.

On Stripe, the page's `confirmCardPayment(client_secret, {payment_method: {card}})` sends the
typed card, the publishable key and the client secret to `/v1/payment_intents/<id>/confirm`, and
after a decline the page may call it again with another card. localstripe's fake Stripe.js only
tokenises cards, and its confirm endpoint takes no payment method and refuses a PaymentIntent
whose last attempt failed. `middlewares()` adds what Stripe does; each piece says what.
"""

from pathlib import Path

import localstripe
from aiohttp import web
from localstripe.errors import UserError
from localstripe.resources import Event, PaymentIntent, PaymentMethod, store
from localstripe.server import api_extra, get_post_data
from localstripe.webhooks import schedule_webhook

CONFIRM = "/v1/payment_intents/{id}/confirm"
AUTHENTICATE = "/v1/payment_intents/{id}/_authenticate"
STRIPE_JS = "/js.stripe.com/v3/"
#: The states from which Stripe lets a PaymentIntent be confirmed (again).
CONFIRMABLE = ("requires_payment_method", "requires_confirmation")


def confirm(id: str, payment_method: str | None = None,
            payment_method_data: dict | None = None, client_secret: str | None = None,
            **unexpected) -> PaymentIntent:
    """Stripe's confirmation: with a payment method (an id, or the card Stripe.js sends), also
    of a PaymentIntent whose last attempt was declined; each attempt is a new charge."""
    if unexpected:
        raise UserError(400, "Unexpected " + ", ".join(unexpected))
    intent = PaymentIntent._api_retrieve(id)
    if client_secret is not None and client_secret != intent.client_secret:
        raise UserError(401, "Unauthorized")
    if intent.status not in CONFIRMABLE:
        raise UserError(400, "You cannot confirm this PaymentIntent because it has a status of "
                        f"{intent.status}.", {"code": "payment_intent_unexpected_state"})
    if payment_method_data is not None:
        if not isinstance(payment_method_data, dict):
            raise UserError(400, "Bad request")
        payment_method = PaymentMethod(**payment_method_data).id
    if payment_method is not None:
        intent.payment_method = PaymentMethod._api_retrieve(payment_method).id
    if intent.payment_method is None:
        raise UserError(400, "You cannot confirm this PaymentIntent because it's missing a "
                        "payment method.", {"code": "payment_intent_unexpected_state"})
    intent.latest_charge = None
    intent._confirm(on_failure_now=intent._report_failure)
    return intent


def authenticate(**data) -> PaymentIntent:
    """localstripe's 3-D Secure answer; a failed authentication also sends Stripe's signed
    `payment_intent.payment_failed`."""
    intent = PaymentIntent._api_authenticate(**data)
    if intent._authentication_failed:
        schedule_webhook(Event("payment_intent.payment_failed", intent))
    return intent


def stripe_js() -> bytes:
    """localstripe's fake Stripe.js with our `confirmCardPayment` appended."""
    fake = Path(localstripe.__file__).with_name("localstripe-v3.js").read_bytes()
    return fake + b"\n" + Path(__file__).with_name("localstripe_stripe.js").read_bytes()


async def _by_stripe_js(request: web.Request) -> bool:
    """True for a confirmation sent by Stripe.js: the publishable key with the client secret."""
    resource = request.match_info.route.resource
    if request.method != "POST" or resource is None or resource.canonical != CONFIRM:
        return False
    data = await get_post_data(request, remove_auth=False) or {}
    intent = store.get(f"payment_intent:{request.match_info['id']}")
    return intent is not None and str(data.get("key", "")).startswith("pk_") \
        and data.get("client_secret") == intent.client_secret


def middlewares(auth):
    """(authentication, routes): `auth` (localstripe's) also letting Stripe.js confirm with
    the publishable key and client secret, and our confirm, 3-D Secure and Stripe.js served
    instead of localstripe's."""
    script = stripe_js()
    own = {("POST", CONFIRM): api_extra(confirm, CONFIRM),
           ("POST", AUTHENTICATE): api_extra(authenticate, AUTHENTICATE)}

    @web.middleware
    async def authentication(request, handler):
        if await _by_stripe_js(request):
            return await handler(request)
        return await auth(request, handler)

    @web.middleware
    async def routes(request, handler):
        resource = request.match_info.route.resource
        key = (request.method, resource.canonical if resource is not None else None)
        if key == ("GET", STRIPE_JS):
            return web.Response(body=script, content_type="application/javascript")
        return await own.get(key, handler)(request)

    return authentication, routes
