"""Run localstripe on loopback only (its own `start()` listens on every interface), behaving
where we rely on it as Stripe does:

- Stripe's test cards decline when a PaymentIntent charges them (`localstripe_cards`);
- the page's Stripe.js confirms the PaymentIntent, also again after a decline
  (`localstripe_stripejs`);
- `Idempotency-Key` is honoured (`localstripe_idempotency`).

    python -m donations.stripe.localstripe_server --port 8420 [--from-scratch]

The rest of the API and its webhook configuration (`POST /_config/webhooks/<name>`) are
localstripe's own.
"""

import argparse
import logging

from aiohttp import web
from localstripe.resources import store
from localstripe.server import app, auth_middleware

from donations.stripe import localstripe_cards, localstripe_idempotency, localstripe_stripejs


def stripe_like() -> web.Application:
    """localstripe's application with our patches and middlewares, ready to run once:
    authentication (also Stripe.js's), then idempotency, then localstripe's store saving, then
    our own endpoints before localstripe's."""
    localstripe_cards.install()
    authentication, routes = localstripe_stripejs.middlewares(auth_middleware)
    chain = app.middlewares
    chain[chain.index(auth_middleware)] = authentication
    chain.insert(chain.index(authentication) + 1, localstripe_idempotency.middleware())
    chain.append(routes)
    return app


def main() -> None:
    """Serve localstripe on the given loopback port until stopped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--from-scratch", action="store_true",
                        help="start empty instead of loading /tmp/localstripe.pickle")
    args = parser.parse_args()
    if not args.from_scratch:
        store.try_load_from_disk()
    logging.basicConfig(level=logging.INFO)
    web.run_app(stripe_like(), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
