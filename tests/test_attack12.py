"""Attacks on issue 12: the job pages, the pairing proof's words, the embedded worker."""

import os
import signal
import socket
import subprocess  # noqa: S404 (starts the app's own server)
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from charity.database import utcnow
from charity.extensions import db
from charity.jobs.models import Job
from charity.pairing.models import MatchRun
from tests import factories
from tests.test_pairing_proof import _run

OPTIMAL_ZH = "已求得最优解"


def test_odd_job_ids_are_404s(client, auth):
    auth.login(factories.user("admin"))
    for path in ("/jobs/99999999999999999999999", "/jobs/99999999999999999999999.json",
                 "/jobs/9223372036854775808.json", "/jobs/2147483648.json",
                 "/jobs/1%00.json", "/jobs/-1.json", "/pairing/runs/99999999999999999999"):
        assert client.get(path).status_code in (400, 404), path


def test_a_run_without_a_recorded_proof_is_called_optimal_nowhere(client, auth):
    """An old run (no proof recorded) kept its solver status "OPTIMAL": neither the preview
    nor the list of runs may show that word for it."""
    match_run = _run(client, auth)
    summary = dict(match_run.summary)
    del summary["layers"]
    match_run.summary = summary
    db.session.commit()
    for lang in ("en", "zh_Hans_CN"):
        preview = client.get(f"/pairing/runs/{match_run.id}?lang={lang}").get_data(as_text=True)
        assert "OPTIMAL" not in preview and OPTIMAL_ZH not in preview
        runs = client.get(f"/pairing/?lang={lang}").get_data(as_text=True)
        assert "OPTIMAL" not in runs and OPTIMAL_ZH not in runs


def test_the_list_of_runs_says_what_each_run_proves(client, auth):
    match_run = _run(client, auth)
    assert match_run.status == "OPTIMAL"
    assert "最优" in client.get("/pairing/?lang=zh_Hans_CN").get_data(as_text=True)


def test_a_retried_job_starts_its_progress_again(client, auth, monkeypatch):
    """An attempt after a passing fault starts from nothing: the bar may not claim the steps
    the failed attempt did (it showed 'Started' at 66%)."""
    from sqlalchemy.exc import OperationalError

    from charity.jobs.runner import Progress
    from charity.pairing import components
    from tests.jobs import job_status
    from tests.test_jobs import small_street

    small_street()
    auth.login(factories.user("admin"))
    real, seen = components.scope, []

    def flaky(job):  # the first thing a pairing run does
        seen.append((job.done, job.total, job.progress_code, job.percent))
        if len(seen) == 1:
            Progress(job)(2, 3, "saving")
            raise OperationalError("SELECT 1", {}, Exception("database is locked"))
        return real(job)

    monkeypatch.setattr(components, "scope", flaky)
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["state"] == "succeeded"
    assert seen[1] == (0, 0, "started", 0)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_the_worker_serve_started_stops_with_the_server(tmp_path, stop):
    """`make run`'s worker stopped with the server only on Ctrl+C, or on SIGTERM when
    localstripe was started too: with real Stripe settings a SIGTERM left it running, and a
    server killed outright always did."""
    env = os.environ | {"SONGTAN_ENV": "development", "STRIPE_API_BASE": "http://127.0.0.1:1",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "charity.serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = []
    try:
        deadline = time.monotonic() + 60
        while not workers and time.monotonic() < deadline:
            time.sleep(0.5)
            workers = _children(server.pid)
        assert workers, "serve started no worker"
        time.sleep(3)  # the worker's own start
        server.send_signal(stop)
        server.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not any(map(_alive, workers)), "the worker outlived the server"
    finally:  # a worker left behind (the test failed) stops with its pool
        if server.poll() is None:
            server.kill()
        for pid in filter(_alive, workers):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.5)


def test_a_run_stopped_with_a_minimum_unmet_is_neither_infeasible_nor_publishable(
        client, auth, monkeypatch):
    """matching says UNKNOWN when it stopped early with a quota minimum unmet that it has not
    shown impossible: the job, the preview and the list of runs say so, and it is not
    published."""
    from dataclasses import replace

    import matching
    from charity.pairing import operations as pairing
    from tests.jobs import job_status
    from tests.test_pairing_workflow import small_district

    real = matching.solve
    monkeypatch.setattr(pairing.matching.split, "solve",  # what solve_split calls
                        lambda problem: replace(real(problem), status="UNKNOWN"))
    small_district()
    auth.login(factories.user("admin"))
    client.get("/lang/en")
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["state"] == "succeeded" and "stopped before every quota minimum" in \
        status["error"]
    match_run = db.session.scalar(select(MatchRun))
    preview = client.get(f"/pairing/runs/{match_run.id}").get_data(as_text=True)
    assert "Stopped before every cadre&#39;s quota minimum was met" in preview
    assert "No pairing meets every hard rule" not in preview
    assert f"/pairing/runs/{match_run.id}/publish" not in preview
    assert "Stopped early (quota minimums not met)" in client.get("/pairing/").get_data(
        as_text=True)
    client.post(f"/pairing/runs/{match_run.id}/publish")
    db.session.refresh(match_run)
    assert match_run.state == "preview"


