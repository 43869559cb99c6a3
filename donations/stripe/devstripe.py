"""For `make run`: localstripe beside the app on loopback, its webhook wired to the app.

Used only when no real Stripe is configured (STRIPE_API_BASE unset and the default test
keys); with real keys in the environment nothing starts and the app talks to Stripe."""

import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

from charity.config import Config

#: The demo's made-up test key (localstripe accepts any): with it, no real Stripe is configured.
DEMO_SECRET_KEY = "sk_test_songtan_localstripe"  # noqa: S105 (a public placeholder, not a secret)


def wanted() -> bool:
    """True when the environment names no real Stripe: the demo runs on localstripe."""
    return not os.environ.get("STRIPE_API_BASE") and \
        Config.STRIPE_SECRET_KEY == DEMO_SECRET_KEY


def start(port: int, timeout: float = 15) -> subprocess.Popen:
    """localstripe on 127.0.0.1:`port`; STRIPE_API_BASE is set for the app created next."""
    process = subprocess.Popen([sys.executable, "-m",  # noqa: S603 (our module, fixed arguments)
                                "donations.stripe.localstripe_server", "--port", str(port)])
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.terminate()
                raise RuntimeError(f"localstripe did not start on port {port}") from None
            time.sleep(0.1)
    # SIGTERM to the server unwinds like Ctrl+C, so its `finally` stops localstripe too.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    os.environ["STRIPE_API_BASE"] = f"http://127.0.0.1:{port}"
    Config.STRIPE_API_BASE = os.environ["STRIPE_API_BASE"]
    return process


def wire(app_url: str, secret: str, base: str | None = None) -> None:
    """Tell localstripe (at `base`, else STRIPE_API_BASE) to send every event, signed with
    `secret`, to the app's webhook. Only http(s) addresses are opened."""
    target = f"{(base or os.environ['STRIPE_API_BASE']).rstrip('/')}/_config/webhooks/songtan"
    if urlsplit(target).scheme not in ("http", "https"):
        raise ValueError(f"localstripe's address must be http(s): {target}")
    body = urlencode({"url": f"{app_url.rstrip('/')}/donations/stripe/webhook",
                      "secret": secret}).encode()
    urlopen(target, data=body, timeout=10).close()  # noqa: S310 (scheme checked above)
