"""The flow optimum equals an exact CP-SAT optimum of the same objective on tiny instances,
and street balance holds wherever capacity allows."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import solve
from matching.baseline import plain_cpsat
from matching.generate import small_instance
from matching.scoring import BALANCE_STEPS

tiny = st.builds(small_instance, seed=st.integers(0, 10**6), people=st.integers(1, 12),
                 cadres=st.integers(1, 5), volunteers=st.integers(0, 3),
                 sponsors=st.integers(0, 2))


@settings(deadline=None, max_examples=150)
@given(tiny)
def test_flow_equals_exact_cpsat(problem):
    result = solve(problem)
    for layer in ("cadre", "volunteer", "sponsor"):
        exact = plain_cpsat(problem, layer, time_limit=20)
        if exact["status"] == "INFEASIBLE":
            assert layer == "cadre" and result.status == "INFEASIBLE"
            continue
        assert exact["status"] == "OPTIMAL"
        assert result.parts[layer] == exact["objective"]
    if result.status == "INFEASIBLE" and not result.quota_violations:
        raise AssertionError("infeasible without a named quota violation")


def _ratio(cov, street):
    covered, total = cov[street]
    return covered / total


@settings(deadline=None, max_examples=300)
@given(st.builds(small_instance, seed=st.integers(0, 10**6), people=st.integers(4, 24),
                 cadres=st.integers(1, 8), volunteers=st.just(0), sponsors=st.just(0)))
def test_balance_where_capacity_allows(problem):
    """A street below district coverage minus the tolerance cannot be raised: every cadre that
    could serve one more person there is full, and only with people of no richer street."""
    result = solve(problem)
    cov = result.coverage
    total = len(problem.beneficiaries)
    district = sum(c for c, _ in cov.values()) / total
    pairs = [p.key for p in result.pairs if p.helper_kind == "cadre"]
    covered = {b for _, _, b in pairs}
    load = Counter(h for _, h, _ in pairs)
    locked = set(problem.locked)
    people = {b.id: b for b in problem.beneficiaries}
    for street in cov:
        if _ratio(cov, street) >= district - problem.balance_tolerance / 100:
            continue
        free = [b for b in problem.beneficiaries if b.street == street and b.id not in covered]
        for c in problem.cadres:
            if not any(b.street in c.cross_street_allowed | {c.group_street}
                       and b.required_skills <= c.skills
                       and ("cadre", c.id, b.id) not in problem.forbidden for b in free):
                continue
            assert load[c.id] == problem.quota(c.rank)[1]
            for key in pairs:
                if key[1] == c.id and key not in locked:
                    other = people[key[2]].street
                    before = (cov[other][0] - 1) / cov[other][1]
                    assert _ratio(cov, street) >= before - 2 / BALANCE_STEPS