def test_the_embedded_workers_start_retries_the_jobs_its_last_run_left_running(
        client, auth, monkeypatch):
    """`make run` stopped mid-run (its worker killed): the filesystem transport had taken the
    message, so the job never ran again, yet it said 'Running' and held its key for 30
    minutes (a new run led to the dead job). The worker's next start sends it once more as
    its next attempt while it has attempts left, and fails it, saying why, when it has none."""
    from celery.signals import worker_ready

    from charity.jobs import operations as jobs

    auth.login(factories.user("admin"))
    allowed = jobs.attempts_allowed("pairing_export")
    assert allowed == 6  # once, and 5 retries
    left = Job(kind="pairing_export", key="pairing_export:csv:district", state="running",
               params={"ext": "csv"}, progress_code="writing", done=1, total=2, attempts=1,
               updated_at=utcnow())
    spent = Job(kind="pairing_run", key="pairing_run:district", state="running",
                progress_code="solving", done=1, total=3, attempts=allowed,
                updated_at=utcnow())
    waiting = Job(kind="allocation_run", key="allocation_run", updated_at=utcnow())
    db.session.add_all([left, spent, waiting])
    db.session.commit()
    sent = []
    monkeypatch.setattr(jobs, "send", lambda job: sent.append(job.id))
    worker_ready.send(sender=None)
    for job in (left, spent, waiting):
        db.session.refresh(job)
    assert sent == [left.id]  # sent once; the queued one still has its message
    assert (left.state, spent.state, waiting.state) == ("retrying", "failed", "queued")
    status = client.get(f"/jobs/{left.id}.json?lang=en").get_json()
    assert "it is tried again, attempt 2 of 6" in status["error"]
    assert "stopped before the job ended" in client.get(
        f"/jobs/{spent.id}.json?lang=en").get_json()["error"]
    assert jobs.active("pairing_run:district") is None
    assert jobs.active("pairing_export:csv:district") == left  # its key is still held
    monkeypatch.undo()
    jobs.send(left)  # the message the worker takes next (the tests run jobs at once)
    db.session.refresh(left)
    assert (left.state, left.attempts, left.error) == ("succeeded", 2, None)
    assert client.get(f"/jobs/{left.id}.json").get_json()["result_url"].endswith("/download")


def test_a_job_page_and_the_history_say_when_a_job_had_no_news(client, auth):
    from datetime import timedelta

    from charity.jobs import operations as jobs

    auth.login(factories.user("admin"))
    quiet = Job(kind="pairing_run", key="k", state="running",
                updated_at=utcnow() - jobs.STALE_AFTER - timedelta(minutes=1))
    db.session.add(quiet)
    db.session.commit()
    page = client.get(f"/jobs/{quiet.id}?lang=en").get_data(as_text=True)
    assert 'class="job-stale" role="alert">' in page  # shown, not hidden
    fresh = Job(kind="pairing_run", key="k2", state="running", updated_at=utcnow())
    db.session.add(fresh)
    db.session.commit()
    # hidden, but there for the script to show when the job goes quiet while watched
    assert 'class="job-stale" role="alert" hidden>' in client.get(f"/jobs/{fresh.id}").get_data(
        as_text=True)
    history = client.get("/jobs/?lang=en").get_data(as_text=True)
    assert history.count("its worker may have stopped") == 1


def test_a_finished_jobs_page_leads_only_to_a_result_the_viewer_may_see(client, auth):
    """An auditor sees the district's jobs, but not a pairing preview: the job's page offered
    the link and its script took the auditor to a 403."""
    from tests.jobs import result_of
    from tests.test_jobs import small_street

    small_street()
    auth.login(factories.user("admin"))
    assert result_of(client, client.post("/pairing/runs", data={"street": ""})).startswith(
        "/pairing/runs/")
    job = db.session.scalar(select(Job))
    auth.logout()
    auth.login(factories.user("auditor"))
    status = client.get(f"/jobs/{job.id}.json").get_json()
    assert status["state"] == "succeeded" and status["result_url"] is None
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "/pairing/runs/" not in page
    assert "/pairing/runs/" not in client.get("/jobs/").get_data(as_text=True)


