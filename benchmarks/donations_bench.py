"""Webhook ingestion on PostgreSQL with 8 concurrent senders, against a bare insert.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/songtan_bench \
        .venv/bin/python benchmarks/donations_bench.py [--events 800] [--senders 8]

Each event is a signed `payment_intent.succeeded` for its own pending gift, posted through
the app's WSGI stack (signature check, the event-id claim, the amount check, the donation
row lock, the ledger posting; one commit each). The baseline inserts the same `stripe_event`
rows from the same number of threads, one commit per row. WARNING: the database is emptied.
"""

import argparse
import json
import os
import threading
import time

import flask_migrate
import stripe
from sqlalchemy import insert, text

from charity import create_app
from charity.extensions import db
from charity.fund import chain
from donations.giving.models import Donation
from donations.stripe.models import StripeEvent

SECRET = "whsec_bench"  # noqa: S105 (the benchmark signs its own events)
TABLES = "match_credit, stripe_event, donation, journal_line, journal_entry, fund_account"


def reset() -> None:
    """Empty the gifts, events and ledger of the benchmark's database."""
    # The journal refuses TRUNCATE; the benchmark empties it as a superuser in replica mode.
    db.session.execute(text("SET LOCAL session_replication_role = replica"))
    db.session.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    db.session.execute(text("UPDATE ledger_head SET seq = 0, hash = :h"), {"h": chain.GENESIS})
    db.session.commit()


def signed_events(count: int) -> list[tuple[bytes, dict]]:
    """Pending gifts, and for each a signed payment_intent.succeeded event (body, headers)."""
    db.session.execute(insert(Donation), [
        {"token": f"bench{i}", "amount_fen": 10000 + i, "payment_intent": f"pi_bench_{i}",
         "designation": f"measure:{i % 10 + 1}", "status": "pending"} for i in range(count)])
    db.session.commit()
    out = []
    for i in range(count):
        body = json.dumps({"id": f"evt_bench_{i}", "object": "event",
                           "type": "payment_intent.succeeded", "data": {"object": {
                               "id": f"pi_bench_{i}", "object": "payment_intent",
                               "amount": 10000 + i, "amount_received": 10000 + i,
                               "currency": "cny"}}})
        header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
        out.append((body.encode(), {"Stripe-Signature": header}))
    return out


def run(senders: int, jobs: list, work) -> float:
    """Deliver every job from `senders` threads at once; return the seconds it took."""
    """Seconds for `senders` threads to work through `jobs` (round robin)."""
    barrier = threading.Barrier(senders + 1)

    def sender(k):
        barrier.wait()
        for job in jobs[k::senders]:
            work(job)

    threads = [threading.Thread(target=sender, args=(k,)) for k in range(senders)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def main() -> None:
    """Measure signed webhook ingestion against bare inserts and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=800)
    parser.add_argument("--senders", type=int, default=8)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (it is emptied).")
    app = create_app({"STRIPE_WEBHOOK_SECRET": SECRET, "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": args.senders + 2}})
    with app.app_context():
        flask_migrate.upgrade(revision="head")
        reset()
        events = signed_events(args.events)
        client = app.test_client()
        failures = []

        def deliver(job):
            body, headers = job
            response = client.post("/donations/stripe/webhook", data=body, headers=headers)
            if response.get_json().get("outcome") != "credited":
                failures.append(response.get_json())

        webhook_seconds = run(args.senders, events, deliver)
        if failures:
            raise SystemExit(f"deliveries failed: {failures[:3]}")
        rows = [{"id": f"evt_bare_{i}", "type": "payment_intent.succeeded",
                 "outcome": "credited"} for i in range(args.events)]

        engine = db.engine

        def bare(row):
            with engine.begin() as connection:
                connection.execute(insert(StripeEvent), [row])

        bare_seconds = run(args.senders, rows, bare)
        reset()
    webhook_rate, bare_rate = args.events / webhook_seconds, args.events / bare_seconds
    print(f"events={args.events} senders={args.senders}")
    print(f"webhook ingestion: {webhook_rate:8.1f} events/s ({webhook_seconds:.2f} s)")
    print(f"bare insert:       {bare_rate:8.1f} rows/s   ({bare_seconds:.2f} s)")
    print(f"ratio webhook/bare: {webhook_rate / bare_rate:.3f}")


if __name__ == "__main__":
    main()
