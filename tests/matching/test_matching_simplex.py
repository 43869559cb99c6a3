"""The network simplex that re-solves a flow after pricing adds arcs (:mod:`matching.simplex`).

On random networks: a flow solved by OR-Tools on some arcs, kept as a basis, then given the
rest of the arcs, ends at the same optimal cost as OR-Tools solving every arc from nothing,
with a flow that keeps every capacity and supply and has no negative cycle left. A flow that
is not optimal gives no basis, and a re-solve that cannot start falls back to a cold solve.
"""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow

import matching.flow as flow_module
from matching.flow import solve_layer
from matching.generate import small_instance
from matching.prepare import prepare_layer
from matching.pricing import least_potentials
from matching.simplex import NoBasis, WarmFlow


def _ortools(n, tail, head, cap, cost, supply):
    network = min_cost_flow.SimpleMinCostFlow()
    ids = network.add_arcs_with_capacity_and_unit_cost(tail, head, cap, cost)
    network.set_nodes_supplies(np.arange(n), supply)
    assert network.solve() == network.OPTIMAL
    return network.optimal_cost(), network.flows(ids)


@st.composite
def networks(draw):
    """A network in two parts, the arcs solved first and those added, with supplies that a
    random flow on the first part meets."""
    n = draw(st.integers(2, 9))
    m = draw(st.integers(1, 30))
    node = st.integers(0, n - 1)
    tail = np.array(draw(st.lists(node, min_size=m, max_size=m)), dtype=np.int64)
    head = np.array(draw(st.lists(node, min_size=m, max_size=m)), dtype=np.int64)
    keep = tail != head
    tail, head = tail[keep], head[keep]
    m = len(tail)
    cap = np.array(draw(st.lists(st.integers(0, 4), min_size=m, max_size=m)), dtype=np.int64)
    cost = np.array(draw(st.lists(st.integers(-20, 20), min_size=m, max_size=m)),
                    dtype=np.int64)
    first = draw(st.integers(0, m))
    used = np.array([draw(st.integers(0, int(c))) if i < first else 0
                     for i, c in enumerate(cap)], dtype=np.int64)
    supply = np.bincount(tail, used, minlength=n).astype(np.int64) - \
        np.bincount(head, used, minlength=n).astype(np.int64)
    return n, (tail, head, cap, cost), supply, first


def _check_flow(n, network, flows, supply):
    tail, head, cap, _ = network
    assert ((flows >= 0) & (flows <= cap)).all()
    balance = np.bincount(tail, flows, minlength=n) - np.bincount(head, flows, minlength=n)
    assert (balance.astype(np.int64) == supply).all()


@settings(max_examples=300, deadline=None)
@given(networks())
def test_warm_resolve_reaches_the_cold_optimum(case):
    n, network, supply, first = case
    tail, head, cap, cost = network
    best, _ = _ortools(n, *network, supply)
    early = (tail[:first], head[:first], cap[:first], cost[:first])
    _, flows = _ortools(n, *early, supply)
    try:
        warm = WarmFlow(n, early, flows, least_potentials(n, *early, flows))
    except NoBasis:  # free arcs of an optimal flow can form a zero-cost cycle
        return
    warm.add(tail[first:], head[first:], cap[first:], cost[first:])
    warm.solve()
    _check_flow(n, network, warm.flows, supply)
    assert int(warm.flows @ cost) == best
    least_potentials(n, *warm.network, warm.flows)  # raises if a negative cycle is left


def test_a_flow_that_is_not_optimal_gives_no_basis():
    # two parallel arcs 0 -> 1, both strictly between their bounds, at different costs
    network = [np.array(x, dtype=np.int64) for x in ([0, 0], [1, 1], [2, 2], [1, 5])]
    with pytest.raises(NoBasis):
        WarmFlow(2, network, np.array([1, 1]), np.array([0, 0]))


def test_added_arcs_are_used_and_repeated_adds_keep_the_optimum():
    # 0 supplies 3 to 3; the first solve has only the dear path 0 -> 1 -> 3
    n, supply = 4, np.array([3, 0, 0, -3])
    network = [np.array(x, dtype=np.int64) for x in ([0, 1], [1, 3], [3, 3], [5, 5])]
    _, flows = _ortools(n, *network, supply)
    warm = WarmFlow(n, network, flows, least_potentials(n, *network, flows))
    at = warm.add(np.array([0]), np.array([2]), np.array([2]), np.array([1]))
    warm.solve()
    assert at.tolist() == [2]
    assert int(warm.flows @ warm.network[3]) == 3 * 10  # the cheap arc leads nowhere yet
    warm.add(np.array([2]), np.array([3]), np.array([2]), np.array([1]))
    warm.solve()
    assert warm.flows.tolist() == [1, 1, 2, 2]
    assert int(warm.flows @ warm.network[3]) == 10 + 2 * 2