def test_a_roster_import_tried_again_after_a_passing_fault_imports_the_rows(
        client, auth, monkeypatch):
    """The job removed the stored roster as it read it: the attempt after a passing fault
    (SQLite busy with the web server's writes) failed with 'That upload has expired'."""
    from flask import current_app
    from sqlalchemy import func
    from sqlalchemy.exc import OperationalError

    from charity.registry import excel
    from charity.registry.models import Person
    from tests.jobs import result_of
    from tests.test_roster_excel import row, upload

    auth.login(factories.user("street_officer", "七星岗"))
    client.get("/lang/en")
    before = db.session.scalar(select(func.count()).select_from(Person))
    page = upload(client, [row()]).get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    real, calls = excel.apply, []

    def busy(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(excel, "apply", busy)
    folder = Path(current_app.instance_path) / "imports"
    before_files = set(folder.glob("*.enc"))
    confirmed = client.post("/registry/import/confirm", data={"token": token})
    assert result_of(client, confirmed) == "/registry/people"
    assert len(calls) == 2
    assert db.session.scalar(select(func.count()).select_from(Person)) == before + 1
    assert set(folder.glob("*.enc")) < before_files  # the job's copy is spent, and removed


def test_a_crashed_jobs_personal_data_stays_out_of_every_log(client, auth, monkeypatch, caplog):
    """A job that crashes on a database error carrying a person's row: the runner's log and
    Celery's own ("Task ... raised unexpected: ...") print no ID number or name."""
    import logging
    import traceback

    from sqlalchemy.exc import IntegrityError

    from charity.pairing import operations as pairing
    from tests.jobs import job_status
    from tests.test_jobs import small_street

    small_street()
    auth.login(factories.user("admin"))

    def crash(*args, **kwargs):
        raise IntegrityError("INSERT INTO person", {"id_number": "11010519491231002X",
                                                    "name": "王秀英"},
                             Exception('duplicate key: Key (id_number)=(11010519491231002X)'))

    monkeypatch.setattr(pairing, "record", crash)
    caplog.set_level(logging.INFO)
    status = job_status(client, client.post("/pairing/runs", data={"street": ""}))
    assert status["state"] == "failed"
    logged = "\n".join(f"{r.name}: {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "(jobs.pairing_run) failed" in logged  # the runner's line
    assert "raised unexpected" in logged  # Celery's own line
    assert "11010519491231002X" not in logged and "王秀英" not in logged
    for record in caplog.records:
        if record.exc_info:
            text = "".join(traceback.format_exception(*record.exc_info))
            assert "11010519491231002X" not in text, record.name


def test_a_start_that_loses_the_race_to_a_job_that_ended_at_once_starts_one(
        client, auth, monkeypatch):
    """Two tabs, broker down: the other tab's job was kept, then failed at once; this tab's
    insert lost to it, found no active job and answered a 500."""
    from charity.jobs import operations as jobs
    from tests.test_jobs import small_street

    small_street()
    auth.login(factories.user("admin"))
    real, calls = jobs.keep, []

    def lost_once(job):
        calls.append(job)
        return len(calls) > 1 and real(job)

    monkeypatch.setattr(jobs, "keep", lost_once)
    response = client.post("/pairing/runs", data={"street": ""})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    assert len(calls) == 2


def test_an_infeasible_run_shows_no_bound_or_gap(client, auth):
    """A problem with no pairing under its rules has no optimum to bound: the preview showed
    'bound … (gap 0.00%)' beside 'No pairing meets every hard rule' (and a run stopped early
    with a minimum unmet showed a bound counting the minimum's reward, five times the
    objective)."""
    from tests.factories import CadreFactory, PersonFactory
    from tests.jobs import job_status

    PersonFactory(household__street_name="上清寺")
    CadreFactory(street_name="上清寺", rank="district_leader")
    auth.login(factories.user("admin"))
    job_status(client, client.post("/pairing/runs", data={"street": ""}))
    match_run = db.session.scalar(select(MatchRun))
    assert match_run.status == "INFEASIBLE"
    page = client.get(f"/pairing/runs/{match_run.id}?lang=en").get_data(as_text=True)
    assert 'id="run-bound"' not in page and "gap " not in page
    cadre_row = page.split("1. Cadres</td>")[1].split("</tr>")[0]
    assert "%" not in cadre_row
