"""Pairing writes at once on PostgreSQL: two re-matches (or a re-match and a publish) that each
read the helpers' loads before the other wrote must not both fill a helper's last place."""

import threading

from sqlalchemy import func, select

import matching
from charity.extensions import db
from charity.pairing import operations
from charity.pairing.models import MatchRun, Pairing, Volunteer
from charity.volunteers import operations as helpers
from tests.committed import at_once, committed_data, empty
from tests.factories import PairingFactory, PersonFactory, VolunteerFactory


def clean() -> None:
    empty("unmatched_entry, forbidden_pair, pairing, match_run, audit_entry, volunteer",
          "DELETE FROM person WHERE household_id IN "
          "(SELECT id FROM household WHERE code LIKE 'RACE%')",
          "DELETE FROM household WHERE code LIKE 'RACE%'")


def loads() -> dict[int, tuple[int, int]]:
    """(live pairs, capacity) of each volunteer."""
    db.session.expire_all()
    count = dict(db.session.execute(
        select(Pairing.volunteer_id, func.count(Pairing.id))
        .where(Pairing.status.in_(("proposed", "active")), Pairing.volunteer_id.is_not(None))
        .group_by(Pairing.volunteer_id)).all())
    return {v.id: (count.get(v.id, 0), v.capacity) for v in db.session.scalars(select(Volunteer))}


def then_wait(read, both_read: threading.Barrier):
    """``read``, then a wait (up to 3 s) for the other thread to have read too."""
    def waiting(*args, **kwargs):
        found = read(*args, **kwargs)
        try:
            both_read.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass  # the other waits for this one to end: it reads after it
        return found
    return waiting


def test_two_declines_at_once_do_not_both_fill_a_volunteers_last_place(app, monkeypatch):
    """Two volunteers decline their people at once; one other volunteer has one place left.
    Each re-match waits (up to 3 s) after reading the loads, so without a lock both read
    before either writes: both offered that place."""
    with committed_data(app, clean, "concurrency needs PostgreSQL (SQLite has one writer)"):
        first, second = (PairingFactory(by_volunteer=True, status="proposed",
                                        person__household__code=f"RACE{i}") for i in (1, 2))
        VolunteerFactory(capacity=1)
        ids = (first.id, second.id)
        db.session.commit()
        monkeypatch.setattr(matching, "rematch", then_wait(matching.rematch,
                                                           threading.Barrier(2)))

        def declining(pairing_id):
            return lambda: operations.decline(db.session.get(Pairing, pairing_id), "太远")

        assert at_once(app, [declining(i) for i in ids], operations.PairingError) == \
            ["ok", "ok"]
        assert all(live <= capacity for live, capacity in loads().values()), loads()


def test_a_publish_and_a_decline_at_once_do_not_both_fill_a_volunteers_last_place(
        app, monkeypatch):
    """A preview gives volunteer V (one place) a person; at the same moment another person's
    volunteer declines them and the re-match offers V too. Each waits (up to 3 s) after
    reading the live pairs."""
    with committed_data(app, clean, "concurrency needs PostgreSQL (SQLite has one writer)"):
        declined = PairingFactory(by_volunteer=True, status="proposed",
                                  person__household__code="RACE1")
        PersonFactory(household__code="RACE2")
        VolunteerFactory(capacity=1)
        preview = operations.run()
        assert preview.summary["added"], preview.summary
        run_id, pairing_id = preview.id, declined.id
        db.session.commit()
        both_read = threading.Barrier(2)
        monkeypatch.setattr(matching, "rematch", then_wait(matching.rematch, both_read))
        monkeypatch.setattr(operations, "_publishable",
                            then_wait(operations._publishable, both_read))
        outcomes = at_once(app, [
            lambda: operations.publish(db.session.get(MatchRun, run_id)),
            lambda: operations.decline(db.session.get(Pairing, pairing_id), "太远")],
            operations.PairingError)
        assert outcomes[1] == "ok"
        assert all(live <= capacity for live, capacity in loads().values()), (outcomes, loads())


def test_a_publish_and_a_lowered_capacity_at_once_leave_no_volunteer_over_it(app, monkeypatch):
    """A preview gives volunteer V (two places, one taken) a second person; at the same moment
    V lowers their capacity to 1, counting the one person they have. Each waits (up to 3 s)
    after reading."""
    with committed_data(app, clean, "concurrency needs PostgreSQL (SQLite has one writer)"):
        first = PairingFactory(by_volunteer=True, status="active", volunteer__capacity=2,
                               person__household__code="RACE1")
        PersonFactory(household__code="RACE2")
        preview = operations.run()
        assert [kind for kind, _helper, _person in preview.summary["added"]] == ["volunteer"]
        run_id, volunteer_id = preview.id, first.volunteer_id
        db.session.commit()
        both_read = threading.Barrier(2)
        monkeypatch.setattr(operations, "_publishable",
                            then_wait(operations._publishable, both_read))
        monkeypatch.setattr(helpers, "live_pairings", then_wait(helpers.live_pairings, both_read))
        at_once(app, [
            lambda: operations.publish(db.session.get(MatchRun, run_id)),
            lambda: helpers.update_profile(db.session.get(Volunteer, volunteer_id), helpers.Profile(
                phone="13800138000", capacity=1), None)],
            (operations.PairingError, helpers.SignUpError))
        assert all(live <= capacity for live, capacity in loads().values()), loads()
