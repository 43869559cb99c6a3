"""Jobs: a page starts long work as a job and shows its progress, then its result; a second
start shows the running job; refusals, passing faults, crashes, a dead worker and a broker that
is down end with a clear message and nothing half-written. Jobs run eagerly here (see
tests/test_jobs_workers.py for real workers on Redis)."""

from datetime import timedelta

import pytest
from celery import Celery
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from charity.audit.models import AuditEntry
from charity.database import utcnow
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.models import Job
from charity.jobs.queue import settings
from charity.pairing import operations as pairing
from charity.pairing.models import MatchRun
from tests import factories
from tests.factories import CadreFactory, PersonFactory, VolunteerFactory
from tests.jobs import job_status, result_of


def small_street():
    people = [PersonFactory(household__street_name="七星岗") for _ in range(3)]
    cadres = [CadreFactory(street_name="七星岗") for _ in range(3)]
    VolunteerFactory(street_name="七星岗", capacity=2)
    return people, cadres


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_pairing_run_is_a_job_whose_page_leads_to_the_preview(client, auth):
    small_street()
    admin = factories.user("admin")
    auth.login(admin)
    response = client.post("/pairing/runs", data={"street": ""})
    job_page = response.headers["Location"]
    status = job_status(client, response)
    assert status["state"] == "succeeded" and status["percent"] == 100
    match_run = db.session.scalar(select(MatchRun))
    assert status["result_url"] == f"/pairing/runs/{match_run.id}"
    job = db.session.get(Job, status["id"])
    assert (job.kind, job.started_by_id, job.street_id, job.attempts) == (
        "pairing_run", admin.id, None, 1)
    assert job.started_at <= job.finished_at and job.total == 3 == job.done
    page = client.get(f"{job_page}?lang=en").get_data(as_text=True)
    assert 'value="100"' in page and "See the result" in page
    assert f'href="/pairing/runs/{match_run.id}"' in page
    assert "/static/js/jobs.js" in page and "<script>" not in page
    assert "完成" in client.get(f"{job_page}?lang=zh_Hans_CN").get_data(as_text=True)


def test_progress_is_reported_step_by_step_before_anything_is_written(session):
    small_street()
    seen = []

    def progress(done, total, code):
        seen.append((done, total, code, count(MatchRun)))

    pairing.run(progress=progress)
    assert seen == [(0, 3, "reading", 0), (1, 3, "solving", 0), (2, 3, "saving", 0)]


def test_progress_after_a_write_is_refused(session):
    job = Job(kind="pairing_run", key="k", updated_at=utcnow())
    db.session.add(job)
    db.session.commit()
    from charity.jobs.runner import Progress

    db.session.add(AuditEntry(action="x", object_type="y"))
    with pytest.raises(RuntimeError, match="before it writes"):
        Progress(job)(1, 2, "solving")


def test_a_second_start_shows_the_running_job(client, auth):
    small_street()
    auth.login(factories.user("admin"))
    running = Job(kind="pairing_run", key="pairing_run:district", state="running",
                  updated_at=utcnow())
    db.session.add(running)
    db.session.commit()
    response = client.post("/pairing/runs", data={"street": ""}, follow_redirects=True)
    assert response.request.path == f"/jobs/{running.id}"
    assert count(Job) == 1 and count(MatchRun) == 0
    assert "已在排队或运行" in response.get_data(as_text=True)
    # another street's run is other work: it starts
    street = factories.street("七星岗")
    assert job_status(client, client.post("/pairing/runs", data={"street": street.id}))[
        "state"] == "succeeded"


def test_a_job_whose_worker_died_is_given_up_when_the_work_is_started_again(client, auth):
    small_street()
    auth.login(factories.user("admin"))
    lost = Job(kind="pairing_run", key="pairing_run:district", state="running",
               updated_at=utcnow() - jobs.STALE_AFTER - timedelta(minutes=1))
    db.session.add(lost)
    db.session.commit()
    assert client.get(f"/jobs/{lost.id}.json").get_json()["stale"] is True
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["id"] != lost.id and status["state"] == "succeeded"
    db.session.refresh(lost)
    assert lost.state == "failed" and lost.error["code"] == "worker_lost"
    english = client.get(f"/jobs/{lost.id}.json?lang=en").get_json()["error"]
    assert "worker running this job stopped" in english