def _solve_with(monkeypatch, problem, failing: bool):
    monkeypatch.setattr(flow_module, "COLD", float("inf"))  # never start over by choice
    if failing:
        def refuse(self, deadline=None):
            raise NoBasis("refused by the test")
        monkeypatch.setattr(WarmFlow, "solve", refuse)
    prepared = prepare_layer(problem, "cadre")
    return prepared, solve_layer(prepared)


def test_a_resolve_that_cannot_start_falls_back_to_a_cold_solve(monkeypatch):
    problem = small_instance(seed=3, people=60, cadres=12, limit=1)  # pricing adds arcs
    prepared, warm = _solve_with(monkeypatch, problem, failing=False)
    cold_calls = []
    original = flow_module.solve_on

    def counted(*args):
        cold_calls.append(args)
        return original(*args)

    monkeypatch.setattr(flow_module, "solve_on", counted)
    _, cold = _solve_with(monkeypatch, problem, failing=True)
    assert warm.rounds == cold.rounds >= 1
    assert len(cold_calls) == 1 + cold.rounds  # the first solve, then one per re-solve
    assert prepared.objective(warm.helper, warm.person) == \
        prepared.objective(cold.helper, cold.person)
    assert warm.gap == cold.gap == 0


def test_a_re_solve_starts_over_when_pricing_adds_half_the_arcs_and_time_allows():
    start_over = flow_module.start_over
    assert not start_over(100, 49, 0.01, None)
    assert start_over(100, 50, 0.01, None) and start_over(0, 0, 1.0, None)
    now = time.perf_counter()
    assert start_over(100, 60, 0.01, now + 10)  # 160 arcs at 0.01 s: 1.6 s
    assert start_over(100, 60, 0.01, now + 1) is None  # no time to: the layer stops there
    assert start_over(100, 49, 0.01, now + 1) is False  # pivots, stopped at the deadline
    # the cadres' re-solves always pivot: their pivots stay quick however many arcs come in
    assert start_over(100, 400, 0.01, None, "cadre") is False
    assert start_over(100, 400, 0.01, now + 1, "cadre") is False
    assert start_over(100, 400, 0.01, None, "volunteer")


@pytest.mark.parametrize("drop", [0, flow_module.DROP, None])
@pytest.mark.parametrize("seed", [3, 4])
def test_starting_over_reaches_the_optimum_the_pivots_reach(monkeypatch, seed, drop):
    problem = small_instance(seed=seed, people=60, cadres=12, limit=1)  # pricing adds arcs
    prepared, pivoted = _solve_with(monkeypatch, problem, failing=False)
    calls, added = [], []
    original_solve, original_price = flow_module.solve_on, flow_module.price_solution

    def counted(*args):
        calls.append(len(args[1].helper))
        return original_solve(*args)

    def priced(*args):
        found = original_price(*args)
        added.append(len(found.arcs.helper))
        return found

    monkeypatch.setattr(flow_module, "solve_on", counted)
    monkeypatch.setattr(flow_module, "price_solution", priced)
    monkeypatch.setattr(flow_module, "COLD", 0.0)  # every re-solve starts over,
    monkeypatch.setattr(flow_module, "PIVOTS", frozenset())  # the cadres' too
    monkeypatch.setattr(flow_module, "DROP", 10 ** 9 if drop is None else drop)
    cold = solve_layer(prepared)
    assert cold.rounds >= 1 and len(calls) == 1 + cold.rounds
    # the first start-over leaves out the arcs above DROP (none when it is huge); later ones
    # only add what pricing found
    assert (calls[1] < calls[0] + added[0]) == (drop is not None)
    assert all(after == before + more for before, after, more
               in zip(calls[1:], calls[2:], added[1:], strict=False))
    assert calls[-1] == len(cold.last.helper)
    assert prepared.objective(pivoted.helper, pivoted.person) == \
        prepared.objective(cold.helper, cold.person)
    assert pivoted.gap == cold.gap == 0


def test_within_keeps_every_arc_with_flow_and_no_arc_above_the_drop():
    prepared = prepare_layer(small_instance(seed=3, people=60, cadres=12, limit=1), "cadre")
    solution = flow_module.solve_on(prepared, prepared.arcs, (None,))
    first_person = flow_module.FIRST_HELPER + len(prepared.layer.helpers)
    distance, arcs = solution.distance, prepared.arcs
    reduced = distance[flow_module.FIRST_HELPER + arcs.helper] - \
        distance[first_person + arcs.person] - arcs.score
    assert (reduced > 0).any() and (reduced <= 0).any()
    for drop in (0, 2, int(reduced.max())):
        kept = flow_module.within(prepared, arcs, solution, drop)
        keys = set(zip(kept.helper.tolist(), kept.person.tolist(), strict=True))
        assert keys == {(h, p) for h, p, r in zip(arcs.helper.tolist(), arcs.person.tolist(),
                                                   reduced.tolist(), strict=True) if r <= drop}
        assert set(zip(solution.used.helper.tolist(), solution.used.person.tolist(),
                       strict=True)) <= keys
