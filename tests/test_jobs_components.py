"""A pairing run that splits into independent components (streets no helper links) hands each
to the workers as a task of its own (`PAIRING_COMPONENT_TASKS`), merged by a chord's callback:
the preview is the one a run in one process keeps (`matching.solve_split`), the progress counts
components, and a component's or the merge's end for an attempt that is no longer the job's
changes nothing. Jobs and chords run eagerly here (tests/test_jobs_workers.py runs them on two
real workers)."""

import pytest
from sqlalchemy import func, select

import matching
from charity.database import utcnow
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.models import Job
from charity.pairing import components, operations, tasks
from charity.pairing.models import MatchRun
from matching import transport
from tests.factories import CadreFactory, PersonFactory, VolunteerFactory

STREETS = ("七星岗", "解放碑", "上清寺")


def three_streets():
    for name in STREETS:
        for category in ("tekun", "dibao", "dibao", "filed_hardship"):
            PersonFactory(household__street_name=name, category=category)
        for rank in ("division_leader", "staff", "staff"):
            CadreFactory(street_name=name, rank=rank)
        VolunteerFactory(street_name=name, capacity=2)


@pytest.fixture
def on_workers(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAIRING_COMPONENT_TASKS", "1")


def pairs_of(match_run) -> list:
    return sorted(tuple(pair[:3]) for pair in match_run.summary["pairs"])


def test_the_embedded_queue_solves_the_components_in_one_process(app, session):
    assert app.config["PAIRING_COMPONENT_TASKS"] == "auto"
    assert app.config["CELERY_BROKER_URL"].startswith("filesystem")
    with app.test_request_context():
        assert not components.on_workers()
        for setting, shared in (("1", True), ("0", False)):
            app.config["PAIRING_COMPONENT_TASKS"] = setting
            assert components.on_workers() is shared
        app.config["PAIRING_COMPONENT_TASKS"] = "auto"
        app.config["CELERY_BROKER_URL"] = "redis://queue:6379/0"
        try:
            assert components.on_workers()
        finally:
            app.config["CELERY_BROKER_URL"] = "filesystem://"


def test_components_as_tasks_give_the_preview_of_one_process(session, on_workers, monkeypatch):
    three_streets()
    problem = operations.problem_for(None)
    parts = matching.components(problem)
    assert len(parts) == 3
    whole = matching.solve_split(problem)
    counted = []
    count = components.count_done

    def counting(job_id, attempt):
        count(job_id, attempt)
        job = db.session.get(Job, job_id)
        counted.append((job.done, job.total, job.progress_code))

    monkeypatch.setattr(components, "count_done", counting)
    job, started = jobs.start("pairing_run", tasks.key(None))
    assert started
    db.session.refresh(job)
    assert job.state == "succeeded", job.error
    assert counted == [(1, 3, "components"), (2, 3, "components"), (3, 3, "components")]
    match_run = db.session.get(MatchRun, job.result["values"]["run_id"])
    assert pairs_of(match_run) == sorted(pair.key for pair in whole.pairs)
    assert (match_run.status, match_run.objective, match_run.bound) == \
        (whole.status, whole.objective, whole.bound)
    inline = operations.run(None)
    for name in ("pairs", "coverage", "volunteer_coverage", "unmatched", "conflicts",
                 "quota_violations", "notes", "layers", "added", "removed", "kept"):
        assert match_run.summary[name] == inline.summary[name], name


def test_a_run_that_does_not_split_is_solved_by_its_own_task(session, on_workers, monkeypatch):
    for rank in ("division_leader", "staff"):
        CadreFactory(street_name="七星岗", rank=rank)
    PersonFactory(household__street_name="七星岗")
    monkeypatch.setattr(components, "hand_off", lambda *args: pytest.fail("handed off"))
    job, _started = jobs.start("pairing_run", tasks.key(None))
    db.session.refresh(job)
    assert job.state == "succeeded" and (job.done, job.total) == (3, 3)  # reading, solving


def test_a_large_run_solves_its_layers_as_tasks_and_keeps_the_preview_of_one_process(
        app, session, on_workers, monkeypatch):
    """A component of at least PAIRING_LAYER_PARTS_FROM people goes to the workers as a task
    per helper layer; the preview is the one a run in one process keeps."""
    for category in ("tekun", "dibao", "dibao", "filed_hardship", "dibao"):
        PersonFactory(household__street_name=STREETS[0], category=category)
    for rank in ("division_leader", "staff", "staff"):
        CadreFactory(street_name=STREETS[0], rank=rank)
    VolunteerFactory(street_name=STREETS[0], capacity=2)
    problem = operations.problem_for(None)
    assert len(matching.components(problem)) == 1
    monkeypatch.setitem(app.config, "PAIRING_LAYER_PARTS_FROM", len(problem.beneficiaries))
    solved = []
    solve = components.matching.solve

    def solving(part):
        solved.append(part.layers)
        return solve(part)

    monkeypatch.setattr(components.matching, "solve", solving)
    codes = []
    progress = components.hand_off

    def handing(job, whole, parts, report, *seen):
        return progress(job, whole, parts, lambda *args: (codes.append(args), report(*args)),
                        *seen)

    monkeypatch.setattr(components, "hand_off", handing)
    job, started = jobs.start("pairing_run", tasks.key(None))
    db.session.refresh(job)
    assert job.state == "succeeded", job.error
    assert solved == [("cadre",), ("volunteer",), ("sponsor",)]
    assert codes[0] == (0, 3, "layers") and (job.done, job.total) == (3, 3)
    match_run = db.session.get(MatchRun, job.result["values"]["run_id"])
    monkeypatch.setattr(components.matching, "solve", solve)
    inline = operations.run(None)
    assert (match_run.status, match_run.objective, match_run.bound) == \
        (inline.status, inline.objective, inline.bound)
    for name in ("pairs", "coverage", "volunteer_coverage", "unmatched", "conflicts",
                 "quota_violations", "notes", "layers", "added", "removed", "kept",
                 "priority"):
        assert match_run.summary.get(name) == inline.summary.get(name), name


def test_a_component_or_a_merge_of_an_attempt_gone_by_changes_nothing(session):
    three_streets()
    problem = operations.problem_for(None)
    part = matching.components(problem)[0]
    job = Job(kind="pairing_run", key=tasks.key(None), state="running", attempts=2, total=3,
              updated_at=utcnow())
    db.session.add(job)
    db.session.commit()
    payload = transport.dump(part)
    assert components.solve_component(job.id, 1, payload, 0.0) == {"skipped": True}
    done = components.solve_component(job.id, 2, payload, 0.0)
    assert set(done) == {"result", "people", "priority"}
    db.session.refresh(job)
    assert job.done == 1
    assert components.components_merged([done], job_id=job.id, attempt=1, tolerance=5,
                                        tasks=[]) == "skipped"
    assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 0
    db.session.refresh(job)
    assert job.state == "running"


def test_a_failed_component_fails_the_run_saving_nothing(session, on_workers, monkeypatch):
    three_streets()
    calls = []

    def broken(problem):
        calls.append(problem)
        if len(calls) == 2:
            raise ValueError("a bug")
        return matching.solve(problem)

    monkeypatch.setattr(components.matching, "solve", broken)
    job, _started = jobs.start("pairing_run", tasks.key(None))
    db.session.refresh(job)
    assert job.state == "failed" and job.error["code"] == "internal"
    assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 0


def test_a_component_that_cannot_ask_the_database_solves_and_the_merge_asks_again(
        session, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from charity.jobs import runner

    def busy(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    job = Job(kind="pairing_run", key="k", state="failed", attempts=1, updated_at=utcnow())
    db.session.add(job)
    db.session.commit()
    assert not runner.is_current(job.id, 1)
    with monkeypatch.context() as patched:
        patched.setattr(db.session, "get", busy)
        assert runner.is_current(job.id, 1)  # solve; the merge checks again
    assert components.components_merged([{"failed": True}], job_id=job.id, attempt=1,
                                        tolerance=5, tasks=[]) == "skipped"
