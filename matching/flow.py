"""One helper layer solved exactly as a min-cost flow (OR-Tools ``SimpleMinCostFlow``).

source -> helper (quota minimum on a first arc with a huge reward, then up to the maximum)
-> person (reward = continuity, proximity, skill fit) -> group (reward = priority)
-> sink through parallel arcs of decreasing reward: a concave reward on each street's
coverage, so the worst-covered street is raised first. A source -> sink bypass lets flow stay
unused. Min-cost flow is exact: the flow found is optimal for this objective over the arcs it
is given; pricing (:mod:`matching.pricing`) extends the proof to every eligible pair. The
first solve is OR-Tools' (cost scaling, from nothing); after pricing adds arcs, the network
simplex of :mod:`matching.simplex` re-solves from the last optimal flow.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow

from .candidates import Arcs
from .prepare import PreparedLayer
from .pricing import least_potentials, price
from .pricing import warm_up as load_pricing
from .scoring import BALANCE_STEPS, STEP, unit_rewards
from .simplex import NoBasis, Stopped, WarmFlow

SOURCE, SINK, FIRST_HELPER = 0, 1, 2


@dataclass(frozen=True, eq=False)
class LayerFlow:
    """Chosen arcs (helper index, person index), quota minimums left unmet per helper, and
    how far the proof of optimality over every eligible pair went."""

    helper: np.ndarray
    person: np.ndarray
    unmet: np.ndarray
    gap: int = 0  #: a true bound minus the objective; 0: optimal over every eligible pair
    rounds: int = 0  #: re-solves after pricing added arcs
    #: arcs of the last solve: every arc of any solve, but those its first start-over left out
    #: (:data:`DROP`) and pricing did not bring back
    last: Arcs | None = None
    checked: int = 0  #: eligible pairs priced after the last solve


def reward_runs(base: int, size: int, top: int, num: int, den: int) -> list[tuple[int, int]]:
    """(capacity, reward) runs of the unit rewards for units base+1..size of one group."""
    rewards = unit_rewards(base + 1, size, top, num, den)
    if len(rewards) == 0:
        return []
    cut = np.flatnonzero(np.diff(rewards)) + 1
    starts = np.concatenate(([0], cut))
    ends = np.concatenate((cut, [len(rewards)]))
    return [(int(end - start), int(rewards[start]))
            for start, end in zip(starts, ends, strict=True)]


def locked_per_group(prepared: PreparedLayer) -> np.ndarray:
    """How many people of each reward group are held by locked pairs."""
    locked = [person for _, person in prepared.layer.locked]
    return np.bincount(prepared.groups[locked], minlength=len(prepared.schedule))


def _network(prepared: PreparedLayer, candidates: Arcs, huge: int | None):
    """Arc arrays (tail, head, capacity, cost), node supplies and the number of minimum arcs.

    ``huge=None`` forces quota minimums exactly through node supplies; otherwise a first arc of
    capacity = minimum with reward ``huge`` meets as many minimums as possible.
    """
    layer, groups = prepared.layer, prepared.groups
    n_helpers, n_groups = len(layer.helpers), len(prepared.schedule)
    first_helper = FIRST_HELPER
    first_person = first_helper + n_helpers
    first_group = first_person + len(layer.person_street)
    size = np.bincount(groups, minlength=n_groups)
    base = locked_per_group(prepared)
    total = int(layer.upper.sum())
    parts = []

    def add(tail, head, capacity, cost):
        parts.append([np.asarray(x, dtype=np.int64) for x in (tail, head, capacity, cost)])

    owing = np.flatnonzero(layer.lower > 0) if huge else np.zeros(0, dtype=np.int64)
    add(np.zeros(len(owing)), first_helper + owing, layer.lower[owing],
        np.full(len(owing), -(huge or 0)))
    every = np.arange(n_helpers)
    add(np.zeros(n_helpers), first_helper + every, layer.upper - layer.lower,
        np.zeros(n_helpers))  # up to the quota maximum
    add(first_helper + candidates.helper, first_person + candidates.person,
        np.ones(len(candidates.helper)), -candidates.score)  # a helper only to eligible people
    people = np.flatnonzero(layer.person_free)  # every free person, so pricing sees them
    add(first_person + people, first_group + groups[people], np.ones(len(people)),
        -layer.person_priority[people])  # at most one helper of this layer per person
    for group, (top, num, den) in enumerate(prepared.schedule):
        runs = reward_runs(int(base[group]), int(size[group]), top, num, den)
        if runs:
            capacity, reward = zip(*runs, strict=True)
            add(np.full(len(runs), first_group + group), np.full(len(runs), SINK), capacity,
                -np.array(reward))
    add([SOURCE], [SINK], [total], [0])  # unused capacity bypasses
    nodes, supply = np.array([SOURCE, SINK]), np.array([total, -total])
    if not huge:  # quota minimum: each helper must send at least its lower bound
        nodes = np.concatenate((nodes, first_helper + every))
        supply = np.concatenate(([total - int(layer.lower.sum()), -total], layer.lower))
    return [np.concatenate(x) for x in zip(*parts, strict=True)], (nodes, supply), len(owing)


def _optimal(prepared: PreparedLayer, arcs: Arcs, penalties: tuple):
    """Solve the network on ``arcs`` with the first of ``penalties`` that is feasible: None
    (quota minimums as hard supplies), then ``huge``. Returns the penalty used, the arc arrays,
    the flows and the number of minimum arcs."""
    for penalty in penalties:
        network_arcs, supplies, n_owing = _network(prepared, arcs, penalty)
        network = min_cost_flow.SimpleMinCostFlow()
        arc_ids = network.add_arcs_with_capacity_and_unit_cost(*network_arcs)
        network.set_nodes_supplies(*supplies)
        status = network.solve()
        if status == network.OPTIMAL:
            return penalty, network_arcs, network.flows(arc_ids), n_owing
        if status != network.INFEASIBLE or penalty:
            raise RuntimeError(f"min-cost flow failed with status {status}")
    raise RuntimeError("min-cost flow failed: no penalty left")


class Solution(NamedTuple):
    """A flow solved on some arcs: the penalty mode used, the network's arc arrays, the flows,
    the number of quota-minimum arcs, the node potentials (the least non-negative ones:
    :func:`matching.pricing.least_potentials`), the arcs that carry flow, the arcs solved on
    and where each is in the network, and the network simplex that re-solves it (None until a
    re-solve)."""

    penalty: int | None
    network: list
    flows: np.ndarray
    n_owing: int
    distance: np.ndarray
    used: Arcs
    arcs: Arcs
    at: np.ndarray
    warm: WarmFlow | None = None


def huge_reward(layer) -> int:
    """A reward per unit of quota minimum that outweighs every other term of the objective."""
    total = int(layer.upper.sum())
    return (STEP * BALANCE_STEPS + STEP) * (min(total, len(layer.person_street)) + 1) + 1


def _nodes(prepared: PreparedLayer) -> int:
    layer = prepared.layer
    return FIRST_HELPER + len(layer.helpers) + len(layer.person_street) + len(prepared.schedule)


def _solution(prepared: PreparedLayer, arcs: Arcs, penalty, network_arcs, flows, n_owing: int,
              at: np.ndarray, warm: WarmFlow | None = None) -> Solution:
    chosen = np.flatnonzero(flows[at] > 0)
    return Solution(penalty, network_arcs, flows, n_owing,
                    least_potentials(_nodes(prepared), *network_arcs, flows),
                    Arcs(arcs.helper[chosen], arcs.person[chosen], arcs.score[chosen]), arcs, at,
                    warm)


def solve_on(prepared: PreparedLayer, arcs: Arcs, penalties: tuple) -> Solution:
    """The optimal flow on ``arcs`` (see :func:`_optimal`), solved from nothing, and its node
    potentials."""
    penalty, network_arcs, flows, n_owing = _optimal(prepared, arcs, penalties)
    first = n_owing + len(prepared.layer.helpers)
    return _solution(prepared, arcs, penalty, network_arcs, flows, n_owing,
                     np.arange(first, first + len(arcs.helper)))


def _warm(prepared: PreparedLayer, solution: Solution) -> WarmFlow:
    """The network simplex at ``solution``: the one that solved it while it still holds
    exactly its arcs and flow, else one built from them (a solution re-solved a second time, or
    whose re-solve stopped short, starts again from its own flow)."""
    warm = solution.warm
    if warm is not None and warm.m - warm.n == len(solution.flows) and \
            np.array_equal(warm.flows, solution.flows):
        return warm
    return WarmFlow(_nodes(prepared), solution.network, solution.flows, solution.distance)


def resolve(prepared: PreparedLayer, arcs: Arcs, solution: Solution, more: Arcs,
            deadline: float | None = None, cold: bool = False,
            drop: int | None = None) -> Solution | None:
    """The optimal flow on ``arcs`` and ``more`` (new arcs), re-solved by the network simplex
    from ``solution``, the optimal flow on ``arcs``; from nothing (:func:`solve_on`) if
    ``cold``, or if the simplex cannot start from it or stops short
    (:class:`matching.simplex.NoBasis`). None if ``deadline`` (``time.perf_counter()``)
    passed while the simplex pivoted (:class:`matching.simplex.Stopped`): ``solution``
    stands. A solve from nothing by choice (``cold``) with a ``drop`` leaves out the arcs of
    ``arcs`` whose reduced cost is above it (:func:`within`); the solution says which arcs it
    was solved on."""
    first_person = FIRST_HELPER + len(prepared.layer.helpers)
    if cold:
        kept = arcs if drop is None else within(prepared, arcs, solution, drop)
        return solve_on(prepared, _merge(kept, more), (solution.penalty,))
    merged = _merge(arcs, more)
    try:
        warm = _warm(prepared, solution)
        at = warm.add(FIRST_HELPER + more.helper, first_person + more.person,
                      np.ones(len(more.helper), dtype=np.int64), -more.score)
        warm.solve(deadline)
    except Stopped:
        return None
    except NoBasis:
        return solve_on(prepared, merged, (solution.penalty,))
    return _solution(prepared, merged, solution.penalty, warm.network,
                     warm.flows.copy(),  # its own: a later re-solve moves the simplex's on
                     solution.n_owing, np.concatenate((solution.at, at)), warm)


def _potentials(prepared: PreparedLayer, solution: Solution) -> tuple[np.ndarray, np.ndarray]:
    """``solution``'s potentials of the helpers and of the people, each by their index."""
    first_person = FIRST_HELPER + len(prepared.layer.helpers)
    people = len(prepared.layer.person_street)
    return (solution.distance[FIRST_HELPER:first_person],
            solution.distance[first_person:first_person + people])


