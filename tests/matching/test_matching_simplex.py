"""The network simplex that re-solves a flow after pricing adds arcs (:mod:`matching.simplex`).

On random networks: a flow solved by OR-Tools on some arcs, kept as a basis, then given the
rest of the arcs, ends at the same optimal cost as OR-Tools solving every arc from nothing,
with a flow that keeps every capacity and supply and has no negative cycle left. A flow that
is not optimal gives no basis, and a re-solve that cannot start falls back to a cold solve.
"""

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
