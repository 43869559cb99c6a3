"""An app whose data are really committed, for deliveries from several threads at once (the
per-test rollback cannot serve threads): on PostgreSQL the suite's own app, emptied before and
after; on SQLite, the embedded default, a new app on a file of its own migrated to head, as
`make run` has it (WAL, a busy timeout, writers queued)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import flask_migrate
from sqlalchemy import func, select

from charity import create_app
from charity.extensions import db
from charity.fund.models import JournalEntry
from tests.committed import empty
from tests.conftest import TEST_CONFIG, IsolatedClient
from tests.donations.conftest import WEBHOOK_SECRET

TABLES = ("match_credit, matching_pool, campaign, stripe_event, reconciliation, donation, "
          "recurring_gift, audit_entry, journal_line, journal_entry, fund_account")


def clean() -> None:
    """Empty what deliveries write (PostgreSQL)."""
    empty(TABLES, "DELETE FROM \"user\" WHERE email LIKE 'committed-%'")


@contextmanager
def committed_app(app, tmp_path):
    """The app to deliver to, inside its app context (see the module's docstring)."""
    if _is_postgres(app):
        with app.app_context():
            clean()
            try:
                yield app
            finally:
                db.session.rollback()
                clean()
        return
    embedded = create_app(TEST_CONFIG | {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'embedded.db'}",
        "STRIPE_API_BASE": app.config["STRIPE_API_BASE"],
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET})
    embedded.test_client_class = IsolatedClient
    with embedded.app_context():
        flask_migrate.upgrade(revision="head")
        try:
            yield embedded
        finally:
            db.session.remove()
            db.engine.dispose()


def _is_postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def at_once(count: int, work) -> list:
    """Run `work(i)` for i in 0..count-1 in as many threads, released together; the results
    (an exception in a thread is raised here)."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def journal_entries(**where) -> int:
    """How many journal entries there are (with columns equal to `where`), as committed."""
    query = select(func.count(JournalEntry.id)).filter_by(**where)
    return db.session.scalar(query)
