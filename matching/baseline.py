"""Baselines for the benchmark and the tests: a plain CP-SAT model and a greedy heuristic.

Both prepare the layer as :func:`matching.solve` does (:func:`matching.prepare.prepare_layer`:
the same rules and candidate arcs) and score their pairs the same way, so their objectives
compare directly with ``Result.parts[layer]``.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from .flow import locked_per_group, reward_runs
from .prepare import PreparedLayer, prepare_layer


def _keys(prepared: PreparedLayer, chosen: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """Pair keys of the locked pairs and the ``chosen`` (helper, person) indices."""
    layer = prepared.layer
    return [(layer.kinds[helper], layer.helpers[helper].id, int(layer.person_ids[person]))
            for helper, person in [*layer.locked, *chosen]]


def _objective(prepared: PreparedLayer, chosen: list[tuple[int, int]]) -> int:
    both = [*prepared.layer.locked, *chosen]
    return prepared.objective([helper for helper, _ in both], [person for _, person in both])


def _model(prepared: PreparedLayer):
    """The CP-SAT model of one layer: a boolean per candidate arc."""
    layer, candidates, groups = prepared.layer, prepared.arcs, prepared.groups
    model = cp_model.CpModel()
    chosen = [model.new_bool_var(f"x{i}") for i in range(len(candidates.helper))]
    by_helper, by_person, by_group = defaultdict(list), defaultdict(list), defaultdict(list)
    for arc, (helper, person) in enumerate(zip(candidates.helper.tolist(),
                                               candidates.person.tolist(), strict=True)):
        by_helper[helper].append(chosen[arc])
        by_person[person].append(chosen[arc])
        by_group[int(groups[person])].append(chosen[arc])
    for helper in range(len(layer.helpers)):  # each helper within its quota bounds
        model.add(sum(by_helper[helper]) >= int(layer.lower[helper]))
        model.add(sum(by_helper[helper]) <= int(layer.upper[helper]))
    for arcs in by_person.values():  # at most one helper of this layer per person
        model.add(sum(arcs) <= 1)
    terms = [(int(score + layer.person_priority[person]), x) for score, person, x in
             zip(candidates.score.tolist(), candidates.person.tolist(), chosen, strict=True)]
    base, size = locked_per_group(prepared), np.bincount(groups, minlength=len(prepared.schedule))
    for group, spec in enumerate(prepared.schedule):  # concave street reward: integer units
        runs = reward_runs(int(base[group]), int(size[group]), *spec)
        units = [model.new_int_var(0, cap, f"z{group}_{j}") for j, (cap, _) in enumerate(runs)]
        model.add(sum(units) == sum(by_group[group]))
        terms += [(reward, unit) for unit, (_, reward) in zip(units, runs, strict=True)]
    model.maximize(sum(weight * x for weight, x in terms))
    return model, chosen


class _Trace(cp_model.CpSolverSolutionCallback):
    """(seconds since the solve started, objective) of each solution CP-SAT finds."""

    def __init__(self, offset: int):
        super().__init__()
        self.offset, self.found = offset, []

    def on_solution_callback(self) -> None:
        """Note the time and the objective of a new solution."""
        self.found.append((self.wall_time, int(round(self.objective_value)) + self.offset))


def plain_cpsat(problem, layer: str = "cadre", time_limit: float = 60.0,
                workers: int | None = 2):
    """One boolean per arc of ``problem`` (with ``candidate_limit=None``: per eligible pair),
    the same rules and objective; ``workers=None`` uses every core. Returns a dict, with
    ``trace``: (seconds into the solve, objective) of each solution found, and
    ``build_seconds``: preparing the layer and building the model."""
    start = time.perf_counter()
    prepared = prepare_layer(problem, layer)
    model, arc_vars = _model(prepared)
    built = time.perf_counter() - start
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers or os.cpu_count() or 1
    trace = _Trace(_objective(prepared, []))
    code = solver.solve(model, trace)
    status = solver.status_name(code)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"status": status, "objective": None, "bound": None, "pairs": [],
                "seconds": time.perf_counter() - start, "trace": trace.found,
                "build_seconds": built}
    arcs = prepared.arcs
    chosen = [(int(arcs.helper[i]), int(arcs.person[i])) for i, x in enumerate(arc_vars)
              if solver.value(x)]
    return {"status": status, "objective": _objective(prepared, chosen),
            "bound": int(round(solver.best_objective_bound)) + _objective(prepared, []),
            "pairs": _keys(prepared, chosen), "seconds": time.perf_counter() - start,
            "trace": trace.found, "build_seconds": built}


def greedy(problem, layer: str = "cadre"):
    """Priority first: each person in turn (highest priority, then id) takes the best helper
    with room left (one below its minimum first, then by score, then by id), among their
    ``candidate_limit`` best (every person's, not pruned as the flow's first arcs are: a
    greedy pass has no pricing to bring back a helper it was not offered). INFEASIBLE when
    helpers are left below their quota minimum: ``below_minimum`` counts them, ``short`` the
    people they lack."""
    start = time.perf_counter()
    prepared = prepare_layer(problem, layer, prune=False)
    arrays = prepared.layer
    used = np.zeros(len(arrays.helpers), dtype=np.int64)
    options = defaultdict(list)
    for helper, person, score in zip(*(x.tolist() for x in prepared.arcs), strict=True):
        options[person].append((score, helper))
    order = sorted(options, key=lambda person: (-int(arrays.person_priority[person]),
                                                int(arrays.person_ids[person])))
    chosen = []
    for person in order:
        room = [(bool(used[helper] < arrays.lower[helper]), score, -helper)
                for score, helper in options[person] if used[helper] < arrays.upper[helper]]
        if room:
            helper = -max(room)[2]
            used[helper] += 1
            chosen.append((helper, person))
    short = np.maximum(arrays.lower - used, 0)
    return {"status": "FEASIBLE" if short.sum() == 0 else "INFEASIBLE",
            "below_minimum": int((short > 0).sum()), "short": int(short.sum()),
            "objective": _objective(prepared, chosen), "bound": None,
            "pairs": _keys(prepared, chosen), "seconds": time.perf_counter() - start}
