"""Donation fixtures: a real localstripe per test session, a capture server that receives what
localstripe signs and sends, and helpers that sign events like Stripe does."""

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
import stripe

WEBHOOK_SECRET = "whsec_test_songtan"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@pytest.fixture(scope="session")
def localstripe():
    """localstripe on a free loopback port, from scratch; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "donations.stripe.localstripe_server", "--port", str(port),
         "--from-scratch"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


class Capture:
    """Webhook deliveries localstripe made: (raw body, Stripe-Signature header)."""

    def __init__(self):
        self.deliveries: list[tuple[bytes, str]] = []

    def wait_for(self, event_type: str, intent: str, timeout: float = 10) -> tuple[bytes, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body, header in list(self.deliveries):
                event = json.loads(body)
                if event["type"] == event_type and event["data"]["object"]["id"] == intent:
                    return body, header
            time.sleep(0.1)
        raise AssertionError(f"localstripe sent no {event_type} for {intent}")


@pytest.fixture(scope="session")
def capture(localstripe):
    """An HTTP server localstripe sends its signed webhooks to."""
    found = Capture()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            found.deliveries.append((body, self.headers["Stripe-Signature"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    data = urlencode({"url": f"http://127.0.0.1:{server.server_port}/",
                      "secret": WEBHOOK_SECRET}).encode()
    urlopen(f"{localstripe}/_config/webhooks/capture", data=data, timeout=5).close()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def stripe_config(app, localstripe, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", localstripe)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    return app.config


def signed(event: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """(body, headers) of an event signed with stripe-python, as Stripe would send it."""
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
    return body.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}


def event(type_: str, obj: dict, event_id: str | None = None) -> dict:
    return {"id": event_id or f"evt_test_{time.monotonic_ns()}", "object": "event",
            "type": type_, "data": {"object": obj}, "created": int(time.time())}


def card_token(localstripe: str, number: str = "4242424242424242") -> str:
    """What localstripe's Stripe.js does with a typed card: a token; its card's id."""
    data = urlencode({"card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2030",
                      "card[cvc]": "123", "key": "pk_test_x"}).encode()
    with urlopen(f"{localstripe}/v1/tokens", data=data, timeout=5) as response:
        return json.loads(response.read())["card"]["id"]


@pytest.fixture(autouse=True)
def fresh_rate_limits(app):
    """Each test starts with the giving page's rate limit unspent (tests give many gifts)."""
    from charity.extensions import limiter

    with app.app_context():
        limiter.reset()
