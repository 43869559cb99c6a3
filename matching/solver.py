"""``solve``: cadres, then volunteers and organisations, then sponsors, each an exact flow."""

from __future__ import annotations

import time
from collections import Counter
from types import MappingProxyType

import numpy as np

from . import candidates, diagnose
from .flow import solve_layer
from .layers import Layer, build_layer, vocabulary
from .model import Pair, Problem, Result
from .scoring import evaluate, pair_terms, priority_reason, schedules

LAYERS = ("cadre", "volunteer", "sponsor")


def reasons(kind: str, helper, b, locked: bool = False) -> tuple[str, ...]:
    """Human-readable reasons for pairing ``helper`` with ``b``."""
    out = ["locked"] if locked else []
    prio = priority_reason(b)
    if prio:
        out.append(prio)
    cont, prox, _ = pair_terms(kind, helper, b)
    if cont:
        out.append("continuity")
    if kind == "sponsor":
        out.append(f"designation: {helper.designation or 'where most needed'}")
    else:
        out.append(("cross street", "same street", "same community")[prox])
        out += [f"skill: {s}" for s in sorted(b.needs & helper.skills)]
    return tuple(out)


def _run_layer(problem: Problem, name: str, codes: dict):
    lay = build_layer(problem, name, codes)
    arcs = candidates.arcs(lay, codes["street"], problem.forbidden, problem.candidate_limit)
    sched_map = schedules(problem, name)
    if name == "volunteer":
        b_group, sched = np.zeros(len(lay.b_ids), dtype=np.int64), [sched_map["*"]]
    else:
        b_group, sched = lay.b_street, [sched_map[s] for s in codes["street"]]
    return lay, solve_layer(lay, arcs, b_group, sched)


def _pairs(problem: Problem, lay: Layer, flow) -> list[Pair]:
    people = sorted(problem.beneficiaries, key=lambda b: b.id)
    out = []
    for (h, b), locked in [(x, True) for x in lay.locked] + [
            (x, False) for x in zip(flow.h.tolist(), flow.b.tolist(), strict=True)]:
        helper, kind = lay.helpers[h], lay.kinds[h]
        out.append(Pair(kind, helper.id, people[b].id, reasons(kind, helper, people[b], locked)))
    return out


def _coverage(problem: Problem, pairs: list[Pair]) -> dict[str, tuple[int, int]]:
    ids = {p.beneficiary_id for p in pairs}
    total = Counter(b.street for b in problem.beneficiaries)
    done = Counter(b.street for b in problem.beneficiaries if b.id in ids)
    return {s: (done[s], total[s]) for s in sorted(total)}


def balance_notes(problem: Problem, coverage: dict[str, tuple[int, int]]) -> list[str]:
    """Streets whose cadre coverage stays below district coverage minus the tolerance."""
    total = sum(n for _, n in coverage.values())
    district = sum(c for c, _ in coverage.values()) / max(total, 1)
    tol = problem.balance_tolerance
    return [f"{s}: 覆盖率 {c / n:.1%}，低于全区 {district:.1%} 减 {tol} 个百分点；"
            "可服务该街道的干部已满额" for s, (c, n) in coverage.items()
            if c / n < district - tol / 100]


def solve(problem: Problem) -> Result:
    """Pair helpers with beneficiaries under the hard rules; see ``DESIGN.md`` "Matching".

    Each layer is an exact min-cost flow, so a feasible result is OPTIMAL with bound ==
    objective. When quota minimums cannot all be met the result is INFEASIBLE, still holds the
    best assignment that keeps every maximum, and ``conflicts`` names the street and rank.
    """
    start = time.perf_counter()
    codes = vocabulary(problem)
    by_layer, conflicts, violations = {}, [], []
    for name in LAYERS:
        lay, flow = _run_layer(problem, name, codes)
        by_layer[name] = _pairs(problem, lay, flow)
        conflicts += lay.conflicts
        violations += lay.violations
        if name == "cadre":
            cadre_lay, unmet = lay, flow.unmet
    pairs = [p for name in LAYERS for p in by_layer[name]]
    if (unmet > 0).any():  # quota minimums cannot all be met: name street and rank
        conflicts += diagnose.quota_conflicts(problem, cadre_lay, unmet, codes)
        assigned = Counter(p.helper_id for p in by_layer["cadre"])
        violations += diagnose.violations(problem, cadre_lay, unmet, assigned)
    covered = {p.beneficiary_id for p in by_layer["cadre"]}
    coverage = _coverage(problem, by_layer["cadre"])
    parts = evaluate(problem, pairs)
    objective = sum(parts.values())
    infeasible = bool(violations) or bool(conflicts)
    return Result(
        status="INFEASIBLE" if infeasible else "OPTIMAL",
        objective=objective, bound=objective,
        seconds=time.perf_counter() - start,
        pairs=tuple(sorted(pairs, key=lambda p: p.key)),
        coverage=MappingProxyType(coverage),
        volunteer_coverage=MappingProxyType(_coverage(problem, by_layer["volunteer"])),
        unmatched=tuple(diagnose.unmatched_reasons(problem, cadre_lay, covered, codes)),
        conflicts=tuple(conflicts),
        quota_violations=tuple(sorted(set(violations))),
        parts=MappingProxyType(parts),
        notes=tuple(balance_notes(problem, coverage)),
    )
