"""Run localstripe on loopback only: its own `start()` listens on every interface.

    python -m donations.stripe.localstripe_server --port 8420 [--from-scratch]

The API, localstripe's fake Stripe.js (`/js.stripe.com/v3/`) and its webhook configuration
(`POST /_config/webhooks/<name>`) are localstripe's own; only the socket differs.
"""

import argparse
import logging

from aiohttp import web
from localstripe.resources import store
from localstripe.server import app


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
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
