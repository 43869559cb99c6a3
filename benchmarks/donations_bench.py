"""Signed webhook ingestion on PostgreSQL with 8 concurrent senders, against a fair floor
measured in the same run.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/songtan_bench \\
        .venv/bin/python benchmarks/donations_bench.py [--events 800] [--senders 8] [--rounds 3]

Both go through the same app, route and signature check (the WSGI stack in process, one commit
per delivery). The floor swaps `webhook.handle` for the event-id claim alone: verify the
signature, insert the `stripe_event` row, commit. The webhook does everything: the claim, the
gift found and locked by its PaymentIntent, the amount checked, the gift credited (receipt,
audit entry, the ledger's hash-chained posting). Each event is a `payment_intent.succeeded` for
its own pending gift, its fee read from the event as with localstripe (no call to Stripe).
Rounds alternate floor and webhook; the best of each counts. WARNING: the database is emptied.
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
from donations.stripe import webhook

SECRET = "whsec_bench"  # noqa: S105 (the benchmark signs its own events)
TABLES = ("match_credit, stripe_event, donation, audit_entry, journal_line, journal_entry, "
          "fund_account")
HOOK = "/donations/stripe/webhook"


def reset() -> None:
    """Empty the gifts, events, audit log and ledger of the benchmark's database."""
    # The journal refuses TRUNCATE; the benchmark empties it as a superuser in replica mode.
    db.session.execute(text("SET LOCAL session_replication_role = replica"))
    db.session.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    db.session.execute(text("UPDATE ledger_head SET seq = 0, hash = :h"), {"h": chain.GENESIS})
    db.session.commit()


def signed_events(prefix: str, count: int) -> list[tuple[bytes, dict]]:
    """Pending gifts, and for each a signed payment_intent.succeeded (body, headers)."""
    db.session.execute(insert(Donation), [
        {"token": f"{prefix}{i}", "amount_fen": 10000 + i, "payment_intent": f"pi_{prefix}_{i}",
         "designation": f"measure:{i % 10 + 1}", "status": "pending"} for i in range(count)])
    db.session.commit()
    out = []
    for i in range(count):
        body = json.dumps({"id": f"evt_{prefix}_{i}", "object": "event",
                           "type": "payment_intent.succeeded", "data": {"object": {
                               "id": f"pi_{prefix}_{i}", "object": "payment_intent",
                               "amount": 10000 + i, "amount_received": 10000 + i,
                               "currency": "cny", "status": "succeeded",
                               "latest_charge": f"ch_{prefix}_{i}"}}})
        header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
        out.append((body.encode(), {"Stripe-Signature": header}))
    return out


def run(senders: int, jobs: list, work) -> float:
    """Seconds for `senders` threads, released together, to work through `jobs` (round robin)."""
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


def claim_only(event_id: str, kind: str, obj: dict):
    """The floor's handler: the event-id claim (the row inserted), nothing else."""
    return webhook.claim(event_id, kind)


def deliveries(app, senders: int, events: list, expected: str) -> float:
    """Seconds to deliver `events` from `senders` threads; SystemExit on any other outcome."""
    client, failures = app.test_client(), []

    def deliver(job):
        answer = client.post(HOOK, data=job[0], headers=job[1]).get_json()
        if answer.get("outcome") != expected:
            failures.append(answer)

    seconds = run(senders, events, deliver)
    if failures:
        raise SystemExit(f"deliveries failed: {failures[:3]}")
    return seconds


def measure(app, args) -> tuple[float, float]:
    """Best seconds of the floor and of the webhook over the rounds, each on fresh events."""
    floor, full = [], []
    for n in range(args.rounds):
        reset()
        events = signed_events(f"floor{n}x", args.events)
        original, webhook.handle = webhook.handle, claim_only
        try:
            floor.append(deliveries(app, args.senders, events, "received"))
        finally:
            webhook.handle = original
        reset()
        full.append(deliveries(app, args.senders, signed_events(f"full{n}x", args.events),
                               "credited"))
    reset()
    return min(floor), min(full)


def main() -> None:
    """Measure signed webhook ingestion against its floor and print both rates and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=800)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (it is emptied).")
    app = create_app({"SONGTAN_ENV": "development", "STRIPE_WEBHOOK_SECRET": SECRET,
                      "RATELIMIT_ENABLED": False,
                      # localstripe's mode: fees are read from the event, Stripe is not called
                      "STRIPE_API_BASE": "http://127.0.0.1:9",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": args.senders + 2}})
    with app.app_context():
        flask_migrate.upgrade(revision="head")
        floor, full = measure(app, args)
    floor_rate, full_rate = args.events / floor, args.events / full
    print(f"events={args.events} senders={args.senders} rounds={args.rounds} (best of each)")
    print(f"floor (verify, claim, commit): {floor_rate:8.1f} events/s ({floor:.2f} s)")
    print(f"webhook (credit each gift):    {full_rate:8.1f} events/s ({full:.2f} s)")
    print(f"ratio webhook/floor: {full_rate / floor_rate:.3f}  (goal >= 0.5)")


if __name__ == "__main__":
    main()
