"""A pairing run reads the live pairs, then solves for seconds (minutes on a busy queue): a
decline, a re-match or a conflict of interest recorded meanwhile must not be undone by
publishing its preview."""

import pytest
from sqlalchemy import select

import matching
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.pairing import components, operations, tasks
from charity.pairing.models import ForbiddenPair, MatchRun, Pairing
from tests.test_jobs_components import on_workers, three_streets  # noqa: F401 (a fixture)
from tests.test_pairing_workflow import small_district


def live_cadre(person_id: int) -> Pairing | None:
    return db.session.scalar(select(Pairing).where(
        Pairing.person_id == person_id, Pairing.helper_kind == "cadre",
        Pairing.status.in_(("proposed", "active"))))


def declining_while_it_solves(monkeypatch, module, name: str) -> dict:
    """After the run read the live pairs, as its work goes on (``module.name``), the helper
    of the first cadre pair declines it (a request's commit); what that pair was."""
    solve = getattr(module, name)
    declined = {}

    def meanwhile(*args, **kwargs):
        pairing = db.session.scalar(select(Pairing).where(Pairing.helper_kind == "cadre")
                                    .order_by(Pairing.id))
        declined.update(person=pairing.person_id, cadre=pairing.cadre_id)
        operations.decline(pairing, "搬走了")
        db.session.commit()
        return solve(*args, **kwargs)

    monkeypatch.setattr(module, name, meanwhile)
    return declined


def published_or_refused(job) -> str:
    db.session.refresh(job)
    assert job.state == "succeeded", job.error
    match_run = db.session.scalar(select(MatchRun).order_by(MatchRun.id.desc()))
    try:
        operations.publish(match_run)
    except operations.PairingError as refused:
        return str(refused)
    return "published"


def a_decline_while_it_runs(monkeypatch, district, module, name: str) -> None:
    """Publish a first run of ``district()``; run again, declining a cadre pair after the run
    read the live pairs (``module.name``): the declined pair is not live again, and the
    preview was refused."""
    district()
    operations.publish(operations.run())
    db.session.commit()
    declined = declining_while_it_solves(monkeypatch, module, name)
    job, _started = jobs.start("pairing_run", tasks.key(None))
    outcome = published_or_refused(job)
    again = live_cadre(declined["person"])
    assert again is None or again.cadre_id != declined["cadre"], outcome
    assert outcome != "published"


def test_a_decline_while_the_run_solves_is_not_undone_by_its_preview(session, monkeypatch):
    a_decline_while_it_runs(monkeypatch, small_district, matching, "solve_split")


@pytest.mark.usefixtures("on_workers")
def test_a_decline_while_the_components_solve_is_not_undone_by_its_preview(session,
                                                                            monkeypatch):
    """The parts go to the workers as tasks; the merge keeps the preview."""
    a_decline_while_it_runs(monkeypatch, three_streets, components, "hand_off")


def test_a_pair_forbidden_after_the_run_read_is_not_published(session):
    """Staff record a conflict of interest for an ended pair after the run: its preview may
    propose that pair; publishing it is refused."""
    people, others, cadres, far, volunteer = small_district()
    match_run = operations.run()
    kind, helper_id, person_id = match_run.summary["added"][0]
    db.session.add(ForbiddenPair(helper_kind=kind, helper_id=helper_id, person_id=person_id,
                                 reason="conflict"))
    db.session.flush()
    with pytest.raises(operations.PairingError):
        operations.publish(match_run)
