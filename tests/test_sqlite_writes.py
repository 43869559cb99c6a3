"""On the embedded default (a SQLite file in WAL mode), a request that only reads and then
writes (the audit entry of a page that shows health details, the job a page starts) must not
fail with "database is locked" because a worker or another request committed between its first
read and its write. Found in CI: the pairing page's first snapshot, written while the worker
stored the one the dashboard had asked for, answered 500."""

import flask_migrate
import pytest
from sqlalchemy import func, select

from charity import create_app
from charity.audit.models import AuditEntry
from charity.audit.security import record_refusal
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.models import Job
from charity.transaction import commit_alone, commit_refusal
from tests.conftest import TEST_CONFIG
from tests.writers import let_another_commit, refused_then_locked


@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    """An app on a SQLite file of its own (the rollback fixture shares one connection, so it
    cannot show two writers)."""
    path = tmp_path_factory.mktemp("writes") / "app.db"
    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})

    @app.get("/read-then-write")
    def read_then_write():  # the mistake: a page that reads, then writes without `writes`
        _read_then_let_another_commit()
        db.session.add(Job(kind="export", key="mine", params={}))
        db.session.commit()
        return "written"

    with app.app_context():
        flask_migrate.upgrade(revision="head")
        yield app
        db.session.remove()
        db.engine.dispose()


def _read_then_let_another_commit() -> None:
    """This request reads (its snapshot begins), then another writer commits."""
    db.session.scalar(select(func.count(Job.id)))
    key = let_another_commit()
    assert _jobs(key) == 0  # this request's snapshot began before it


def _jobs(key: str) -> int:
    return db.session.scalar(select(func.count(Job.id)).where(Job.key == key))


def test_a_write_after_a_read_and_another_commit_is_what_fails(filed):
    """The hazard itself: without `writes`, the write fails at once (no busy wait); the strict
    setting the tests run with names the mistake in any page that makes it."""
    refused_then_locked(filed, "/read-then-write")


def test_an_audit_entry_from_a_reading_page_waits_its_turn(filed):
    with filed.test_request_context("/people/1", method="GET"):
        before = db.session.scalar(select(func.count(AuditEntry.id)))
        _read_then_let_another_commit()
        commit_alone(record_refusal, "forbidden", reason="a test")
        assert db.session.scalar(select(func.count(AuditEntry.id))) == before + 1


def test_a_refusal_from_a_reading_page_is_kept(filed):
    with filed.test_request_context("/people/1", method="GET"):
        before = db.session.scalar(select(func.count(AuditEntry.id)))
        _read_then_let_another_commit()
        db.session.scalar(select(func.count(AuditEntry.id)))  # read again after the commit
        commit_refusal("out_of_scope", reason="a test")
        assert db.session.scalar(select(func.count(AuditEntry.id))) == before + 1


def test_a_job_started_from_a_reading_page_is_kept(filed):
    with filed.test_request_context("/", method="GET"):
        _read_then_let_another_commit()
        job, started = jobs.start("gap_snapshot", "gap_snapshot:a test", in_process=False,
                                  params={"day": "2026-12-01"})
        assert started and job.id is not None
        assert _jobs("gap_snapshot:a test") == 1
