"""Jobs on real workers: two Celery worker processes on Redis (as at scale), a SQLite file
shared with them. A district's pairing, split into one job per street plus the whole district,
gives the same pairs as the same runs in this process; a job whose worker process is killed
mid-run is given to a worker again and completes once. A run's independent components (a
city's districts, streets no helper links) are solved as tasks on both workers and merged into
what `matching.solve_split` gives in one process, and a component whose worker dies is solved
again, the run completing once.

Needs Redis (CI has it): SONGTAN_TEST_REDIS, default redis://127.0.0.1:6379/9 (the result
backend uses the next database number)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from types import SimpleNamespace

import flask_migrate
import pytest
from celery import group
from celery.signals import before_task_publish
from sqlalchemy import func, select

from charity import create_app
from charity.database import utcnow
from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.models import Job
from charity.jobs.operations import send
from charity.jobs.runner import keep
from charity.pairing import components, tasks
from charity.pairing import operations as pairing
from charity.pairing.models import MatchRun
from matching import components as split
from matching import merge, solve_split, transport
from matching.generate import city_instance
from matching.transport import dump, load
from tests import factories
from tests.conftest import TEST_CONFIG
from tests.factories import CadreFactory, PersonFactory, VolunteerFactory

pytestmark = pytest.mark.redis
REDIS = os.environ.get("SONGTAN_TEST_REDIS", "redis://127.0.0.1:6379/9")
STREETS = ("七星岗", "解放碑", "上清寺")


def redis_urls() -> tuple[str, str]:
    """The broker's URL, and the result backend's (the next database number)."""
    base, _slash, number = REDIS.rpartition("/")
    return REDIS, f"{base}/{int(number) + 1}"


def require_redis():
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        # These tests run on their own SQLite file whatever DATABASE_URL says; the PostgreSQL
        # pass would only repeat them (and, after PostgreSQL tests, a second app's factories
        # leave one of that pass's connections unclosed: a ResourceWarning, failed as an error).
        pytest.skip("runs on its own SQLite file: the SQLite pass covers it")
    import redis

    try:
        for url in redis_urls():
            with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
                client.flushdb()  # our own test databases: no old messages
    except redis.exceptions.ConnectionError as error:
        reason = f"needs Redis at {REDIS} (set SONGTAN_TEST_REDIS; CI has it): {error}"
        if os.environ.get("SONGTAN_REQUIRE_REDIS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def district(tmp_path):
    """An app on a fresh SQLite file with three streets of people, cadres and volunteers,
    sending its jobs to Redis."""
    require_redis()
    broker, backend = redis_urls()
    path = tmp_path / "jobs.db"
    app = create_app(TEST_CONFIG | {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": backend, "CELERY_TASK_ALWAYS_EAGER": False})
    app.instance_path = str(tmp_path)
    with app.app_context():
        flask_migrate.upgrade(revision="head")
        load_communities(load_reference())
        for name in STREETS:
            for category in ("tekun", "dibao", "dibao", "filed_hardship", "dibao", "tekun"):
                PersonFactory(household__street_name=name, category=category)
            for rank in ("division_leader", "staff", "staff"):
                CadreFactory(street_name=name, rank=rank)
            VolunteerFactory(street_name=name, capacity=2)
        db.session.commit()
        db.session.remove()
    yield app, path
    with app.app_context():
        db.engine.dispose()
    # no connection to Redis is left for the garbage collector (a ResourceWarning, an error)
    celery = app.extensions["celery"]
    celery.backend.result_consumer.stop()
    celery.backend.client.connection_pool.disconnect()
    celery.close()


@contextmanager
def workers(path, tmp_path, count=2, settings=None):
    """`count` worker processes, `celery worker -c 1` each, on the test's database (and the
    environment's `settings`); their logs in tmp_path. Stopped (and their pool processes with
    them) at the end."""
    broker, backend = redis_urls()
    env = os.environ | {"SONGTAN_ENV": "development", "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
                        "DATABASE_URL": f"sqlite:///{path}", "CELERY_BROKER_URL": broker,
                        "CELERY_RESULT_BACKEND": backend} | (settings or {})
    started, files = [], []
    for n in range(count):
        log = tmp_path / f"worker{n}.log"
        files.append(log.open("w"))
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "charity.worker:celery", "worker", "-c", "1",
             "-n", f"w{n}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
            env=env, stdout=files[-1], stderr=subprocess.STDOUT)
        started.append((process, log))
    try:
        deadline = time.monotonic() + 60
        while not all("ready." in log.read_text() for _p, log in started):
            assert time.monotonic() < deadline, [log.read_text()[-2000:] for _p, log in started]
            assert all(p.poll() is None for p, _log in started)
            time.sleep(0.2)
        yield started
    finally:
        for process, _log in started:
            process.send_signal(signal.SIGTERM)
        for process, _log in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for file in files:
            file.close()


def wait_for(app, job_ids, seconds=120) -> list[Job]:
    """The jobs, once all have finished."""
    deadline = time.monotonic() + seconds
    while True:
        with app.test_request_context():  # reads only: no write lock is taken
            found = db.session.scalars(select(Job).where(Job.id.in_(job_ids))).all()
            if all(job.finished for job in found):
                db.session.expunge_all()
                return sorted(found, key=lambda job: job_ids.index(job.id))
            db.session.remove()
        assert time.monotonic() < deadline, "the workers did not finish the jobs in time"
        time.sleep(0.3)


def kill_the_first_that_received(app, started, holder, marker: str, job_id: int):
    """Kill the pool process of the first worker whose log shows `marker` (it waits inside its
    task for the write lock `holder` has), let the lock go, and wait for the job: the job,
    and the workers' logs, which must show the loss."""
    deadline = time.monotonic() + 60
    while not (busy := [(p, log) for p, log in started if marker in log.read_text()]):
        assert time.monotonic() < deadline, f"no worker received {marker}"
        time.sleep(0.1)
    time.sleep(1)
    process, _log = busy[0]
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                              text=True, check=True).stdout.split()
    for child in children:  # the pool process running the task dies without a word
        os.kill(int(child), signal.SIGKILL)
    time.sleep(1)
    holder.rollback()
    holder.close()
    (finished,) = wait_for(app, [job_id])
    logs = "".join(log.read_text() for _p, log in started)
    assert "WorkerLostError" in logs or "Worker exited prematurely" in logs
    return finished, logs