def price_solution(prepared: PreparedLayer, arcs: Arcs, solution: Solution):
    """Pricing of every eligible pair left out of ``arcs`` against ``solution``'s
    potentials (:func:`matching.pricing.price`)."""
    return price(prepared.layer, prepared.streets, prepared.forbidden, arcs,
                 *_potentials(prepared, solution))


def within(prepared: PreparedLayer, arcs: Arcs, solution: Solution, drop: int) -> Arcs:
    """The arcs of ``arcs`` whose reduced cost ``-score + d[helper] - d[person]`` under
    ``solution``'s potentials is at most ``drop`` (>= 0). Every arc that carries flow is among
    them (its reduced cost is at most 0), so the flow stays feasible on them."""
    helper_potential, person_potential = _potentials(prepared, solution)
    reduced = helper_potential[arcs.helper] - person_potential[arcs.person] - arcs.score
    keep = np.flatnonzero(reduced <= drop)
    return Arcs(arcs.helper[keep], arcs.person[keep], arcs.score[keep])


def _merge(arcs: Arcs, more: Arcs) -> Arcs:
    """Both arc sets (disjoint), one after the other."""
    return Arcs(*(np.concatenate(x) for x in zip(arcs, more, strict=True)))


COLD = 0.5  #: arcs added, as a share of the flow's, from which a re-solve starts over
#: Layers whose re-solves always pivot, however many arcs pricing added: the cadres', whose
#: pivots stay quick (at 10x a district 3.4 s for the 1.46 M arcs pricing adds to the 0.64 M
#: first ones, where OR-Tools took 10.8 s to solve those from nothing).
PIVOTS = frozenset({"cadre"})
#: At a layer's first start-over, the last solve's arcs whose reduced cost under its potentials
#: is above this are left out of the solve from nothing: pricing checks them again after it, as
#: it checks every pair left out, so the optimum is the same. At 10x a district the volunteers'
#: start-over then solves 1.38 M arcs, not 2.23 M (about 1.3 s less), and their layer took
#: 15.1-15.6 s against 17.4-17.8 s; the few arcs pricing then brings back go in by pivots.
#: Nearly every arc that entered the volunteers' later pivots had a reduced cost of 1 or less
#: at the start. Later start-overs keep every arc, so the rounds cannot go round in a circle.
DROP = 2


