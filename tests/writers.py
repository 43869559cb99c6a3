"""Two writers on one SQLite file (tests/test_sqlite_writes.py, tests/test_attack18.py): a page
of an app on a file of its own, and another connection (a worker's thread) that commits."""

import threading
from itertools import count

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from charity.extensions import db
from charity.jobs.models import Job

_KEYS = count()


def let_another_commit() -> str:
    """Another writer (a worker's thread) commits a job now; its key."""
    engine, key = db.engine, f"another writer {next(_KEYS)}"

    def another():
        with Session(engine) as other:
            other.add(Job(kind="export", key=key, params={}))
            other.commit()

    worker = threading.Thread(target=another)
    worker.start()
    worker.join()
    return key


def refused_then_locked(app, url: str) -> None:
    """The page at `url` writes after a read while another writer commits: the strict setting
    the tests run with names the mistake, and without it SQLite fails the write at once."""
    client = app.test_client()
    try:
        with pytest.raises(RuntimeError, match="write in a unit of work"):
            client.get(url)
    finally:
        db.session.rollback()  # the fixture's app context outlives the request
    app.config["SQLITE_STRICT_WRITES"] = False
    try:
        with pytest.raises(OperationalError, match="locked"):
            client.get(url)
    finally:
        db.session.rollback()
        app.config["SQLITE_STRICT_WRITES"] = True
