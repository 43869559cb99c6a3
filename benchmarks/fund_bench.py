"""Fund benchmarks: journal posting with 8 concurrent writers against one fund on PostgreSQL,
as a ratio to plain inserts of the same rows in the same run; and the allocation solve time
for a district-sized set of applications.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/songtan_bench \
        .venv/bin/python -m benchmarks.fund_bench
"""

import os
import random
import sys
import threading
import time

from sqlalchemy import text

from charity import create_app
from charity.extensions import db
from charity.fund import chain
from charity.fund import operations as ledger
from matching.allocation import Fund, Need, allocate

WRITERS, PER_WRITER = 8, 250


def _threads(app, work) -> float:
    def run(i):
        with app.test_request_context("/?lang=en"):
            for n in range(PER_WRITER):
                work(i, n)
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def posting(app) -> None:
    """Post from several writers at once into one fund, against plain inserts."""
    with app.app_context():
        # The journal refuses TRUNCATE; the benchmark empties it as a superuser in replica mode.
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(text("TRUNCATE journal_line, journal_entry, fund_account CASCADE"))
        db.session.execute(text("UPDATE ledger_head SET seq = 0, hash = :h"),
                           {"h": chain.GENESIS})
        db.session.execute(text("DROP TABLE IF EXISTS bench_plain"))
        db.session.execute(text("CREATE TABLE bench_plain (id serial primary key, ref text "
                                "unique, code text, amount bigint)"))
        db.session.commit()

    def post(i, n):
        ledger.record_gift(amount_fen=1_000, fee_fen=6, designation="measure:4",
                           reference=f"bench-{i}-{n}")

    def plain(i, n):
        db.session.execute(text("INSERT INTO bench_plain (ref, code, amount) VALUES "
                                "(:r, 'cash', 994), (:r || 'f', 'fees', 6), "
                                "(:r || 'm', 'restricted:measure:4', -1000)"),
                           {"r": f"plain-{i}-{n}"})

    ledger_s, plain_s = _threads(app, post), _threads(app, plain)
    total = WRITERS * PER_WRITER
    print(f"posting: {total} entries by {WRITERS} writers: ledger {total / ledger_s:.0f}/s, "
          f"plain inserts {total / plain_s:.0f}/s, ratio ledger/plain "
          f"{(total / ledger_s) / (total / plain_s):.2f}")
    with app.app_context():
        db.session.execute(text("DROP TABLE bench_plain"))
        db.session.commit()


def solving() -> None:
    """The allocation optimiser on a district-sized set of applications."""
    rng = random.Random(2019)
    streets = ["七星岗", "解放碑", "南纪门", "上清寺", "朝天门", "化龙桥", "大溪沟", "两路口",
               "菜园坝", "石油路", "大坪", "福利院"]
    needs = [Need(i, rng.choice(streets), rng.choice([3, 4, 5, 6, 8, 9]),
                  rng.choice([50_000, 100_000, 200_000, 300_000]), rng.randint(1, 10))
             for i in range(12_018)]
    funds = [Fund("unrestricted", 300_000_000), Fund("budget", 600_000_000)]
    funds += [Fund(f"restricted:measure:{m}", 100_000_000, "measure", str(m)) for m in (3, 4, 5)]
    funds += [Fund(f"restricted:street:{s}", 20_000_000, "street", s) for s in streets[:4]]
    result = allocate(needs, funds, time_limit=60)
    gap = (result.bound - result.objective) / max(1, abs(result.bound))
    print(f"allocation: {len(needs)} applications, {len(funds)} funds: {result.status} in "
          f"{result.seconds:.1f}s, gap {gap:.2%}, funded {len(result.funded)}, "
          f"unfunded {len(result.unfunded)}")


if __name__ == "__main__":
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        bench_app = create_app({"SONGTAN_ENV": "development",
                                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10}})
        posting(bench_app)
    else:
        print("posting: skipped (set DATABASE_URL to a migrated PostgreSQL database)",
              file=sys.stderr)
    solving()