def start_over(arcs: int, added: int, rate: float, deadline: float | None,
               layer: str = "") -> bool | None:
    """Whether a re-solve after pricing added ``added`` arcs to a flow on ``arcs`` starts
    from nothing (OR-Tools) rather than pivot from the last flow: when they are at least
    :data:`COLD` of its arcs. None when it would, but a solve at the first one's ``rate``
    (seconds per arc) would not end before ``deadline`` (OR-Tools cannot be stopped; the
    simplex can): the run then stops with the solve before and its gap. Pivoting instead
    would reach another optimum among ties (the two paths break them differently), so a
    proven result, its pairs and the household rule after them would depend on the time left:
    on the machine's load, or on whether the layer was solved after the others or apart
    (:func:`matching.split.by_layer`). Where :data:`COLD` starts over, the pivots are
    expected slower than the solve from nothing: they would not end before the deadline
    either. A layer of :data:`PIVOTS` never starts over.

    The simplex's pivots grow with the arcs it brings in and each walks the tree, which
    grows with the layer; a solve from nothing does not care where the last flow was. On the
    benchmark's districts the volunteers' first round added 12% of the arcs at 1x, 43% at 4x,
    52% at 7x and 57% at 10x, the cadres' 8%, 25% and 43% at 1x, 4x and 10x; starting over
    took 2.8 s against 2.3 s of pivots at 4x, 16.9 s against 17.9 s for the layer at 7x and
    24.7 s against 40.2 s at 10x, where the cadres' 0.6 M arcs took the simplex 1.3 s and
    would have taken OR-Tools about 12 s.
    """
    if added < COLD * arcs or layer in PIVOTS:
        return False
    if deadline is None or time.perf_counter() + rate * (arcs + added) <= deadline:
        return True
    return None


