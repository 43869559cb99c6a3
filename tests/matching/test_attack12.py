"""Attacks on issue 12's optimiser: a run stopped early never claims what it did not prove."""

from dataclasses import replace

from matching import solve
from matching.generate import small_instance


def test_a_run_stopped_early_does_not_call_reachable_minimums_impossible():
    """Stopped after the first solve on one candidate per person, a cadre's minimum was met
    by no candidate arc: the run said INFEASIBLE, "the people they could serve are taken",
    while the same problem over every eligible pair is OPTIMAL."""
    problem = small_instance(17, people=8, cadres=4, volunteers=1, sponsors=0, limit=1)
    assert solve(replace(problem, candidate_limit=None)).status == "OPTIMAL"
    stopped = solve(replace(problem, pricing_rounds=0))
    assert stopped.status == "UNKNOWN" and stopped.layers[0].status == "UNKNOWN"
    assert stopped.conflicts == () and stopped.quota_violations


def test_infeasible_is_said_only_when_proven():
    for seed in range(150):
        problem = small_instance(seed, people=8, cadres=4, volunteers=1, sponsors=0, limit=1)
        stopped = solve(replace(problem, pricing_rounds=0))
        full = solve(replace(problem, candidate_limit=None))
        assert (stopped.status == "INFEASIBLE") <= (full.status == "INFEASIBLE"), seed
        assert (full.status == "INFEASIBLE") <= (stopped.status in ("INFEASIBLE", "UNKNOWN"))
