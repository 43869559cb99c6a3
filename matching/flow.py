"""One helper layer solved exactly as a min-cost flow (OR-Tools ``SimpleMinCostFlow``).

source -> helper (quota minimum on a first arc with a huge reward, then up to the maximum)
-> person (reward = continuity, proximity, skill fit) -> group (reward = priority)
-> sink through parallel arcs of decreasing reward: a concave reward on each street's
coverage, so the worst-covered street is raised first. A source -> sink bypass lets flow stay
unused. Min-cost flow is exact: the flow found is optimal for this objective.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .prepare import PreparedLayer
from .scoring import BALANCE_STEPS, STEP, unit_rewards

SOURCE, SINK = 0, 1


@dataclass(frozen=True, eq=False)
class LayerFlow:
    """Chosen arcs (helper index, person index) and quota minimums left unmet per helper."""

    helper: np.ndarray
    person: np.ndarray
    unmet: np.ndarray


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


def _network(prepared: PreparedLayer, huge: int | None):
    """Arc arrays (tail, head, capacity, cost), node supplies and the number of minimum arcs.

    ``huge=None`` forces quota minimums exactly through node supplies; otherwise a first arc of
    capacity = minimum with reward ``huge`` meets as many minimums as possible.
    """
    layer, candidates, groups = prepared.layer, prepared.arcs, prepared.groups
    n_helpers, n_groups = len(layer.helpers), len(prepared.schedule)
    first_helper = 2
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
    people = np.unique(candidates.person)
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


def solve_layer(prepared: PreparedLayer) -> LayerFlow:
    """Solve the flow of one prepared layer over its candidate arcs.

    First with quota minimums as hard supplies; if they cannot all be met, again with a reward
    ``huge`` on each unit of minimum that outweighs every other term of the objective.
    """
    layer = prepared.layer
    total = int(layer.upper.sum())
    huge = (STEP * BALANCE_STEPS + STEP) * (min(total, len(layer.person_street)) + 1) + 1
    for penalty in (None, huge):
        (tail, head, capacity, cost), supplies, n_owing = _network(prepared, penalty)
        network = min_cost_flow.SimpleMinCostFlow()
        arc_ids = network.add_arcs_with_capacity_and_unit_cost(tail, head, capacity, cost)
        network.set_nodes_supplies(*supplies)
        status = network.solve()
        if status == network.OPTIMAL:
            break
        if status != network.INFEASIBLE or penalty:
            raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = network.flows(arc_ids)
    met = layer.lower.copy()
    if penalty:
        met[layer.lower > 0] = flows[:n_owing]
    first = n_owing + len(layer.helpers)
    chosen = np.flatnonzero(flows[first:first + len(prepared.arcs.helper)] > 0)
    return LayerFlow(helper=prepared.arcs.helper[chosen], person=prepared.arcs.person[chosen],
                     unmet=layer.lower - met)
