"""Page benchmark: server time of the heavy pages against `/district/` (a simple page of the
same app) in the same run, median of 20 requests through Flask's test client, on the demo
population (12,018 people); then the public disclosure with at least 100,000 journal entries.
Goal: each page at most 10 times `/district/` and at most 300 ms.

    .venv/bin/python -m benchmarks.pages_bench                 # a scratch SQLite database
    .venv/bin/python -m benchmarks.pages_bench postgresql://postgres@127.0.0.1:5432/bench

The database named (or the scratch one) is migrated and gets the demo if it has nobody yet;
the journal case adds gifts to it until it holds 100,000 entries (hash-chained as the ledger
posts them, written in bulk, the monthly roll-up then refilled from the journal).
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from flask_migrate import upgrade
from sqlalchemy import func, insert, select, update

from charity import create_app
from charity.auth.models import User
from charity.casework import snapshot
from charity.casework.models import DataVersion
from charity.demo.accounts import DEMO_PASSWORD
from charity.demo.operations import load_demo
from charity.district.models import Street
from charity.extensions import db, security
from charity.fund import chain, rollup
from charity.fund import operations as ledger
from charity.fund.models import Account, JournalEntry, JournalLine, LedgerHead
from charity.registry.models import Person
from charity.timeutil import local_today

ROUNDS = 20
JOURNAL = 100_000
PAGES = ("/casework/gaps", "/casework/gaps?measure=pairing&street={street}",
         "/casework/gaps?measure=household_employment", "/dashboard/", "/pairing/",
         "/fund/disclosure")


def _app(url: str):
    os.environ.setdefault("SONGTAN_ENV", "development")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        if not db.session.scalar(select(func.count(Person.id))):
            started = time.perf_counter()
            load_demo(local_today())
            db.session.commit()
            print(f"demo loaded in {time.perf_counter() - started:.0f} s")
    return app


def _login(client, app) -> None:
    """Sign in as the demo admin through the form, with the authenticator's code (as the tests'
    `auth` fixture does)."""
    response = client.post("/login", data={"email": "admin@songtan.test",
                                           "password": DEMO_PASSWORD})
    if "/tf-validate" in response.headers.get("Location", ""):
        with app.app_context():
            secret = db.session.scalar(select(User.tf_totp_secret)
                                       .where(User.email == "admin@songtan.test"))
            code = security.totp_factory._totp.from_source(secret).generate().token
        response = client.post("/tf-validate", data={"code": code})
    if response.status_code != 302 or client.get("/district/").status_code != 200:
        raise SystemExit(f"could not sign in as the demo admin: {response.status_code}")


def _median_ms(client, path: str) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(path, headers={"Accept-Language": "zh-CN"})
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
    return statistics.median(times)


def _changed(app) -> None:
    """What a commit to a watched table does: a new data-version token."""
    with app.app_context():
        db.session.execute(update(DataVersion).values(token=uuid4().hex))
        db.session.commit()


def _once_ms(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path, headers={"Accept-Language": "zh-CN"})
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    return (time.perf_counter() - started) * 1000


def _after_change(app, client, path: str) -> tuple[float, float, float]:
    """Medians of 5: the first view after a change (the stored snapshot, marked stale, and the
    refresh job queued), the refresh job's computation, and the first view after it stored the
    new snapshot (read from the database into this process)."""
    stale, job, fresh = [], [], []
    for _ in range(5):
        _changed(app)
        stale.append(_once_ms(client, path))
        with app.app_context():
            started = time.perf_counter()
            snapshot.refresh(local_today())
            db.session.commit()
            job.append((time.perf_counter() - started) * 1000)
        fresh.append(_once_ms(client, path))
    return statistics.median(stale), statistics.median(job), statistics.median(fresh)


def pages(app, paths=PAGES) -> None:
    """Each page's median against `/district/`'s, measured in the same run: warm (the stored
    snapshot is current and read already), and after a change."""
    client = app.test_client()
    _login(client, app)
    with app.app_context():
        street = db.session.scalar(select(Street.id).where(Street.name == "七星岗"))
    client.get("/casework/gaps")  # a new database's very first view computes the snapshot
    base = _median_ms(client, "/district/")
    print(f"{'page':46} {'warm':>14} {'after change':>14} {'job':>8} {'stored':>14}")
    print(f"{'/district/':46} {base:8.1f} ms")
    for path in paths:
        path = path.format(street=street)
        ms = _median_ms(client, path)
        stale, job, fresh = _after_change(app, client, path)
        cells = [f"{t:6.1f} ms {t / base:4.1f}x" for t in (ms, stale)]
        print(f"{path:46} {cells[0]} {cells[1]} {job:6.0f} ms {fresh:6.1f} ms "
              f"{fresh / base:4.1f}x")


def _fill_journal(app, wanted: int) -> None:
    with app.app_context():
        have = db.session.scalar(select(func.count(JournalEntry.id)))
        if have == 0:
            ledger.record_gift(amount_fen=10_000, designation="measure:4", reference="bench-0")
            db.session.commit()
            have = 1
        codes = dict(db.session.execute(select(Account.code, Account.id)).all())
        seq, prev = db.session.execute(select(LedgerHead.seq, LedgerHead.hash)).one()
        rng = random.Random(99)
        start = datetime.now(UTC) - timedelta(days=360)
        entries, lines = [], []
        first_id = db.session.scalar(select(func.max(JournalEntry.id))) + 1
        for n in range(wanted - have):
            seq += 1
            posted = start + timedelta(seconds=n * 300)
            amount = rng.choice((1_000, 5_000, 9_900, 20_000))
            body = [("cash", amount), ("restricted:measure:4", -amount)]
            digest = chain.entry_hash(seq=seq, posted_at=posted, kind="gift", memo="",
                                      reference=f"bench-{seq}", subject=None, user_id=None,
                                      reverses_seq=None, lines=body, prev_hash=prev)
            entries.append({"id": first_id + n, "seq": seq, "posted_at": posted, "kind": "gift",
                            "memo": "", "reference": f"bench-{seq}", "prev_hash": prev,
                            "hash": digest})
            lines += [{"entry_id": first_id + n, "account_id": codes[c], "amount": a}
                      for c, a in body]
            prev = digest
        for i in range(0, len(entries), 5_000):
            db.session.execute(insert(JournalEntry), entries[i:i + 5_000])
        for i in range(0, len(lines), 10_000):
            db.session.execute(insert(JournalLine), lines[i:i + 10_000])
        db.session.execute(update(LedgerHead).values(seq=seq, hash=prev))
        rollup.rebuild()
        db.session.commit()


def journal(app) -> None:
    """The public disclosure with at least `JOURNAL` entries in the ledger: first view after
    a new entry (read from the monthly roll-up) and repeated views (kept by the head hash)."""
    _fill_journal(app, JOURNAL)
    client = app.test_client()
    _login(client, app)
    with app.app_context():
        entries = db.session.scalar(select(func.count(JournalEntry.id)))
    base = _median_ms(client, "/district/")
    times = []
    for n in range(5):
        with app.app_context():
            ledger.record_gift(amount_fen=1_000, designation="measure:4",
                               reference=f"bench-new-{time.time_ns()}-{n}")
            db.session.commit()
        started = time.perf_counter()
        client.get("/fund/disclosure")
        times.append((time.perf_counter() - started) * 1000)
    first = statistics.median(times)
    ms = _median_ms(client, "/fund/disclosure")
    print(f"journal of {entries} entries: /district/ {base:.1f} ms; /fund/disclosure after a "
          f"new entry {first:.1f} ms ({first / base:.1f}x), repeated {ms:.1f} ms "
          f"({ms / base:.1f}x)")


def main() -> None:
    """Run both cases on the database named, or on a scratch SQLite file."""
    url = sys.argv[1] if len(sys.argv) > 1 else (
        "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="songtan-bench-"), "bench.db"))
    app = _app(url)
    pages(app)
    journal(app)


if __name__ == "__main__":
    main()
