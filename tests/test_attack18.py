"""Attacks on the SQLite reading-request writes (`charity.transaction.writes`): what a block
that writes leaves behind in a page that only reads, and what the strict guard sees."""

import sqlite3
import threading
from itertools import count

import flask_migrate
import pytest
from sqlalchemy import func, select, text

from charity import create_app
from charity.audit.security import record_refusal
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.models import Job
from charity.transaction import commit_alone
from tests.conftest import TEST_CONFIG
from tests.writers import let_another_commit, refused_then_locked

#: Writes a page might make, as SQLite receives them.
STATEMENTS = [
    "WITH one AS (SELECT 1 AS n) INSERT INTO attack18_note SELECT n FROM one",
    "/* a note */ INSERT INTO attack18_note VALUES (1)",
    "-- a note\nUPDATE attack18_note SET n = n + 1",
]


@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    """An app on a SQLite file of its own (two connections, as in use)."""
    path = tmp_path_factory.mktemp("attack18") / "app.db"
    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    app.extensions["attack18_path"] = str(path)

    @app.get("/attack18/dirty-then-audit")
    def dirty_then_audit():  # the mistake: a change made outside a unit of work, then one
        job = db.session.scalars(select(Job).limit(1)).one()
        job.params = {"changed": "by a page that reads"}
        let_another_commit()
        commit_alone(record_refusal, "forbidden", reason="a test")
        return "audited"

    @app.get("/attack18/statement/<int:number>")
    def statement(number):  # the mistake, written by hand
        db.session.scalar(select(func.count(Job.id)))
        db.session.execute(text(STATEMENTS[number]))
        return "written"

    @app.get("/attack18/cte-then-audit")
    def cte_then_audit():  # a write first (no read before it), then a unit of work
        db.session.execute(text(STATEMENTS[0]))
        commit_alone(record_refusal, "forbidden", reason="a test")
        return "audited"

    with app.app_context():
        flask_migrate.upgrade(revision="head")
        db.session.execute(text("CREATE TABLE attack18_note (n INTEGER)"))
        db.session.add(Job(kind="export", key="attack18 seed", params={}))
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


_KEYS = count()


def _another_writer_can_write(app) -> bool:
    """Whether another connection (a worker) takes the write lock within 0.2 s."""
    outcome = []

    def other():
        connection = sqlite3.connect(app.extensions["attack18_path"], timeout=0.2)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            outcome.append(True)
        except sqlite3.OperationalError:
            outcome.append(False)
        finally:
            connection.close()

    worker = threading.Thread(target=other)
    worker.start()
    worker.join()
    return outcome[0]


def test_a_reading_page_holds_no_write_lock_after_starting_a_job(filed, monkeypatch):
    """A page that starts a job (the dashboard's gap snapshot) goes on rendering after
    `jobs.start`: it must not hold SQLite's write lock meanwhile, or every worker and every
    other page that writes waits for it (and fails after the busy timeout)."""
    key = f"attack18:{next(_KEYS)}"
    task = filed.extensions["celery"].tasks["jobs.gap_snapshot"]
    monkeypatch.setattr(task, "apply_async", lambda **_kwargs: None)  # the broker took it
    with filed.test_request_context("/", method="GET"):
        try:
            db.session.scalar(select(func.count(Job.id)))
            job, started = jobs.start("gap_snapshot", key, params={"day": "2026-12-01"})
            assert started
            assert _another_writer_can_write(filed)
            assert job.key == key  # the job returned is still usable
        finally:
            db.session.rollback()


def test_a_reading_page_holds_no_write_lock_after_finding_the_running_job(filed):
    """Each view of the dashboard while the snapshot job runs finds that job: the page must
    not then hold the write lock the worker needs to report progress and finish."""
    key = f"attack18:{next(_KEYS)}"
    with filed.app_context():
        db.session.add(Job(kind="gap_snapshot", key=key, state="running", params={}))
        db.session.commit()
    with filed.test_request_context("/", method="GET"):
        try:
            job, started = jobs.start("gap_snapshot", key, params={"day": "2026-12-01"})
            assert not started
            assert _another_writer_can_write(filed)
            assert job.key == key
        finally:
            db.session.rollback()


def test_a_change_made_before_a_unit_of_work_is_named_by_the_strict_guard(filed):
    """A reading page that changes a loaded object, then writes in a unit of work: the change
    is flushed in the reading transaction, after its reads, and fails with "database is
    locked" when another writer committed in between. The strict setting must name it (its
    flush used to run inside `may_write`, unseen)."""
    refused_then_locked(filed, "/attack18/dirty-then-audit")


@pytest.mark.parametrize("number", range(len(STATEMENTS)))
def test_the_strict_guard_knows_a_write_whatever_comes_before_it(filed, number):
    """A write after a read is refused when a comment comes first, or a `WITH` clause."""
    try:
        with pytest.raises(RuntimeError, match="write in a unit of work"):
            filed.test_client().get(f"/attack18/statement/{number}")
    finally:
        db.session.rollback()


def test_a_write_in_a_with_statement_is_kept_by_a_unit_of_work(filed):
    """`writes` rolls back a reading transaction that wrote nothing: a `WITH ... INSERT` it
    took for a read was discarded without a word."""
    notes = "SELECT count(*) FROM attack18_note"
    before = db.session.scalar(text(notes))
    db.session.rollback()
    try:
        assert filed.test_client().get("/attack18/cte-then-audit").status_code == 200
        assert db.session.scalar(text(notes)) == before + 1
    finally:
        db.session.rollback()
