"""Baselines for the benchmark and the tests: a plain CP-SAT model and a greedy heuristic.

Both use the same candidate arcs and score pairs with :func:`matching.scoring.evaluate`, so
their objectives compare directly with :func:`matching.solve` (``Result.parts[layer]``).
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from . import candidates
from .flow import reward_runs
from .layers import build_layer, vocabulary
from .scoring import evaluate, schedules


def _setup(problem, layer: str):
    codes = vocabulary(problem)
    lay = build_layer(problem, layer, codes)
    arcs = candidates.arcs(lay, codes["street"], problem.forbidden, problem.candidate_limit)
    sched_map = schedules(problem, layer)
    if layer == "volunteer":
        groups, sched = np.zeros(len(lay.b_ids), dtype=np.int64), [sched_map["*"]]
    else:
        groups, sched = lay.b_street, [sched_map[s] for s in codes["street"]]
    return lay, arcs, groups, sched


def _pairs(lay, chosen):
    return [(lay.kinds[h], lay.helpers[h].id, int(lay.b_ids[b])) for h, b in
            [*lay.locked, *chosen]]


def plain_cpsat(problem, layer: str = "cadre", time_limit: float = 60.0, workers: int = 2):
    """One boolean per candidate arc, the same rules and objective; returns a dict."""
    start = time.perf_counter()
    lay, (ah, ab, ascore), groups, sched = _setup(problem, layer)
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{i}") for i in range(len(ah))]
    by_h, by_b, by_g = defaultdict(list), defaultdict(list), defaultdict(list)
    for i, (h, b) in enumerate(zip(ah.tolist(), ab.tolist(), strict=True)):
        by_h[h].append(x[i])
        by_b[b].append(x[i])
        by_g[int(groups[b])].append(x[i])
    for h in range(len(lay.helpers)):  # each helper within its quota / capacity / budget
        m.add(sum(by_h[h]) >= int(lay.lb[h]))
        m.add(sum(by_h[h]) <= int(lay.ub[h]))
    for xs in by_b.values():  # at most one helper of this layer per person
        m.add(sum(xs) <= 1)
    terms = [(int(ascore[i] + lay.b_priority[ab[i]]), x[i]) for i in range(len(x))]
    base = np.bincount(groups[[b for _, b in lay.locked]], minlength=len(sched)) \
        if lay.locked else np.zeros(len(sched), dtype=np.int64)
    size = np.bincount(groups, minlength=len(sched))
    for g, spec in enumerate(sched):  # concave street reward: parallel integer units
        runs = reward_runs(int(base[g]), int(size[g]), *spec)
        zs = [m.new_int_var(0, cap, f"z{g}_{j}") for j, (cap, _) in enumerate(runs)]
        m.add(sum(zs) == sum(by_g[g]))
        terms += [(rew, z) for z, (_, rew) in zip(zs, runs, strict=True)]
    m.maximize(sum(c * v for c, v in terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    code = solver.solve(m)
    status = solver.status_name(code)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"status": status, "objective": None, "bound": None, "pairs": [],
                "seconds": time.perf_counter() - start}
    chosen = [(int(ah[i]), int(ab[i])) for i in range(len(x)) if solver.value(x[i])]
    pairs = _pairs(lay, chosen)
    constant = evaluate(problem, _pairs(lay, []))[layer]
    return {"status": status, "objective": evaluate(problem, pairs)[layer],
            "bound": int(round(solver.best_objective_bound)) + constant, "pairs": pairs,
            "seconds": time.perf_counter() - start}


def greedy(problem, layer: str = "cadre"):
    """Priority first: each person in turn (highest priority, then id) takes the best helper
    with room left (one below its minimum first, then by score, then by id)."""
    start = time.perf_counter()
    lay, (ah, ab, ascore), _, _ = _setup(problem, layer)
    used = np.zeros(len(lay.helpers), dtype=np.int64)
    options = defaultdict(list)
    for h, b, s in zip(ah.tolist(), ab.tolist(), ascore.tolist(), strict=True):
        options[b].append((s, h))
    order = sorted(options, key=lambda b: (-int(lay.b_priority[b]), int(lay.b_ids[b])))
    chosen = []
    for b in order:
        room = [(bool(used[h] < lay.lb[h]), s, -h) for s, h in options[b] if used[h] < lay.ub[h]]
        if room:
            h = -max(room)[2]
            used[h] += 1
            chosen.append((h, b))
    pairs = _pairs(lay, chosen)
    short = int(np.maximum(lay.lb - used, 0).sum())
    return {"status": "FEASIBLE" if short == 0 else "INFEASIBLE",
            "objective": evaluate(problem, pairs)[layer], "bound": None, "pairs": pairs,
            "seconds": time.perf_counter() - start}
