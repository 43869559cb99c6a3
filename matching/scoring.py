"""The objective: weights, per-pair scores, street reward schedules and :func:`evaluate`.

Order of criteria (each unit of a higher one outweighs every lower one on the same pairing):
quota minimums > street balance (a concave reward per street) > priority > continuity >
proximity > skill fit. :func:`evaluate` scores any pair set the same way the flow does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from .model import Beneficiary, Pair, Problem

W_SKILL = 1  #: per need the helper has a matching skill for (0..6)
W_PROXIMITY = 7  #: same street 1, same community 2
W_CONTINUITY = 21  #: the existing helper is kept
W_PRIORITY = 42  #: per priority level (0..5)
STEP = 252  #: one step of the street reward; > any single pairing's priority+score
BALANCE_STEPS = 1000  #: street reward resolution: 0.1 percentage point

PRIORITY_LEVELS = (("tekun", 5), ("orphan", 5), ("disabled", 4), ("seriously_ill", 3),
                   ("elderly_alone", 2), ("student", 1))


def level(b: Beneficiary) -> int:
    """Priority level 0..5: tekun and orphans highest, then disabled, ill, 70+ alone, students."""
    return _level(b.category, b.flags)


@lru_cache(maxsize=1024)
def _level(category: str, flags: frozenset[str]) -> int:
    marks = flags | {category}
    return max((lv for name, lv in PRIORITY_LEVELS if name in marks), default=0)


def priority_reason(b: Beneficiary) -> str | None:
    """The highest priority mark of ``b`` as a reason string, or None."""
    marks = b.flags | {b.category}
    for name, _ in PRIORITY_LEVELS:
        if name in marks:
            return f"priority: {name}"
    return None


def helper_home(kind: str, helper) -> tuple[str | None, str | None]:
    """(home street, home community) used for proximity; sponsors have none."""
    if kind == "cadre":
        return helper.group_street, helper.home_community
    if kind == "sponsor":
        return None, None
    return helper.home_street, helper.home_community


def pair_terms(kind: str, helper, b: Beneficiary) -> tuple[int, int, int]:
    """(continuity 0/1, proximity 0..2, skill fit 0..6) of one pairing."""
    if kind == "sponsor":
        return 0, 0, 0
    current = b.current_cadre_id if kind == "cadre" else b.current_volunteer_id
    street, community = helper_home(kind, helper)
    proximity = (street == b.street) + (street == b.street and community == b.community)
    return int(current == helper.id), proximity, len(b.needs & helper.skills)


def arc_score(kind: str, helper, b: Beneficiary) -> int:
    """Continuity, proximity and skill fit of one pairing as one integer."""
    cont, prox, skill = pair_terms(kind, helper, b)
    return W_CONTINUITY * cont + W_PROXIMITY * prox + W_SKILL * skill


def unit_reward(k: int, top: int, num: int, den: int) -> int:
    """Reward of the k-th person (1-based) of a group: ``STEP * max(1, top - top*(k-1)*num//den)``.

    Decreasing in ``k``, so the total is concave and the worst-covered group is raised first.
    """
    return STEP * max(1, top - (top * (k - 1) * num) // den)


def schedules(problem: Problem, layer: str) -> dict[str, tuple[int, int, int]]:
    """Group -> (top, num, den) of :func:`unit_reward` for ``layer``.

    cadre: group = street, ratio = covered / people; volunteer: one flat group "*";
    sponsor: group = street, spread in proportion to weighted need.
    """
    streets = sorted({b.street for b in problem.beneficiaries})
    if layer == "cadre":
        size = Counter(b.street for b in problem.beneficiaries)
        return {s: (BALANCE_STEPS, 1, size[s]) for s in streets}
    if layer == "volunteer":
        return {"*": (1, 0, 1)}
    need = Counter()
    for b in problem.beneficiaries:
        need[b.street] += 1 + level(b)
    total_need = sum(need.values())
    money = max(1, sum(sp.budget_fen // sp.unit_fen for sp in problem.sponsors))
    return {s: (BALANCE_STEPS, total_need, need[s] * money) for s in streets}


def layer_of(kind: str) -> str:
    """Layer of a helper kind: organisations share the volunteer layer."""
    return "volunteer" if kind == "organisation" else kind


def group_of(layer: str, b: Beneficiary) -> str:
    """The reward group of ``b`` in ``layer``."""
    return "*" if layer == "volunteer" else b.street


def evaluate(problem: Problem, pairs: Iterable[Pair | tuple]) -> dict[str, int]:
    """Objective of a pair set, split into layers "cadre", "volunteer", "sponsor"."""
    people = {b.id: b for b in problem.beneficiaries}
    helpers = {"cadre": {c.id: c for c in problem.cadres},
               "volunteer": {v.id: v for v in problem.volunteers},
               "sponsor": {s.id: s for s in problem.sponsors}}
    parts = {"cadre": 0, "volunteer": 0, "sponsor": 0}
    counts = {layer: Counter() for layer in parts}
    for p in pairs:
        kind, hid, bid = p.key if isinstance(p, Pair) else p
        layer, b = layer_of(kind), people[bid]
        parts[layer] += W_PRIORITY * level(b) + arc_score(kind, helpers[layer][hid], b)
        counts[layer][group_of(layer, b)] += 1
    for layer, counter in counts.items():
        sched = schedules(problem, layer)
        for group, n in counter.items():
            parts[layer] += sum(unit_reward(k, *sched[group]) for k in range(1, n + 1))
    return parts
