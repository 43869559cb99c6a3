"""Attack 24a: the job and pairing path (issue 12), as an attacker and a demanding user."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

import matching
from charity.audit.models import AuditEntry
from charity.database import utcnow
from charity.extensions import db
from charity.jobs import cleanup, exports
from charity.jobs import operations as jobs
from charity.jobs.models import Job
from charity.jobs.runner import finish, progress_reported, refusal
from charity.pairing import operations, tasks
from charity.pairing.models import MatchRun, Pairing
from tests import factories
from tests.factories import CadreFactory
from tests.test_jobs_components import three_streets
from tests.test_pairing_workflow import small_district


def msgid(refused) -> str:
    """A refusal's message as written (the catalog's key, whatever the language)."""
    return refusal(refused)["msgid"]


def refused_with(step, *args) -> str:
    """The message (as written) of the refusal ``step(*args)`` must raise."""
    with pytest.raises(operations.PairingError) as refused:
        step(*args)
    return msgid(refused.value)


def live():
    """Every live pairing."""
    return db.session.scalars(select(Pairing).where(
        Pairing.status.in_(("proposed", "active")))).all()


def test_a_preview_made_before_another_was_published_is_refused_not_a_500(client, auth):
    small_district()
    auth.login(factories.user("admin"))
    first = operations.run()
    second = operations.run()
    db.session.commit()
    assert client.post(f"/pairing/runs/{second.id}/publish").status_code == 302
    count = len(live())
    response = client.post(f"/pairing/runs/{first.id}/publish?lang=en")
    assert response.status_code == 302
    assert len(live()) == count
    page = client.get(f"/pairing/runs/{first.id}?lang=en").get_data(as_text=True)
    assert "The pairings have changed since this preview was made" in page
    assert db.session.get(MatchRun, first.id).state == "preview"


def test_a_preview_published_from_two_tabs_at_once_is_published_once(session, monkeypatch):
    """The second request read the run as a preview before the first one's commit."""
    small_district()
    match_run = operations.run()
    db.session.commit()
    operations.publish(match_run)
    db.session.commit()
    ended = [p.id for p in live()]
    # the second tab's request: it had read the run before the first was committed
    monkeypatch.setattr(operations, "_publishable", lambda *_args: None)
    assert "already published" in refused_with(operations.publish, match_run)
    db.session.rollback()
    assert [p.id for p in live()] == ended
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "match.publish")) == 1


def test_a_preview_after_a_decline_and_rematch_is_refused(session):
    people, others, cadres, far, volunteer = small_district()
    CadreFactory(street_name="七星岗", rank="division_leader")
    operations.publish(operations.run())
    stale = operations.run()
    pairing = next(p for p in live() if p.helper_kind == "cadre")
    operations.decline(pairing, "moved away")
    assert "changed since" in refused_with(operations.publish, stale)


def test_a_fresh_preview_publishes_and_an_old_one_without_its_basis_is_refused(session):
    small_district()
    old = operations.run()
    del old.summary["basis"]
    try:
        operations.publish(old)
    except operations.PairingError as refused:
        assert "cannot be checked" in msgid(refused)
    else:
        raise AssertionError("a preview without its basis was published")
    assert operations.publish(operations.run())["added"] == 6


def test_the_progress_of_a_run_that_splits_never_goes_backwards(session):
    """On the embedded queue a run that splits solves its components in one process; its bar
    went from "solving" at 1 of 3 (33%) back to 0 of 3 components (0%)."""
    three_streets()
    seen = []

    def heard(job, done, total, code):
        seen.append((round(100 * done / total) if total else 0, code))

    progress_reported.connect(heard)
    try:
        job, _started = jobs.start("pairing_run", tasks.key(None))
    finally:
        progress_reported.disconnect(heard)
    db.session.refresh(job)
    assert job.state == "succeeded", job.error
    percents = [percent for percent, _code in seen]
    assert percents == sorted(percents), seen
    assert "components" in [code for _percent, code in seen]


def test_a_run_given_up_while_its_worker_still_solves_keeps_nothing(session, monkeypatch):
    """No news for 30 minutes: a second start gives the job up and runs the work again; the
    first worker, only slow, then ended and wrote "succeeded" over "failed", with its preview
    kept beside the new job's."""
    small_district()
    solve = matching.solve_split

    def slow(problem, solved=None):
        # its worker was slow: meanwhile another request found the job stale and gave it up
        job = jobs.active(tasks.key(None))
        job.updated_at = utcnow() - jobs.STALE_AFTER - timedelta(minutes=1)
        db.session.commit()
        jobs.give_up(job)
        return solve(problem, solved)

    monkeypatch.setattr(matching, "solve_split", slow)
    job, _started = jobs.start("pairing_run", tasks.key(None))
    db.session.refresh(job)
    assert job.state == "failed" and job.error["code"] == "worker_lost"
    assert db.session.scalar(select(func.count(MatchRun.id))) == 0


def test_a_job_its_worker_ended_is_not_given_up_after_all(session):
    """The second start read the job as stale, but its worker ended it before the give-up:
    the job keeps its outcome."""
    job = Job(kind="pairing_run", key="pairing_run:district", state="running",
              updated_at=utcnow() - jobs.STALE_AFTER - timedelta(minutes=1))
    db.session.add(job)
    db.session.commit()
    finish(job.id, "succeeded", result={"endpoint": "jobs.history", "values": {}})
    jobs.give_up(job)
    db.session.refresh(job)
    assert job.state == "succeeded" and job.error is None


def test_the_file_of_an_export_that_failed_after_writing_it_is_removed_too(app, session):
    """An export writes its file, then the job may still fail (its commit, or an attempt that
    ended after the job was given up keeps nothing): the file, personal data, was kept
    forever, the nightly clean-up looking at succeeded jobs only."""
    old = utcnow() - timedelta(days=app.config["EXPORT_KEEP_DAYS"] + 1)
    job = Job(kind="pairing_export", key="pairing_export:csv:district", state="failed",
              params={"ext": "csv"}, updated_at=old, finished_at=old)
    db.session.add(job)
    db.session.commit()
    target = exports.path(job)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"beneficiary_id\r\n1\r\n")
    assert cleanup.remove_old_exports() == 1
    assert not target.exists()
    failed_early = Job(kind="pairing_export", key="pairing_export:xlsx:district",
                       state="failed", params={"ext": "xlsx"}, updated_at=old,
                       finished_at=old)
    db.session.add(failed_early)
    db.session.commit()
    assert cleanup.remove_old_exports() == 0  # no file to remove, none counted
