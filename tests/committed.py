"""For the PostgreSQL concurrency tests: data really committed through separate connections,
so each test empties the tables it used itself (the per-test rollback cannot serve threads)."""

import threading
from collections.abc import Callable
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from charity.extensions import db
from charity.fund import chain


def empty(tables: str, *statements: str) -> None:
    """TRUNCATE `tables` and the jobs (committed work starts some: a credited gift's receipt
    e-mail), run `statements`, then restart the ledger's chain. The journal refuses TRUNCATE
    but in replica mode (a test's cleanup, as a superuser), where user triggers do not fire."""
    named = {table.strip() for table in tables.split(",")}
    tables = tables if "job" in named else f"{tables}, job"
    db.session.execute(text("SET LOCAL session_replication_role = replica"))
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    for statement in statements:
        db.session.execute(text(statement))
    db.session.execute(text("UPDATE ledger_head SET seq = 0, hash = :h"), {"h": chain.GENESIS})
    db.session.commit()


@contextmanager
def committed_data(app, clean, reason: str):
    """Skip on SQLite (one writer); on PostgreSQL clean before and after the test."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip(reason)
        clean()
        try:
            yield
        finally:
            db.session.rollback()
            clean()


def committed_fixture(clean, reason: str = "concurrency needs PostgreSQL (SQLite has one "
                                           "writer)"):
    """A `committed` fixture for a test module: `committed_data` with its `clean`."""

    @pytest.fixture
    def committed(app):
        with committed_data(app, clean, reason):
            yield

    return committed


def at_once(app, attempts: list[Callable], refused: type[Exception]) -> list[str]:
    """Run each attempt in a thread of its own, in its own request context and session, all
    released together; each commits what it wrote. The outcomes, in order: "ok", or the text of
    the `refused` error it raised (rolled back)."""
    outcomes, barrier = [""] * len(attempts), threading.Barrier(len(attempts))

    def worker(i):
        with app.test_request_context("/?lang=en"):
            barrier.wait()
            try:
                attempts[i]()
                db.session.commit()
                outcomes[i] = "ok"
            except refused as error:
                db.session.rollback()
                outcomes[i] = str(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