def test_a_run_with_no_cadres_fails_with_a_message_and_keeps_nothing(client, auth):
    PersonFactory(household__street_name="七星岗")
    auth.login(factories.user("admin"))
    client.get("/lang/en")
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["state"] == "failed" and status["result_url"] is None
    assert "no active cadre or volunteer" in status["error"]
    assert count(MatchRun) == 0
    client.get("/lang/zh_Hans_CN")
    history = client.get("/jobs/?state=failed").get_data(as_text=True)
    assert "没有可结对的在岗干部或志愿者" in history


def test_quotas_that_cannot_be_met_land_on_the_preview_with_a_warning(client, auth):
    PersonFactory(household__street_name="上清寺")
    CadreFactory(street_name="上清寺", rank="district_leader")
    auth.login(factories.user("admin"))
    client.get("/lang/en")
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["state"] == "succeeded" and "quotas cannot all be met" in status["error"]
    assert db.session.scalar(select(MatchRun.status)) == "INFEASIBLE"


def test_a_crash_leaves_nothing_written(client, auth, monkeypatch):
    small_street()
    auth.login(factories.user("admin"))

    def crash(*args, **kwargs):
        raise RuntimeError("the solver crashed")

    monkeypatch.setattr(pairing, "record", crash)  # after the run's row was flushed
    client.get("/lang/en")
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["state"] == "failed" and "unexpected error" in status["error"]
    assert "crashed" not in status["error"]
    assert count(MatchRun) == 0


def test_a_passing_fault_is_tried_again_and_completes_once(client, auth, monkeypatch):
    small_street()
    auth.login(factories.user("admin"))
    real, calls = pairing.run, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("SELECT 1", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pairing, "run", flaky)
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["state"] == "succeeded" and len(calls) == 3
    assert db.session.get(Job, status["id"]).attempts == 3
    assert count(MatchRun) == 1


