"""Attack 25: a street's run with the cadres' people elsewhere and another department group's
cadres who serve its people: the run is not refused for such a cadre's whole minimum or for a
street they may no longer serve, and two street runs published one after the other do not
leave a cadre below their minimum."""

import pytest
from sqlalchemy import delete

from charity.extensions import db
from charity.pairing import cadres as cadre_operations
from charity.pairing import operations
from charity.pairing.models import CrossStreetPermission
from charity.timeutil import local_today
from tests.factories import CadreFactory, PersonFactory, VolunteerFactory
from tests.factories.base import department, street
from tests.test_pairing_street_quota import AWAY, HOME, allow, cadre_pairs, pair, published


def revoke(group_street: str) -> None:
    """Staff take back every cross-street permission of ``group_street``'s group."""
    db.session.execute(delete(CrossStreetPermission).where(
        CrossStreetPermission.group_id == department(group_street).group_id))
    db.session.flush()


def test_another_groups_leader_is_not_held_to_their_whole_minimum_in_the_street(session):
    """七星岗's district leader (2-3 people) serves one person of 解放碑, where 七星岗 has
    three people for them: 解放碑's run was refused ("七星岗: below their minimum") because it
    could not give them two of its own two people beside its own staff cadre's one."""
    allow(HOME, AWAY)
    leader = CadreFactory(street_name=HOME, rank="district_leader")
    CadreFactory(street_name=AWAY)
    away = [PersonFactory(household__street_name=AWAY) for _ in range(2)]
    for _ in range(3):
        PersonFactory(household__street_name=HOME)
    pair(leader, away[0])
    match_run = operations.run(street(AWAY))
    assert match_run.status == "OPTIMAL", match_run.summary["conflicts"]
    published(match_run)
    assert cadre_pairs(leader.id) == [away[0].id]


def test_a_cadre_who_may_no_longer_serve_the_street_does_not_make_its_run_infeasible(session):
    """七星岗's staff cadre was paired in 解放碑, then the permission was taken back: 解放碑's
    run was refused for that cadre's minimum, which it could not meet in a street they may not
    serve; their pair there ends (a locked one stays)."""
    allow(HOME, AWAY)
    cadre, locked = CadreFactory(street_name=HOME), CadreFactory(street_name=HOME)
    CadreFactory(street_name=AWAY)
    away = [PersonFactory(household__street_name=AWAY) for _ in range(3)]
    pair(cadre, away[0])
    pair(locked, away[1], locked=True)
    revoke(HOME)
    match_run = operations.run(street(AWAY))
    assert match_run.status == "OPTIMAL", match_run.summary["conflicts"]
    published(match_run)
    assert cadre_pairs(cadre.id) == []
    assert cadre_pairs(locked.id) == [away[1].id]


def test_two_street_runs_do_not_both_end_a_cadres_pairs(session):
    """A division leader (1-2) of 七星岗 serves one person there and one in 解放碑: each
    street's run counted the other person against the minimum and gave its own person to its
    own staff cadre; both previews were published and the leader was left with nobody."""
    allow(HOME, AWAY)
    leader = CadreFactory(street_name=HOME, rank="division_leader")
    CadreFactory(street_name=HOME)
    CadreFactory(street_name=AWAY)
    pair(leader, PersonFactory(household__street_name=HOME))
    pair(leader, PersonFactory(household__street_name=AWAY))
    first, second = operations.run(street(HOME)), operations.run(street(AWAY))
    assert first.summary["removed"] and second.summary["removed"]
    published(first)
    with pytest.raises(operations.PairingError):
        published(second)
    assert len(cadre_pairs(leader.id)) == 1



def test_a_cadre_who_lacks_a_skill_their_person_now_needs_does_not_make_the_run_infeasible(
        session):
    """A person of 解放碑 served by 七星岗's division leader now has a special disease (a
    cadre with the medical skill): 解放碑's run was refused ("七星岗: division_leader must pair
    with at least 1 people, but only 0 can"), for a pair it must end; its medical cadre takes
    them."""
    allow(HOME, AWAY)
    leader = CadreFactory(street_name=HOME, rank="division_leader")
    medical = CadreFactory(street_name=AWAY, skills=["medical"])
    ill = PersonFactory(household__street_name=AWAY)
    pair(leader, ill)
    ill.special_disease = "cml"
    db.session.flush()
    match_run = operations.run(street(AWAY))
    assert match_run.status == "OPTIMAL", match_run.summary["conflicts"]
    published(match_run)
    assert cadre_pairs(leader.id) == []
    assert cadre_pairs(medical.id) == [ill.id]


def test_a_preview_does_not_give_people_to_a_cadre_who_left_since(session):
    """A preview gives a new cadre their first person; the cadre leaves (no live pair ends);
    publishing it still proposed the person to the cadre who left."""
    cadre = CadreFactory(street_name=HOME)
    PersonFactory(household__street_name=HOME)
    match_run = operations.run(street(HOME))
    assert match_run.summary["added"]
    cadre_operations.leave(cadre, local_today(), "退休")
    with pytest.raises(operations.PairingError):
        published(match_run)
    assert cadre_pairs(cadre.id) == []


def test_a_preview_does_not_give_a_cadre_more_than_a_lower_rank_since_allows(session):
    """A preview gives a district leader three people; they become staff (exactly 1) before
    it is published, with nobody yet, so no pair ends: publishing it gave a staff cadre three
    people."""
    cadre = CadreFactory(street_name=HOME, rank="district_leader")
    for _ in range(3):
        PersonFactory(household__street_name=HOME)
    match_run = operations.run(street(HOME))
    cadre_operations.change_rank(cadre, "staff")
    with pytest.raises(operations.PairingError):
        published(match_run)
    assert cadre_pairs(cadre.id) == []


def test_a_preview_does_not_give_a_volunteer_more_than_a_lower_capacity_since(session):
    """A preview gives a volunteer two people; their capacity goes down to one before it is
    published: publishing it gave them two."""
    volunteer = VolunteerFactory(street_name=HOME, capacity=2)
    CadreFactory(street_name=HOME, rank="division_leader")
    for _ in range(2):
        PersonFactory(household__street_name=HOME)
    match_run = operations.run(street(HOME))
    assert sum(kind == "volunteer" for kind, *_ in match_run.summary["added"]) == 2
    volunteer.capacity = 1
    db.session.flush()
    with pytest.raises(operations.PairingError):
        published(match_run)