def solve_layer(prepared: PreparedLayer, rounds: int | None = None,
                deadline: float | None = None) -> LayerFlow:
    """Solve the flow of one prepared layer, proven optimal over every eligible pair.

    It solves on the candidate arcs, prices every eligible pair left out
    (:func:`matching.pricing.price`), adds those with a negative reduced cost and re-solves
    (:func:`resolve`; from nothing when :func:`start_over` says so, the first time without the
    last solve's arcs of a reduced cost above :data:`DROP`) until none is left. Quota
    minimums are first hard supplies; if they cannot all be met, :func:`huge_reward` on each
    unit of minimum outweighs every other term of the objective. After ``rounds`` re-solves,
    or once ``time.perf_counter()`` passes ``deadline`` (between two solves, or while the
    network simplex pivots: then the solve before stands), or when a re-solve should start
    over but would not end before it (:func:`start_over`), it stops early with the gap to a
    true bound. Which way a re-solve goes never depends on the time left, so a proven flow
    does not either.
    """
    layer = prepared.layer
    arcs, done, started_over = prepared.arcs, 0, False
    load_pricing()  # compiled on first use: not in the first solve's pace (start_over)
    started = time.perf_counter()
    solution = solve_on(prepared, arcs, (None, huge_reward(layer)))
    rate = (time.perf_counter() - started) / max(len(arcs.helper), 1)  # a solve's, per arc
    while True:
        priced = price_solution(prepared, arcs, solution)
        late = deadline is not None and time.perf_counter() > deadline
        if priced.shortfall == 0 or late or (rounds is not None and done >= rounds):
            break
        cold = start_over(len(arcs.helper), len(priced.arcs.helper), rate, deadline,
                          layer.name)
        better = None if cold is None else \
            resolve(prepared, arcs, solution, priced.arcs, deadline, cold=cold,
                    drop=None if started_over else DROP)
        if better is None:  # no time to start over, or the deadline passed while it pivoted:
            break  # the last solve stands
        started_over = started_over or cold
        solution, arcs, done = better, better.arcs, done + 1
    met = layer.lower.copy()
    if solution.penalty:
        met[layer.lower > 0] = solution.flows[:solution.n_owing]
    return LayerFlow(helper=solution.used.helper, person=solution.used.person,
                     unmet=layer.lower - met, gap=priced.shortfall, rounds=done,
                     last=arcs, checked=priced.checked)
