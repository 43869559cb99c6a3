"""Attacks on the chord whose header is a generator (`components.hand_off`): Celery's lazy
header (`celery.utils.functional._regen`) looks one part ahead, and an error raised while it
does so for the second part is dropped (its `__bool__` asks for the first part and throws the
rest away): the chord went on with the first part alone, and the run was kept from it."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from charity.database import utcnow
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.models import Job
from charity.pairing import components, operations, tasks
from charity.pairing.models import MatchRun
from matching import components as split
from matching import transport
from matching.generate import city_instance
from tests.test_jobs_components import three_streets
from tests.test_jobs_workers import district  # noqa: F401


@pytest.fixture
def on_workers(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAIRING_COMPONENT_TASKS", "1")


def failing_on_the_second_part(monkeypatch):
    """`transport.dumps` raising when it writes the second problem (a part), as any error
    while a part is written would."""
    write, problems = transport.dumps, []

    def writing(value):
        if not hasattr(value, "status"):  # a part (a Problem), not a component's Result
            problems.append(value)
            if len(problems) == 2:
                raise ValueError("the second part cannot be written")
        return write(value)

    monkeypatch.setattr(transport, "dumps", writing)


def test_a_run_whose_second_part_cannot_be_written_fails_and_keeps_nothing(
        session, on_workers, monkeypatch):
    three_streets()
    assert len(split(operations.problem_for(None))) == 3
    failing_on_the_second_part(monkeypatch)
    job, _started = jobs.start("pairing_run", tasks.key(None))
    db.session.refresh(job)
    assert job.state == "failed", (job.state, job.result)
    assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 0


def test_a_merge_of_fewer_results_than_parts_fails_the_run(session):
    """The chord's callback merges only when every part it handed off came back."""
    three_streets()
    problem = operations.problem_for(None)
    first = split(problem)[0]
    job = Job(kind="pairing_run", key=tasks.key(None), state="running", attempts=1, total=3,
              updated_at=utcnow())
    db.session.add(job)
    db.session.commit()
    done = components.solve_component(job.id, 1, transport.dumps(first), 0.0)
    assert "result" in done
    with pytest.raises(Exception, match="failed"):
        components.components_merged([done], job_id=job.id, attempt=1, tolerance=5,
                                     tasks=["a", "b", "c"])
    db.session.refresh(job)
    assert job.state == "failed"
    assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 0


@pytest.mark.redis
def test_on_redis_a_hand_off_whose_second_part_cannot_be_written_raises(district,  # noqa: F811
                                                                        monkeypatch):
    app, _path = district
    city = city_instance(4, scale=0.01, seed=5)
    parts = split(city)
    assert len(parts) >= 4
    failing_on_the_second_part(monkeypatch)
    with app.test_request_context(method="POST"):
        job = SimpleNamespace(id=10**6, attempts=1)
        with pytest.raises(ValueError, match="second part"):
            components.hand_off(job, city, parts, lambda *args: None)
