"""``solve``: cadres, then volunteers and organisations, then sponsors (a priority order), each
an exact flow proven optimal over every eligible pair by pricing; in the cadre layer the
household rule follows the proven optimum (:mod:`matching.households`)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from . import diagnose
from .candidates import arcs
from .collector import collector_paused
from .flow import LayerFlow, solve_layer
from .households import keep_together
from .layers import Layer
from .messages import Message, message
from .model import Households, LayerProof, Pair, Problem, Result
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
    households: Households = Households()


def _households(problem: Problem, prepared, flow: LayerFlow, helpers, people):
    """The household rule on the cadre layer's optimum (:mod:`matching.households`)."""
    layer = prepared.layer
    covered = np.zeros(len(layer.people), dtype=bool)
    covered[people[len(layer.locked):]] = True
    mine = replace(layer, person_free=covered)

    def every_arc():
        found = arcs(mine, prepared.streets, problem.forbidden, None)
        return found.helper, found.person

    def tried():  # the flow's arcs, and each covered person's best (the cadres' first are few)
        near = arcs(mine, prepared.streets, problem.forbidden, problem.candidate_limit,
                    prune=False)
        return (np.concatenate((flow.last.helper, flow.helper, near.helper)),
                np.concatenate((flow.last.person, flow.person, near.person)))

    return keep_together(layer, problem.forbidden, helpers, people, len(layer.locked),
                         prepared.objective, tried, every_arc)


def _solve_layer(problem: Problem, name: str, codes, deadline: float) -> Solved:
    prepared = prepare_layer(problem, name, codes)
    layer = prepared.layer
    flow = solve_layer(prepared, problem.pricing_rounds, deadline)
    helpers = np.concatenate(([helper for helper, _ in layer.locked], flow.helper)).astype(np.int64)
    people = np.concatenate(([person for _, person in layer.locked], flow.person)).astype(np.int64)
    optimum = prepared.objective(helpers, people)
    households = Households()
    if name == "cadre":
        helpers, people, households = _households(problem, prepared, flow, helpers, people)
    reasons = pair_reasons(layer, helpers, people, locked=len(layer.locked))
    pairs = [Pair(layer.kinds[helper], layer.helpers[helper].id, int(layer.person_ids[person]),
                  why) for helper, person, why in
             zip(helpers.tolist(), people.tolist(), reasons, strict=True)]
    objective = optimum - households.cost["objective"]
    return Solved(layer, flow, pairs, objective, households)


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


def _proof(solved: Solved, infeasible: bool, unknown: bool) -> LayerProof:
    flow = solved.flow
    status = "INFEASIBLE" if infeasible else "UNKNOWN" if unknown else \
        "FEASIBLE" if flow.gap else "OPTIMAL"
    cost = solved.households.cost["objective"]
    return LayerProof(solved.layer.name, status, solved.objective,
                      solved.objective + cost + flow.gap, flow.rounds, len(flow.last.helper),
                      flow.checked, cost)


def _proven_conflicts(cadres: Solved, conflicts: list[Message]) -> list[Message]:
    """The quota conflicts that are proven: all of them when the cadre layer's flow is proven
    over every eligible pair; when it stopped early only the counts of eligible people (a
    pair not yet priced might still meet the minimum that "quota_taken" says cannot be met)."""
    if not cadres.flow.gap:
        return conflicts
    return [found for found in conflicts if found.code != "quota_taken"]


class CadreReports(NamedTuple):
    """What the cadre layer's solve tells beyond its pairs; all empty for a part that does
    not solve the cadre layer (another part's result brings them)."""

    conflicts: tuple = ()
    violations: tuple = ()
    coverage: Mapping = MappingProxyType({})
    unmatched: tuple = ()
    households: Households = Households()


def _cadre_reports(problem: Problem, cadres: Solved | None, codes) -> CadreReports:
    if cadres is None:
        return CadreReports()
    conflicts, violations = _quota_report(problem, cadres, codes)
    covered = {pair.beneficiary_id for pair in cadres.pairs}
    load = Counter(pair.helper_id for pair in cadres.pairs) if cadres.flow.gap else None
    return CadreReports(tuple(_proven_conflicts(cadres, conflicts)), tuple(violations),
                        _coverage(problem, cadres.pairs),
                        tuple(diagnose.unmatched_reasons(problem, cadres.layer, covered, load)),
                        cadres.households)


def solve(problem: Problem) -> Result:
    """Pair helpers with beneficiaries under the hard rules; see ``DESIGN.md`` "Matching".

    The layers (``problem.layers``: all of them unless a part holds one alone) are solved in
    priority order (:data:`~matching.layers.LAYERS`), each from the problem alone, as a
    min-cost flow proven optimal over every eligible pair by pricing: then the result is
    OPTIMAL and bound == objective. A run stopped by ``time_limit_s`` or ``pricing_rounds``
    before the proof is FEASIBLE, with a true bound above the objective. When quota minimums
    cannot all be met the result is INFEASIBLE, still holds the best assignment that keeps
    every maximum, and ``conflicts`` names the street and rank. A run stopped early whose
    assignment leaves a minimum unmet that is not shown impossible is UNKNOWN: neither a
    pairing under every hard rule nor a proof that none exists.

    In the cadre layer the household rule (:mod:`matching.households`) then reassigns cadres
    among the people the optimum covers, keeping households together where the quotas allow:
    ``households`` reports the split households left, a proven lower bound, why, and the
    rule's cost; the cadre :class:`LayerProof` keeps the bound of the optimum before the rule
    and carries that cost (``bound == objective + cost`` when proven).

    Python's cycle collector is paused while it runs
    (:func:`matching.collector.collector_paused`).
    """
    with collector_paused():
        return _solve(problem)


def _solve(problem: Problem) -> Result:
    start = time.perf_counter()
    deadline = start + problem.time_limit_s
    codes = vocabulary(problem)
    names = problem.layers
    solved = {name: _solve_layer(problem, name, codes, deadline) for name in names}
    cadres = _cadre_reports(problem, solved.get("cadre"), codes)
    proofs = tuple(_proof(solved[name], bool(solved[name].layer.conflicts or
                                              (name == "cadre" and cadres.conflicts)),
                          name == "cadre" and bool(cadres.violations))
                   for name in names)
    conflicts = [found for name in names for found in solved[name].layer.conflicts] + \
        list(cadres.conflicts)
    violations = [found for name in names for found in solved[name].layer.violations] + \
        list(cadres.violations)
    parts = {name: solved[name].objective for name in names}
    objective = sum(parts.values())
    proven = all(proof.bound == proof.objective + proof.cost for proof in proofs)
    return Result(
        status="INFEASIBLE" if conflicts else "UNKNOWN" if violations else
        "OPTIMAL" if proven else "FEASIBLE",
        objective=objective, bound=sum(proof.bound for proof in proofs),
        seconds=time.perf_counter() - start,
        pairs=tuple(sorted((pair for name in names for pair in solved[name].pairs),
                           key=lambda pair: pair.key)),
        coverage=MappingProxyType(cadres.coverage),
        volunteer_coverage=MappingProxyType(_coverage(problem, solved["volunteer"].pairs)
                                            if "volunteer" in solved else {}),
        unmatched=cadres.unmatched,
        conflicts=tuple(conflicts),
        quota_violations=tuple(sorted(set(violations))),
        parts=MappingProxyType(parts),
        notes=tuple(balance_notes(problem, dict(cadres.coverage))),
        layers=proofs,
        households=cadres.households,
    )