def pairs_of(match_run: MatchRun) -> list:
    return sorted(tuple(p[:3]) for p in match_run.summary["pairs"])


def test_a_split_district_run_on_two_workers_gives_the_same_pairs(district, tmp_path):
    app, path = district
    with app.app_context():
        streets = [factories.street(name) for name in STREETS]
        scopes = [None, *streets]
        expected = [pairs_of(pairing.run(street)) for street in scopes]
        db.session.rollback()
        assert all(expected)
        ids = [s and s.id for s in scopes]
    with workers(path, tmp_path) as started, app.test_request_context(method="POST"):
        job_ids = [jobs.start("pairing_run", tasks.key(i), street_id=i)[0].id for i in ids]
        db.session.remove()
        done = wait_for(app, job_ids)
        logs = [log.read_text() for _p, log in started]
    assert [job.state for job in done] == ["succeeded"] * len(scopes), [j.error for j in done]
    with app.app_context():
        runs = [db.session.get(MatchRun, job.result["values"]["run_id"]) for job in done]
        assert [pairs_of(run) for run in runs] == expected
        assert [run.street_id for run in runs] == ids
    assert all("succeeded in" in log for log in logs), "each worker should have run a job"
    # the district's three streets, which no helper links, were three tasks, then merged
    assert (done[0].done, done[0].total) == (3, 3)
    assert sum(log.count("pairing.component[") for log in logs) >= 3 * 2  # received, ended
    assert "pairing.components_merged[" in "".join(logs)


def test_a_districts_layers_as_tasks_on_two_workers_give_the_run_of_one_process(
        district, tmp_path):
    """With PAIRING_LAYER_PARTS_FROM at 1 person, each of the three streets goes to the
    workers as a task per helper layer: nine parts, merged by the chord into the preview one
    process keeps."""
    app, path = district
    with app.app_context():
        inline = pairing.run(None)
        expected = (pairs_of(inline), inline.summary["layers"], inline.objective, inline.bound)
        db.session.rollback()
    with workers(path, tmp_path, settings={"PAIRING_LAYER_PARTS_FROM": "1"}) as started, \
            app.test_request_context(method="POST"):
        job_id = jobs.start("pairing_run", tasks.key(None))[0].id
        db.session.remove()
        done, = wait_for(app, [job_id])
        logs = [log.read_text() for _p, log in started]
    assert done.state == "succeeded", done.error
    assert (done.done, done.total) == (9, 9)  # three streets, three layers each
    with app.app_context():
        run = db.session.get(MatchRun, done.result["values"]["run_id"])
        assert (pairs_of(run), run.summary["layers"], run.objective, run.bound) == expected
    assert all("pairing.component[" in log for log in logs), "both workers should solve"


