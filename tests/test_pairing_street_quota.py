"""A street's pairing run and the cadres' quotas: a cadre's pairs outside the run count
against their rank's quota, and another group's cadre paired with the street's people keeps
them (locked or not) rather than making the run infeasible or ending them for lack of them."""

from sqlalchemy import select

from charity.extensions import db
from charity.pairing import operations
from charity.pairing.models import CrossStreetPermission, Pairing
from tests.factories import CadreFactory, PersonFactory
from tests.factories.base import department, street

HOME, AWAY = "七星岗", "解放碑"


def allow(group_street: str, into: str) -> None:
    """Staff allow the cadres of ``group_street``'s group to pair in ``into``."""
    db.session.add(CrossStreetPermission(group_id=department(group_street).group_id,
                                         street_id=street(into).id))
    db.session.flush()


def pair(cadre, person, locked: bool = False) -> Pairing:
    """A live cadre pair."""
    row = Pairing(helper_kind="cadre", cadre_id=cadre.id, person_id=person.id, status="active",
                  locked=locked)
    db.session.add(row)
    db.session.flush()
    return row


def published(match_run) -> None:
    """``match_run`` made real."""
    operations.publish(match_run)
    db.session.flush()


def cadre_pairs(cadre_id: int) -> list[int]:
    """The live people of ``cadre_id``."""
    return sorted(db.session.scalars(select(Pairing.person_id).where(
        Pairing.cadre_id == cadre_id,
        Pairing.status.in_(("proposed", "active")))))


def test_a_cadre_paired_in_another_street_is_not_given_more_than_the_quota(session):
    """A staff cadre (exactly 1) of 七星岗's group already serves a person of 解放碑: a run
    of 七星岗 gives them nobody more."""
    allow(HOME, AWAY)
    cadre = CadreFactory(street_name=HOME)
    away = PersonFactory(household__street_name=AWAY)
    home = PersonFactory(household__street_name=HOME)
    pair(cadre, away)
    match_run = operations.run(street(HOME))
    assert match_run.status == "OPTIMAL"
    assert home.id in [person_id for person_id, _reason in match_run.summary["unmatched"]]
    published(match_run)
    assert cadre_pairs(cadre.id) == [away.id]


def test_a_cadre_short_of_the_minimum_elsewhere_is_held_to_what_is_left(session):
    """A district leader (2-3 people) with one person in 解放碑: a run of 七星岗 with three
    people gives them one or two more, never three."""
    allow(HOME, AWAY)
    cadre = CadreFactory(street_name=HOME, rank="district_leader")
    away = PersonFactory(household__street_name=AWAY)
    for _ in range(3):
        PersonFactory(household__street_name=HOME)
    pair(cadre, away)
    match_run = operations.run(street(HOME))
    assert match_run.status == "OPTIMAL"
    published(match_run)
    assert len(cadre_pairs(cadre.id)) == 3


def test_another_groups_locked_pair_in_the_street_is_kept(session):
    """七星岗's cadre is locked with a person of 解放碑: a run of 解放碑 keeps that pair, and
    is not refused as infeasible for a locked pair whose cadre it left out."""
    allow(HOME, AWAY)
    cadre = CadreFactory(street_name=HOME)
    own = CadreFactory(street_name=AWAY)
    away = [PersonFactory(household__street_name=AWAY) for _ in range(2)]
    pair(cadre, away[0], locked=True)
    match_run = operations.run(street(AWAY))
    assert match_run.status == "OPTIMAL", match_run.summary.get("conflicts")
    published(match_run)
    assert cadre_pairs(cadre.id) == [away[0].id]
    assert cadre_pairs(own.id) == [away[1].id]


def test_another_groups_pair_in_the_street_is_not_ended_by_its_run(session):
    """七星岗's staff cadre serves a person of 解放碑 (not locked): a run of 解放碑, whose own
    cadre can take one person, does not end that pair and leave the cadre below their
    minimum."""
    allow(HOME, AWAY)
    cadre = CadreFactory(street_name=HOME)
    CadreFactory(street_name=AWAY)
    away = [PersonFactory(household__street_name=AWAY) for _ in range(2)]
    pair(cadre, away[0])
    match_run = operations.run(street(AWAY))
    assert match_run.status == "OPTIMAL"
    published(match_run)
    assert len(cadre_pairs(cadre.id)) == 1
