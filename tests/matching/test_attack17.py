"""Attacks on the network simplex that re-solves a flow after pricing (:mod:`matching.simplex`)
and on its use in :mod:`matching.flow`: each test failed before its fix, or pins a case the
random test of ``test_matching_simplex.py`` does not reach."""

import numpy as np
import pytest
from ortools.graph.python import min_cost_flow

import matching.flow as flow_module
from matching.candidates import Arcs
from matching.generate import small_instance
from matching.prepare import prepare_layer
from matching.pricing import least_potentials
from matching.simplex import INF, NoBasis, WarmFlow
from tests.matching.test_matching_kernels import residual_distances


def _arrays(*rows):
    return [np.array(row, dtype=np.int64) for row in rows]


def _empty(n):
    """A WarmFlow over ``n`` nodes and no arcs yet."""
    return WarmFlow(n, _arrays([], [], [], []), np.zeros(0, np.int64), np.zeros(n, np.int64))


def _has_negative_cycle(n, tail, head, cap, cost, flows) -> bool:
    """Bellman-Ford on the residual graph in Python integers (no int64 to overflow)."""
    return residual_distances(n, (tail, head, cap, cost), np.asarray(flows)) is None


def test_costs_that_overflow_int64_potentials_are_refused_not_solved_wrong():
    """Costs near 2**62: the potentials and reduced costs wrapped round in int64 and the
    simplex stopped at a flow with a negative cycle, saying it was optimal."""
    tail, head, cap = [1, 0, 1, 3, 4, 2, 4, 1], [2, 1, 4, 1, 0, 3, 2, 2], [2, 2, 2, 1, 2, 2, 1, 2]
    cost = [-2985496108974943641, -4081397439513025645, -1205718893686021126,
            -2386639237142592319, -4610225626004137725, 3285284555239398000,
            3478229674235958811, -3240008753426305923]
    warm = _empty(5)
    warm.add(*_arrays(tail, head, cap, cost))
    try:
        warm.solve()
    except NoBasis:
        return  # refused: flow.py then solves cold
    assert not _has_negative_cycle(5, tail, head, cap, cost, warm.flows)


def test_costs_of_the_penalty_mode_on_a_large_layer_are_solved():
    """huge_reward of a layer of a million people is far inside the guard."""
    huge = 252252 * 1_000_001 + 1
    n = 6
    network = _arrays([0, 0, 2, 3, 1], [2, 3, 4, 4, 5], [2, 3, 1, 1, 9], [-huge, 0, -7, -9, 0])
    supply = np.array([2, 0, 0, 0, -2, 0])
    solver = min_cost_flow.SimpleMinCostFlow()
    ids = solver.add_arcs_with_capacity_and_unit_cost(*network)
    solver.set_nodes_supplies(np.arange(n), supply)
    assert solver.solve() == solver.OPTIMAL
    flows = solver.flows(ids)
    warm = WarmFlow(n, network, flows, least_potentials(n, *network, flows))
    warm.add(*_arrays([0, 3], [3, 2], [5, 5], [-huge, -1]))
    warm.solve()
    assert int(warm.flows @ warm.network[3]) == -2 * huge - 1 - 7 - 9


@pytest.mark.parametrize("arcs", [
    ([0], [7], [1], [-1]),  # a head beyond the last node: numba writes out of bounds
    ([-1], [1], [1], [-1]),
    ([0], [1], [-1], [-1]),  # a negative capacity
    ([0], [1], [INF], [-1]),  # a capacity the simplex takes for unbounded
    ([0, 1], [1], [1, 1], [-1, -1]),  # arrays of different lengths (one would broadcast)
])
def test_add_refuses_arcs_it_cannot_hold(arcs):
    warm = _empty(3)
    with pytest.raises(ValueError):
        warm.add(*_arrays(*arcs))
    assert warm.m == warm.n  # nothing was added


def test_a_flow_outside_its_capacities_is_refused():
    network = _arrays([0], [1], [2], [1])
    with pytest.raises(ValueError):
        WarmFlow(2, network, np.array([3]), np.zeros(2, np.int64))


def test_isolated_nodes_a_negative_cycle_parallel_arcs_and_a_self_loop():
    warm = _empty(1000)  # every node hangs from the root by its artificial arc
    warm.add(*_arrays([500, 501, 502], [501, 502, 500], [5, 5, 5], [-1, -1, -1]))
    warm.solve()
    assert warm.flows.tolist() == [5, 5, 5]
    assert len(warm.add(*_arrays([], [], [], []))) == 0  # an add of no arcs
    warm.solve()
    warm.add(*_arrays([7, 8, 7, 9], [8, 7, 8, 9], [3, 2, 0, 4], [-5, 1, -100, -3]))
    warm.solve()
    assert warm.flows.tolist() == [5, 5, 5, 2, 2, 0, 4]


def test_many_rounds_grow_the_arrays_and_keep_the_optimum():
    rng = np.random.default_rng(7)
    n, supply = 40, np.zeros(40, np.int64)
    warm, every = _empty(n), [np.zeros(0, np.int64)] * 4
    for _ in range(30):
        part = [rng.integers(0, n, 15), rng.integers(0, n, 15), rng.integers(0, 3, 15),
                rng.integers(-10, 10, 15)]
        warm.add(*part)
        warm.solve()
        every = [np.concatenate(x) for x in zip(every, part, strict=True)]
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(*every)
        solver.set_nodes_supplies(np.arange(n), supply)
        assert solver.solve() == solver.OPTIMAL
        assert int(warm.flows @ every[3]) == solver.optimal_cost()


def _two_rounds(seed):
    problem = small_instance(seed=seed, people=60, cadres=12, limit=1)
    prepared = prepare_layer(problem, "cadre")
    arcs = prepared.arcs
    first = flow_module.solve_on(prepared, arcs, (None, flow_module.huge_reward(prepared.layer)))
    more = flow_module.price_solution(prepared, arcs, first).arcs
    assert len(more.helper) > 0
    none = Arcs(*(np.zeros(0, np.int64) for _ in range(3)))
    return prepared, arcs, more, none, flow_module.resolve(prepared, arcs, first, none)


def test_a_solution_resolved_twice_is_resolved_from_its_own_flow():
    """``resolve`` kept one WarmFlow across solutions: re-solving a solution a second time
    started from the arcs and flow of the first re-solve, so "the optimal flow on arcs"
    came back with other arcs in its network and pairs missing from its chosen arcs, and the
    first solution's flows changed under it."""
    prepared, arcs, more, none, solution = _two_rounds(0)
    flows = solution.flows.copy()
    flow_module.resolve(prepared, arcs, solution, more)
    assert np.array_equal(solution.flows, flows)
    again = flow_module.resolve(prepared, arcs, solution, none)
    assert len(again.network[0]) == len(solution.network[0])
    assert prepared.objective(again.used.helper, again.used.person) == \
        prepared.objective(solution.used.helper, solution.used.person)