def test_on_redis_each_component_is_sent_as_soon_as_it_is_written(district, monkeypatch):
    """The chord's header is read part by part: on Redis the first component is on the queue
    after three are written, not all, so a worker starts on it while the rest are written (no
    worker runs here: the tasks stay on the queue, emptied by the next test)."""
    app, _path = district
    city = city_instance(8, scale=0.01, seed=5)
    parts = split(city)
    assert len(parts) >= 8
    events = []
    write = transport.dumps

    def writing(value):
        events.append("written")
        return write(value)

    def sent(sender=None, headers=None, **_kw):
        events.append(("sent", headers["task"]))

    monkeypatch.setattr(transport, "dumps", writing)
    before_task_publish.connect(sent)
    try:
        with app.test_request_context(method="POST"):
            job = SimpleNamespace(id=10**6, attempts=1)
            assert components.hand_off(job, city, parts, lambda *args: None) == \
                components.HANDED_OFF
    finally:
        before_task_publish.disconnect(sent)
    first = events.index(("sent", "pairing.component"))
    assert events.count("written") == events.count(("sent", "pairing.component")) == len(parts)
    assert first <= 3 < len(parts)  # Celery reads two ahead of what it sends
    assert events[first:].count("written") == len(parts) - first


def test_a_citys_components_on_two_workers_give_what_one_process_gives(district, tmp_path):
    app, path = district
    city = city_instance(2, scale=0.02, seed=11)
    parts = split(city)
    assert len(parts) >= 2  # a component per district at least
    whole = solve_split(city)
    with app.app_context():
        job = Job(kind="pairing_run", key="city", state="running", attempts=1,
                  total=len(parts), updated_at=utcnow())
        assert keep(job)
        job_id = job.id
        db.session.remove()
    celery = app.extensions["celery"]
    task = celery.tasks["pairing.component"]
    with workers(path, tmp_path) as started:
        deadline = time.time() + 600
        sent = group(task.s(job_id, 1, dump(part), deadline) for part in parts).apply_async()
        found = sent.get(timeout=300)
        logs = [log.read_text() for _p, log in started]
    merged = merge([load(one["result"]) for one in found], tolerance=city.balance_tolerance)
    assert merged.pairs == whole.pairs  # with their reasons
    assert (merged.status, merged.objective, merged.bound) == \
        (whole.status, whole.objective, whole.bound)
    assert merged.layers == whole.layers and merged.conflicts == whole.conflicts
    assert (merged.unmatched, merged.notes, dict(merged.coverage)) == \
        (whole.unmatched, whole.notes, dict(whole.coverage))
    assert sorted(person for one in found for person in one["people"]) == \
        sorted(person.id for person in city.beneficiaries)
    assert all("pairing.component[" in log for log in logs), "both workers should solve"
    with app.app_context():
        assert db.session.get(Job, job_id).done == len(parts)


def test_a_job_whose_worker_is_killed_is_retried_and_completes_once(district, tmp_path):
    app, path = district
    # a reading request's context: its reads take no write lock (see charity/database.py)
    with workers(path, tmp_path) as started, app.test_request_context():
        job = Job(kind="pairing_run", key=tasks.key(None), updated_at=utcnow())
        assert keep(job)
        job_id = job.id
        # Hold the database's write lock: the worker that takes the job waits inside it.
        holder = sqlite3.connect(path, isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
        send(job)
        db.session.remove()
        finished, logs = kill_the_first_that_received(app, started, holder, "received", job_id)
    assert finished.state == "succeeded", finished.error
    assert logs.count("received") >= 2  # given to a worker again
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 1
        assert db.session.get(MatchRun, finished.result["values"]["run_id"]) is not None


def test_a_component_whose_worker_is_killed_is_solved_again_and_the_run_completes_once(
        district, tmp_path):
    app, path = district
    with app.app_context():
        problem = pairing.problem_for(None)
        parts = split(problem)
        assert len(parts) == 3
        expected = sorted(pair.key for pair in solve_split(problem).pairs)
        db.session.remove()
    with workers(path, tmp_path) as started, app.test_request_context():
        job = Job(kind="pairing_run", key=tasks.key(None), state="running", attempts=1,
                  updated_at=utcnow())
        assert keep(job)
        job_id = job.id
        # Hold the database's write lock: each worker waits inside the component it took.
        holder = sqlite3.connect(path, isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
        components.hand_off(job, problem, parts, lambda *_args: None)
        db.session.remove()
        finished, logs = kill_the_first_that_received(app, started, holder,
                                                      "pairing.component[", job_id)
    assert finished.state == "succeeded", finished.error
    received = logs.count("Task pairing.component[")  # each "received" and each end
    assert received >= 2 * len(parts) + 1  # one was given to a worker again
    assert logs.count("pairing.components_merged[") >= 1
    assert (finished.done, finished.total) == (3, 3)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 1
        match_run = db.session.get(MatchRun, finished.result["values"]["run_id"])
        assert pairs_of(match_run) == expected
