"""One helper layer solved exactly as a min-cost flow (OR-Tools ``SimpleMinCostFlow``).

source -> helper (quota minimum on a first arc with a huge reward, then up to the maximum)
-> beneficiary (reward = continuity, proximity, skill fit) -> group (reward = priority)
-> sink through parallel arcs of decreasing reward: a concave reward on each street's
coverage, so the worst-covered street is raised first. A source -> sink bypass lets flow stay
unused. Min-cost flow is exact: the flow found is optimal for this objective.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .layers import Layer
from .scoring import BALANCE_STEPS, STEP


@dataclass
class LayerFlow:
    """Chosen arcs (helper index, beneficiary index) and quota minimums left unmet."""

    h: np.ndarray
    b: np.ndarray
    unmet: np.ndarray


def reward_runs(base: int, size: int, top: int, num: int, den: int):
    """(capacity, reward) runs of the unit rewards for units base+1..size of one group."""
    ks = np.arange(base + 1, size + 1, dtype=np.int64)
    if len(ks) == 0:
        return []
    r = STEP * np.maximum(1, top - (top * (ks - 1) * num) // den)
    cut = np.flatnonzero(np.diff(r)) + 1
    starts = np.concatenate(([0], cut))
    ends = np.concatenate((cut, [len(r)]))
    return [(int(e - s), int(r[s])) for s, e in zip(starts, ends, strict=True)]


def _network(lay: Layer, arcs, b_group, sched, huge: int | None):
    """Arc arrays (tail, head, capacity, cost) and node supplies.

    ``huge=None`` forces quota minimums exactly through node supplies; otherwise a first arc of
    capacity = minimum with reward ``huge`` meets as many minimums as possible.
    """
    ah, ab, ascore = arcs
    nh, nb, ng = len(lay.helpers), len(lay.b_street), len(sched)
    h0, b0 = 2, 2 + nh
    g0 = b0 + nb
    size = np.bincount(b_group, minlength=ng)
    base = np.bincount(b_group[[b for _, b in lay.locked]], minlength=ng) if lay.locked \
        else np.zeros(ng, dtype=np.int64)
    total = int(lay.ub.sum())
    parts = []

    def add(t, hd, c, w):
        parts.append([np.asarray(x, dtype=np.int64) for x in (t, hd, c, w)])

    lows = np.flatnonzero(lay.lb > 0) if huge else np.zeros(0, dtype=np.int64)
    add(np.zeros(len(lows)), h0 + lows, lay.lb[lows], np.full(len(lows), -(huge or 0)))
    idx = np.arange(nh)
    add(np.zeros(nh), h0 + idx, lay.ub - lay.lb, np.zeros(nh))  # up to the quota maximum
    add(h0 + ah, b0 + ab, np.ones(len(ah)), -ascore)  # a helper only to eligible people
    people = np.unique(ab)
    add(b0 + people, g0 + b_group[people], np.ones(len(people)),
        -lay.b_priority[people])  # at most one helper of this layer per person
    for g, (top, num, den) in enumerate(sched):
        runs = reward_runs(int(base[g]), int(size[g]), top, num, den)
        if runs:
            cap, rew = zip(*runs, strict=True)
            add(np.full(len(runs), g0 + g), np.ones(len(runs)), cap, -np.array(rew))
    add([0], [1], [total], [0])  # unused capacity bypasses
    nodes, supply = np.array([0, 1]), np.array([total, -total])
    if not huge:  # quota minimum: each helper must send at least lb
        nodes = np.concatenate((nodes, h0 + idx))
        supply = np.concatenate(([total - int(lay.lb.sum()), -total], lay.lb))
    return [np.concatenate(x) for x in zip(*parts, strict=True)], (nodes, supply), len(lows)


def solve_layer(lay: Layer, arcs, b_group: np.ndarray, sched: list[tuple[int, int, int]]):
    """Solve the flow of ``lay`` over candidate ``arcs``; returns a :class:`LayerFlow`.

    First with quota minimums as hard supplies; if they cannot all be met, again with a reward
    ``huge`` on each unit of minimum that outweighs every other term of the objective.
    """
    nh = len(lay.helpers)
    total = int(lay.ub.sum())
    huge = (STEP * BALANCE_STEPS + STEP) * (min(total, len(lay.b_street)) + 1) + 1
    for penalty in (None, huge):
        (tail, head, cap, cost), supplies, n_lb = _network(lay, arcs, b_group, sched, penalty)
        smcf = min_cost_flow.SimpleMinCostFlow()
        arc_ids = smcf.add_arcs_with_capacity_and_unit_cost(tail, head, cap, cost)
        smcf.set_nodes_supplies(*supplies)
        status = smcf.solve()
        if status == smcf.OPTIMAL:
            break
        if status != smcf.INFEASIBLE or penalty:
            raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = smcf.flows(arc_ids)
    lb_flow = lay.lb.copy()
    if penalty:
        lb_flow[lay.lb > 0] = flows[:n_lb]
    arc_flow = flows[n_lb + nh:n_lb + nh + len(arcs[0])]
    chosen = np.flatnonzero(arc_flow > 0)
    return LayerFlow(h=arcs[0][chosen], b=arcs[1][chosen], unmet=lay.lb - lb_flow)
