"""Attack 26: the pairing writes one at a time, and a preview published only on the basis it
was worked out on."""

import threading
import time
from datetime import date

from sqlalchemy import select

import matching
from charity.extensions import db
from charity.pairing import cadres as cadre_ops
from charity.pairing import operations
from charity.pairing.models import Cadre, MatchRun, Pairing, Volunteer
from charity.registry import operations as registry
from tests import factories
from tests.committed import at_once, committed_data, empty
from tests.factories import CadreFactory, PairingFactory, PersonFactory
from tests.test_pairing_workflow import small_district


def live_of(kind: str, helper_id: int) -> list[Pairing]:
    column = Pairing.cadre_id if kind == "cadre" else Pairing.volunteer_id
    return db.session.scalars(select(Pairing).where(
        column == helper_id, Pairing.status.in_(("proposed", "active")))).all()


def while_it_solves(monkeypatch, change) -> None:
    """After the run read the district, before it solves: ``change()``, committed."""
    solve = matching.solve_split

    def meanwhile(*args, **kwargs):
        change()
        db.session.commit()
        return solve(*args, **kwargs)

    monkeypatch.setattr(matching, "solve_split", meanwhile)


def test_a_cadre_who_left_while_the_run_solved_is_given_nobody(session, monkeypatch):
    """A cadre with no people yet leaves while the run solves: no live pair changes, so the
    run's digest is the same; its preview still gives that cadre people, and the basis it
    keeps already has them as left. Publishing it must not propose people to them."""
    _people, _others, cadres, _far, _volunteer = small_district()
    db.session.commit()
    leaving = cadres[0].id
    while_it_solves(monkeypatch, lambda: cadre_ops.leave(
        db.session.get(Cadre, leaving), date.today(), "调走"))
    match_run = operations.run()
    assert any(k == "cadre" and h == leaving for k, h, _p in match_run.summary["added"])
    try:
        operations.publish(match_run)
    except operations.PairingError:
        pass
    assert live_of("cadre", leaving) == []


def test_a_volunteers_capacity_lowered_while_the_run_solved_is_kept(session, monkeypatch):
    """The volunteer (two places) lowers their capacity to one while the run solves."""
    _people, _others, _cadres, _far, volunteer = small_district()
    db.session.commit()
    helper = volunteer.id

    def lowered():
        db.session.get(Volunteer, helper).capacity = 1

    while_it_solves(monkeypatch, lowered)
    match_run = operations.run()
    assert sum(k == "volunteer" and h == helper for k, h, _p in match_run.summary["added"]) == 2
    try:
        operations.publish(match_run)
    except operations.PairingError:
        pass
    assert len(live_of("volunteer", helper)) <= 1


def test_a_person_who_exited_after_the_run_is_proposed_no_helper(session):
    """A person with no helper yet exits the roster after the run: publishing its preview must
    not propose them a cadre and a volunteer."""
    people, _others, _cadres, _far, _volunteer = small_district()
    match_run = operations.run()
    gone = people[0]
    assert any(p == gone.id for _k, _h, p in match_run.summary["added"])
    registry.change_status(gone, "exited", "迁出", date.today())
    db.session.flush()
    try:
        operations.publish(match_run)
    except operations.PairingError:
        pass
    assert db.session.scalars(select(Pairing).where(
        Pairing.person_id == gone.id, Pairing.status.in_(("proposed", "active")))).all() == []


def test_a_volunteer_who_paused_after_the_run_is_proposed_nobody(session):
    """A volunteer pauses (on holiday) after the run: publishing must not propose them the
    people the run gave them (a paused helper is offered nobody new)."""
    _people, _others, _cadres, _far, volunteer = small_district()
    match_run = operations.run()
    assert any(k == "volunteer" for k, _h, _p in match_run.summary["added"])
    volunteer.paused_at = operations.utcnow()
    db.session.flush()
    try:
        operations.publish(match_run)
    except operations.PairingError:
        pass
    assert live_of("volunteer", volunteer.id) == []


def clean() -> None:
    empty("unmatched_entry, forbidden_pair, pairing, match_run, audit_entry, volunteer, "
          "cadre_invite, cadre",
          "DELETE FROM person WHERE household_id IN "
          "(SELECT id FROM household WHERE code LIKE 'ATK26%')",
          "DELETE FROM household WHERE code LIKE 'ATK26%'")


