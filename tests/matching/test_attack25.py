"""A cadre's people elsewhere (``Cadre.elsewhere``) in what a run reports: the numbers a
preview shows of a cadre whose locked pairs exceed what the quota leaves count the people
elsewhere and give the rank's quota, as a cadre below the minimum's do. Another group's cadre
in a street's run is held to no more of their minimum than the people they keep there
(``Cadre.keeps``)."""

import pytest

from matching import Beneficiary, Cadre, Problem, solve
from matching.split import components
from matching.transport import dump, load

PEOPLE = tuple(Beneficiary(i, "大坪", "c") for i in (1, 2, 3))


def test_locked_pairs_over_the_quota_left_report_the_true_count_and_quota():
    """A staff cadre (exactly 1) with one person elsewhere, locked with one here, holds two:
    the violation said they held 1 against a quota of 0-0."""
    staff = Cadre(10, "staff", "大坪", elsewhere=1)
    result = solve(Problem(PEOPLE[:2], (staff,), locked=(("cadre", 10, 1),)))
    assert result.status == "INFEASIBLE"
    assert result.quota_violations == ((10, "staff", 2, 1, 1),)
    leader = Cadre(11, "district_leader", "大坪", elsewhere=2)
    result = solve(Problem(PEOPLE, (leader,), locked=(("cadre", 11, 1), ("cadre", 11, 2))))
    assert result.quota_violations == ((11, "district_leader", 4, 2, 3),)


def test_a_cadre_below_the_minimum_reports_alike():
    """The violation of a cadre below the minimum already counted the people elsewhere: both
    kinds of violation read alike."""
    leader = Cadre(11, "district_leader", "大坪", elsewhere=1)
    result = solve(Problem(PEOPLE[:0], (leader,)))
    assert result.quota_violations == ((11, "district_leader", 1, 2, 3),)


def test_a_cadre_of_another_group_is_held_to_no_more_of_the_minimum_than_they_keep():
    """A street's run holds another group's district leader who keeps one of its people to a
    minimum of one, not two; the maximum is the rank's, less the people elsewhere, and
    ``keeps`` travels to a worker and into a component."""
    leader = Cadre(11, "district_leader", "七星岗", cross_street_allowed=frozenset({"大坪"}),
                   keeps=1)
    problem = Problem(PEOPLE[:2], (leader, Cadre(12, "staff", "大坪")),
                      locked=(("cadre", 11, 1),))
    result = solve(problem)
    assert result.status == "OPTIMAL", result.conflicts
    assert load(dump(problem)).cadres == problem.cadres
    assert {cadre for part in components(problem) for cadre in part.cadres} == set(
        problem.cadres)
    result = solve(Problem(PEOPLE, (leader,)))
    assert len(result.pairs) == 3  # up to the rank's maximum


def test_a_cadre_keeps_no_negative_number():
    with pytest.raises(ValueError, match="keeps"):
        Cadre(1, "staff", "大坪", keeps=-1)
