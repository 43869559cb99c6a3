"""Edge cases of the optimiser's input that gave a wrong result or a false message: ids shared
within a layer, capacities whose sum leaves 64 bits, negative capacities and quotas, locked
pairs of an unknown or a wrong kind, a household's "too large" reason, a sponsor's suggestion."""

import pytest

from matching import Beneficiary, Cadre, Pair, Problem, Sponsor, solve, suggest

PEOPLE = tuple(Beneficiary(i, "A", "A0") for i in range(1, 6))


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