def before(call, both: threading.Barrier):
    """A wait (up to 3 s) for the other thread, then ``call``."""
    def waiting(*args, **kwargs):
        try:
            both.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass  # the other waits for this one: it goes on after it ends
        return call(*args, **kwargs)
    return waiting


def a_preview_ending(app):
    """A published cadre pair of 七星岗's person with 解放碑's cadre (no permission there): a
    district run ends it and gives the person a cadre of 七星岗. (run id, that pair's id)."""
    far = CadreFactory(street_name="解放碑")
    CadreFactory(street_name="七星岗")
    pair = PairingFactory(cadre=far, status="active", street_name="七星岗",
                          person__household__code="ATK261")
    PersonFactory(household__code="ATK262", household__street_name="解放碑")
    preview = operations.run()
    assert [list(k) for k in preview.summary["removed"]] == [["cadre", far.id, pair.person_id]]
    ids = preview.id, pair.id
    db.session.commit()
    return ids


def test_a_decline_while_a_preview_ending_that_pair_is_published_is_no_deadlock(
        app, monkeypatch):
    """The helper declines the pair (its row updated) as staff publish a preview that ends it
    (the lock taken, the pairs read): the publish's end waits for the decline's row, the
    decline's re-match for the publish's lock. PostgreSQL then fails one with a deadlock."""
    with committed_data(app, clean, "concurrency needs PostgreSQL (SQLite has one writer)"):
        run_id, pairing_id = a_preview_ending(app)
        both = threading.Barrier(2)
        publishable = operations._publishable
        monkeypatch.setattr(operations, "_publishable",
                            lambda *a: (publishable(*a), before(lambda: None, both)()))
        monkeypatch.setattr(operations, "rematch", before(operations.rematch, both))
        outcomes = at_once(app, [
            lambda: operations.publish(db.session.get(MatchRun, run_id)),
            lambda: operations.decline(db.session.get(Pairing, pairing_id), "太远")],
            Exception)
        assert not any("deadlock" in outcome for outcome in outcomes), outcomes
        assert "ok" in outcomes, outcomes


def test_a_cadre_who_leaves_as_a_preview_is_published_keeps_nobody(app, monkeypatch):
    """Staff publish a preview giving a cadre (no people yet) a person; the cadre leaves at
    that moment: with no pair to end, the leave never waited for the publish, which read the
    cadre as serving and committed the new pair after the leave."""
    with committed_data(app, clean, "concurrency needs PostgreSQL (SQLite has one writer)"):
        cadre = CadreFactory(street_name="七星岗")
        PersonFactory(household__code="ATK261", household__street_name="七星岗")
        preview = operations.run()
        assert preview.summary["added"], preview.summary
        run_id, cadre_id = preview.id, cadre.id
        db.session.commit()
        both = threading.Barrier(2)
        publishable = operations._publishable

        def checked_then_wait(*args):
            publishable(*args)
            before(lambda: None, both)()
            time.sleep(0.5)  # the leave commits meanwhile, unless it waits for the publish

        monkeypatch.setattr(operations, "_publishable", checked_then_wait)
        outcomes = at_once(app, [
            lambda: operations.publish(db.session.get(MatchRun, run_id)),
            before(lambda: cadre_ops.leave(db.session.get(Cadre, cadre_id), date.today(),
                                           "调走"), both)],
            operations.PairingError)
        db.session.expire_all()
        assert live_of("cadre", cadre_id) == [], outcomes


def test_a_preview_read_before_a_change_says_so_and_offers_no_publish(client, auth,
                                                                      monkeypatch):
    """A pair is declined while the run solves: its preview can never be published. The
    preview page said nothing and offered the button; only the click told the user."""
    small_district()
    operations.publish(operations.run())
    db.session.commit()

    def declined():
        pairing = db.session.scalar(select(Pairing).where(Pairing.helper_kind == "cadre")
                                    .order_by(Pairing.id))
        operations.decline(pairing, "搬走了")

    while_it_solves(monkeypatch, declined)
    match_run = operations.run()
    assert match_run.summary["basis"] == operations.READ_BEFORE_A_CHANGE
    db.session.commit()
    auth.login(factories.user("admin"))
    page = client.get(f"/pairing/runs/{match_run.id}?lang=en").get_data(as_text=True)
    assert f"/pairing/runs/{match_run.id}/publish" not in page
    assert "changed while this run solved" in page
