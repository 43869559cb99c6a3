"""Attacks on the hand-off of a pairing run's parts to the workers (`components.hand_off`,
`matching.transport.dump_parts`): every part gets its own problem, whatever it holds."""

import pytest

import matching
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.pairing import operations, tasks
from charity.pairing.models import MatchRun
from tests.factories import CadreFactory, PersonFactory


@pytest.fixture
def on_workers(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAIRING_COMPONENT_TASKS", "1")


def test_streets_of_cadres_and_no_people_each_keep_their_conflicts(session, on_workers):
    """Two streets with cadres but nobody registered yet are two components with no people:
    each is sent as itself, not the other's JSON (both hold the one empty tuple)."""
    for category in ("tekun", "dibao"):
        PersonFactory(household__street_name="七星岗", category=category)
    CadreFactory(street_name="七星岗", rank="staff")
    CadreFactory(street_name="解放碑", rank="staff")
    CadreFactory(street_name="上清寺", rank="division_leader")
    problem = operations.problem_for(None)
    parts = matching.components(problem)
    assert sum(not part.beneficiaries for part in parts) == 2
    job, _started = jobs.start("pairing_run", tasks.key(None))
    db.session.refresh(job)
    match_run = db.session.get(MatchRun, job.result["values"]["run_id"])
    inline = operations.run(None)
    assert match_run.status == inline.status == "INFEASIBLE"
    for name in ("conflicts", "quota_violations", "pairs", "layers"):
        assert match_run.summary[name] == inline.summary[name], name
