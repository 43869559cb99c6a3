"""Edge cases of the optimiser's input that gave a wrong result or a false message: ids shared
within a layer, capacities whose sum leaves 64 bits, negative capacities and quotas, locked
pairs of an unknown or a wrong kind, a household's "too large" reason, a sponsor's suggestion."""

import pytest

from matching import Beneficiary, Cadre, Pair, Problem, Sponsor, Volunteer, solve, suggest

PEOPLE = tuple(Beneficiary(i, "A", "A0") for i in range(1, 6))


def test_a_volunteer_and_an_organisation_sharing_an_id_are_refused():
    """Both in one layer under one id: the forbidden pairs of the volunteer were read as the
    organisation's, and the result paired the volunteer with a person it is forbidden."""
    problem = Problem(PEOPLE[:2], volunteers=(
        Volunteer(5, "volunteer", home_street="A"), Volunteer(5, "organisation", home_street="A")),
        forbidden=frozenset({("volunteer", 5, 1), ("volunteer", 5, 2)}), layers=("volunteer",))
    with pytest.raises(ValueError, match="id"):
        solve(problem)


def test_a_negative_helper_id_is_refused():
    """-1 stands for "no current helper": helper -1 had continuity with everyone without one
    (its reasons said "continuity", its pairs scored 21 more)."""
    for problem in (Problem(PEOPLE[:1], cadres=(Cadre(-1, "staff", "A"),)),
                    Problem(PEOPLE[:1], volunteers=(Volunteer(-1, home_street="A"),))):
        with pytest.raises(ValueError, match="negative"):
            solve(problem)


def test_a_volunteer_with_no_home_street_serves_nobody_else_of_no_street():
    """Home street "" (none) was a street it served: a person of no street was paired with it,
    for "same_street"."""
    result = solve(Problem((Beneficiary(1, "", ""),), volunteers=(Volunteer(1),)))
    assert result.pairs == () and Volunteer(1, travel_streets=frozenset({"A"})).streets == {"A"}


def test_people_sharing_an_id_are_refused():
    with pytest.raises(ValueError, match="id"):
        solve(Problem((Beneficiary(1, "A", "A0"), Beneficiary(1, "B", "B0")),
                      volunteers=(Volunteer(1, home_street="A", capacity=2),)))


def test_capacities_whose_sum_leaves_64_bits_pair_everyone():
    """Four volunteers of capacity 2**62: their sum wrapped to 0 and the run said OPTIMAL with
    nobody paired; five made OR-Tools fail."""
    for count in (4, 5):
        volunteers = tuple(Volunteer(i, capacity=2**62, home_street="A")
                           for i in range(1, count + 1))
        result = solve(Problem(PEOPLE, volunteers=volunteers, layers=("volunteer",)))
        assert result.status == "OPTIMAL" and len(result.pairs) == len(PEOPLE)


def test_a_negative_capacity_or_quota_is_refused():
    """They were read as locked pairs above the maximum ("locked 0, above the maximum of -2"),
    and a minimum above the maximum made OR-Tools fail."""
    with pytest.raises(ValueError):
        Volunteer(1, capacity=-2)
    for quota in ((-1, -1), (3, 1)):
        with pytest.raises(ValueError):
            Problem(PEOPLE, quotas=(("staff", quota),))


def test_a_locked_pair_of_an_unknown_kind_is_refused():
    """It was dropped without a word, the run OPTIMAL without it."""
    with pytest.raises(ValueError, match="kind"):
        Problem(PEOPLE, volunteers=(Volunteer(1, home_street="A"),), locked=(("mentor", 1, 1),))


def test_a_locked_pair_naming_its_helper_by_another_kind_is_invalid():
    """("organisation", 1, 1) of volunteer 1 came back as ("volunteer", 1, 1): not the pair
    that was locked, and no conflict said so."""
    result = solve(Problem(PEOPLE, volunteers=(Volunteer(1, home_street="A"),),
                           locked=(("organisation", 1, 1),)))
    assert result.status == "INFEASIBLE"
    assert [found.code for found in result.conflicts] == ["locked_pair_invalid"]
    assert ("organisation", 1, 1) not in {pair.key for pair in result.pairs}


@pytest.mark.parametrize("locked_member", [True, False])
def test_a_household_too_large_is_larger_than_its_maximum(locked_member):
    """The cadre's room was short because of another locked pair, but the reason named the
    quota with the locked pairs: "3 members paired, more than ... (at most 3)"."""
    people = (Beneficiary(1, "A", "A0", household_id=7), Beneficiary(2, "A", "A0", household_id=7),
              Beneficiary(3, "A", "A0", household_id=7 if locked_member else None),
              Beneficiary(4, "A", "A0"), Beneficiary(5, "A", "A0"))
    locked = (("cadre", 1, 3), ("cadre", 1, 4)) + ((("cadre", 1, 5),) if not locked_member else ())
    result = solve(Problem(people, cadres=(Cadre(1, "district_leader", "A"),
                                            Cadre(2, "staff", "A"), Cadre(3, "staff", "A")),
                           locked=locked, layers=("cadre",)))
    reasons = dict(result.households.split_households)
    assert result.households.split == 1
    assert reasons[7].code == "household_too_large"
    assert dict(reasons[7].params) == ({"size": 3, "maximum": 2} if locked_member else
                                       {"size": 2, "maximum": 1})


def test_a_sponsor_without_budget_left_is_not_called_a_cadre():
    problem = Problem(PEOPLE[:2], sponsors=(Sponsor(3, 50_000, 50_000),))
    found = suggest(problem, [Pair("sponsor", 3, 1)], ("sponsor", 3))
    assert found.pair is None and found.reason.code == "no_sponsor_left"