def test_a_fault_that_does_not_pass_fails_the_job(client, auth, monkeypatch):
    small_street()
    auth.login(factories.user("admin"))

    def locked(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(pairing, "run", locked)
    client.get("/lang/en")
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["state"] == "failed" and "did not pass after 6 attempts" in status["error"]


def test_a_broker_that_is_down_fails_the_job_at_once_with_a_message(client, auth, monkeypatch):
    small_street()
    auth.login(factories.user("admin"))
    down = Celery("down", set_as_current=False)
    down.config_from_object(settings(current_app) | {
        "broker_url": "redis://127.0.0.1:1/0", "task_always_eager": False})
    monkeypatch.setitem(current_app.extensions, "celery", down)
    client.get("/lang/en")
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["state"] == "failed" and "job queue cannot be reached" in status["error"]
    assert count(MatchRun) == 0
    assert jobs.active("pairing_run:district") is None  # the next start is a new job


def test_an_allocation_run_refused_shows_why(client, auth):
    auth.login(factories.user("fund_manager"))
    client.get("/lang/en")
    status = job_status(client, client.post("/relief/allocations", data={"tolerance": "5"}))
    assert status["state"] == "failed"
    assert status["error"] == "No eligible application is waiting for a decision."
    client.get("/lang/zh_Hans_CN")
    chinese = client.get(f"/jobs/{status['id']}.json").get_json()["error"]
    assert chinese and chinese != status["error"]


def test_reconciliation_starts_from_its_page_as_a_job(client, auth, monkeypatch):
    from donations.stripe import reconcile

    calls = []
    monkeypatch.setattr(reconcile, "reconcile",
                        lambda since, user=None: calls.append((since, user)) or
                        type("Run", (), {"id": 7})())
    auth.login(factories.user("fund_manager"))
    page = client.get("/donations/staff/reconciliation").get_data(as_text=True)
    assert "/donations/staff/reconciliation/runs" in page
    assert result_of(client, client.post("/donations/staff/reconciliation/runs")) == (
        "/donations/staff/reconciliation")
    assert len(calls) == 1
    auth.logout()
    auth.login(factories.user("auditor"))
    assert client.post("/donations/staff/reconciliation/runs").status_code == 403


def test_scheduled_jobs_run_without_a_user(session):
    from charity.jobs.queue import SCHEDULE

    for kind, _hour, _minute in SCHEDULE:
        if kind == "reconciliation":
            continue  # talks to Stripe: tests/donations cover it
        jobs.scheduled(kind)
        job = db.session.scalar(select(Job).where(Job.kind == kind))
        count = {"export_cleanup": "files_removed", "rent_batch": "paid"}.get(kind, "expired")
        assert (job.state, job.started_by_id, job.params[count]) == ("succeeded", None, 0)
    beat = current_app.extensions["celery"].conf.beat_schedule
    assert {entry["args"][0] for entry in beat.values()} == {k for k, *_ in SCHEDULE}


def test_history_filters_and_keeps_a_street_officer_to_their_street(client, auth):
    qixinggang, jiefangbei = factories.street("七星岗"), factories.street("解放碑")
    now = utcnow()
    rows = [Job(kind="pairing_run", key="a", state="succeeded", street_id=qixinggang.id,
                updated_at=now),
            Job(kind="pairing_run", key="b", state="failed", street_id=jiefangbei.id,
                updated_at=now, error={"code": "internal", "params": {}}),
            Job(kind="allocation_run", key="c", state="succeeded", updated_at=now)]
    db.session.add_all(rows)
    db.session.commit()
    auth.login(factories.user("admin"))
    page = client.get("/jobs/?lang=en").get_data(as_text=True)
    assert page.count('class="job-row') == 3
    assert client.get("/jobs/?kind=pairing_run").get_data(as_text=True).count(
        'class="job-row') == 2
    failed = client.get("/jobs/?state=failed&lang=en").get_data(as_text=True)
    assert failed.count('class="job-row') == 1 and "unexpected error" in failed
    assert client.get("/jobs/?kind=nonsense").status_code == 400
    auth.logout()
    auth.login(factories.user("street_officer", "七星岗"))
    mine = client.get("/jobs/").get_data(as_text=True)
    assert mine.count('class="job-row') == 1 and f'href="/jobs/{rows[0].id}"' in mine
    assert client.get(f"/jobs/{rows[1].id}").status_code == 404
    assert client.get(f"/jobs/{rows[2].id}.json").status_code == 404


def test_a_confirmed_roster_is_imported_by_a_job_once(client, auth):
    from charity.registry.models import Person
    from tests.test_roster_excel import row, upload

    auth.login(factories.user("street_officer", "七星岗"))
    client.get("/lang/en")
    before = count(Person)
    page = upload(client, [row()]).get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    confirmed = client.post("/registry/import/confirm", data={"token": token})
    assert result_of(client, confirmed) == "/registry/people"
    job = db.session.scalar(select(Job).where(Job.kind == "roster_import"))
    assert job.street_id == factories.street("七星岗").id and job.params == {"rows": 1}
    assert count(Person) == before + 1
    again = client.post("/registry/import/confirm", data={"token": token})
    assert again.headers["Location"] == "/registry/import"  # the upload is spent
    assert count(Person) == before + 1 and count(Job) == 1


def test_two_starts_at_the_same_moment_make_one_job(session):
    """The database holds the rule too: one active job per key (a partial unique index)."""
    from charity.jobs.runner import keep

    assert keep(Job(kind="pairing_run", key="pairing_run:district", updated_at=utcnow()))
    assert not keep(Job(kind="pairing_run", key="pairing_run:district", updated_at=utcnow()))
    assert count(Job) == 1
    db.session.add(Job(kind="pairing_run", key="pairing_run:district", state="succeeded",
                       updated_at=utcnow()))
    db.session.commit()  # finished jobs hold no key
    assert count(Job) == 2


def test_a_failed_reconciliation_says_what_it_saved_before_and_a_pairing_run_that_nothing_was(
        app, session):
    """Reconciliation saves one Stripe object at a time, so its failure keeps what it finished;
    a pairing run keeps nothing. Each failure's message says which."""
    old = utcnow() - jobs.STALE_AFTER - timedelta(minutes=1)
    reconciling = Job(kind="reconciliation", key="reconciliation", state="running",
                      updated_at=old)
    pairing = Job(kind="pairing_run", key="pairing_run:district", state="running",
                  updated_at=old)
    db.session.add_all([reconciling, pairing])
    db.session.commit()
    jobs.give_up(reconciling)
    jobs.give_up(pairing)
    db.session.refresh(reconciling)
    db.session.refresh(pairing)
    assert reconciling.error["code"] == "worker_lost_kept"
    assert pairing.error["code"] == "worker_lost"
    with app.test_request_context("/?lang=en"):
        from flask_babel import force_locale

        from charity.jobs.messages import error_text

        with force_locale("en"):
            assert "is kept" in error_text(reconciling.error)
            assert "nothing was saved" in error_text(pairing.error)
