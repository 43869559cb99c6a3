"""``solve``: cadres, then volunteers and organisations, then sponsors, each an exact flow."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import diagnose
from .flow import LayerFlow, solve_layer
from .layers import LAYERS, Layer
from .messages import Message, message
from .model import Pair, Problem, Result
from .prepare import prepare_layer
from .reasons import pair_reasons
from .vocabulary import vocabulary


@dataclass(frozen=True, eq=False)
class Solved:
    """One solved layer: its arrays, its flow, its pairs (locked first) and its objective."""

    layer: Layer
    flow: LayerFlow
    pairs: list[Pair]
    objective: int


def _solve_layer(problem: Problem, name: str, codes) -> Solved:
    prepared = prepare_layer(problem, name, codes)
    layer = prepared.layer
    flow = solve_layer(prepared)
    helpers = np.concatenate(([helper for helper, _ in layer.locked], flow.helper)).astype(np.int64)
    people = np.concatenate(([person for _, person in layer.locked], flow.person)).astype(np.int64)
    reasons = pair_reasons(layer, helpers, people, locked=len(layer.locked))
    pairs = [Pair(layer.kinds[helper], layer.helpers[helper].id, int(layer.person_ids[person]),
                  why) for helper, person, why in
             zip(helpers.tolist(), people.tolist(), reasons, strict=True)]
    return Solved(layer, flow, pairs, prepared.objective(helpers, people))


def _coverage(problem: Problem, pairs: list[Pair]) -> dict[str, tuple[int, int]]:
    ids = {pair.beneficiary_id for pair in pairs}
    total = Counter(person.street for person in problem.beneficiaries)
    done = Counter(person.street for person in problem.beneficiaries if person.id in ids)
    return {street: (done[street], total[street]) for street in sorted(total)}


def balance_notes(problem: Problem, coverage: dict[str, tuple[int, int]]) -> list[Message]:
    """Streets whose cadre coverage stays below district coverage minus the tolerance."""
    covered = sum(done for done, _ in coverage.values())
    total = sum(size for _, size in coverage.values())
    district = covered / max(total, 1)
    tolerance = problem.balance_tolerance
    return [message("street_below_balance", street=street, covered=c, total=n,
                    district_covered=covered, district_total=total, tolerance=tolerance)
            for street, (c, n) in coverage.items() if c / n < district - tolerance / 100]


def _quota_report(problem: Problem, cadres: Solved, codes) -> tuple[list, list]:
    """Conflicts and violations when cadre quota minimums cannot all be met."""
    unmet = cadres.flow.unmet
    if not (unmet > 0).any():
        return [], []
    assigned = Counter(pair.helper_id for pair in cadres.pairs)
    return (diagnose.quota_conflicts(problem, cadres.layer, unmet, codes),
            diagnose.violations(problem, cadres.layer, unmet, assigned))


def solve(problem: Problem) -> Result:
    """Pair helpers with beneficiaries under the hard rules; see ``DESIGN.md`` "Matching".

    Each layer is an exact min-cost flow, so a feasible result is OPTIMAL with bound ==
    objective. When quota minimums cannot all be met the result is INFEASIBLE, still holds the
    best assignment that keeps every maximum, and ``conflicts`` names the street and rank.
    """
    start = time.perf_counter()
    codes = vocabulary(problem)
    solved = {name: _solve_layer(problem, name, codes) for name in LAYERS}
    cadres = solved["cadre"]
    conflicts, violations = _quota_report(problem, cadres, codes)
    conflicts = [found for name in LAYERS for found in solved[name].layer.conflicts] + conflicts
    violations = [found for name in LAYERS for found in solved[name].layer.violations] + \
        violations
    coverage = _coverage(problem, cadres.pairs)
    covered = {pair.beneficiary_id for pair in cadres.pairs}
    parts = {name: solved[name].objective for name in LAYERS}
    objective = sum(parts.values())
    return Result(
        status="INFEASIBLE" if violations or conflicts else "OPTIMAL",
        objective=objective, bound=objective,
        seconds=time.perf_counter() - start,
        pairs=tuple(sorted((pair for name in LAYERS for pair in solved[name].pairs),
                           key=lambda pair: pair.key)),
        coverage=MappingProxyType(coverage),
        volunteer_coverage=MappingProxyType(_coverage(problem, solved["volunteer"].pairs)),
        unmatched=tuple(diagnose.unmatched_reasons(problem, cadres.layer, covered)),
        conflicts=tuple(conflicts),
        quota_violations=tuple(sorted(set(violations))),
        parts=MappingProxyType(parts),
        notes=tuple(balance_notes(problem, coverage)),
    )
