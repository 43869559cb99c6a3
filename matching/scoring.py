"""The objective: weights, priority levels, pair scores, street rewards and a layer's value.

Order of criteria (each unit of a higher one outweighs every lower one on the same pairing):
quota minimums > street balance (a concave reward per street) > priority > continuity >
proximity > skill fit. Pairs are scored on a layer's arrays (see :mod:`matching.layers`),
elementwise, so the flow, re-matching, the baselines and :func:`matching.evaluate` score a
pair the same way.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .model import Beneficiary, Problem

if TYPE_CHECKING:
    from .layers import Layer
    from .vocabulary import Vocabulary

W_SKILL = 1  #: per need the helper has a matching skill for (0..6)
W_PROXIMITY = 7  #: same street 1, same community 2
W_CONTINUITY = 21  #: the existing helper is kept
W_PRIORITY = 42  #: per priority level (0..5)
STEP = 252  #: one step of the street reward; > any single pairing's priority+score
BALANCE_STEPS = 1000  #: street reward resolution: 0.1 percentage point

PRIORITY_LEVELS = (("tekun", 5), ("orphan", 5), ("disabled", 4), ("seriously_ill", 3),
                   ("elderly_alone", 2), ("student", 1))


def level(person: Beneficiary) -> int:
    """Priority level 0..5: tekun and orphans highest, then disabled, ill, 70+ alone, students."""
    return _level(person.category, person.flags)


@lru_cache(maxsize=1024)
def _level(category: str, flags: frozenset[str]) -> int:
    marks = flags | {category}
    return max((rank for name, rank in PRIORITY_LEVELS if name in marks), default=0)


def priority_mark(person: Beneficiary) -> str | None:
    """The highest priority mark of ``person`` ("tekun", "orphan", ...), or None."""
    return _mark(person.category, person.flags)


@lru_cache(maxsize=1024)
def _mark(category: str, flags: frozenset[str]) -> str | None:
    marks = flags | {category}
    return next((name for name, _ in PRIORITY_LEVELS if name in marks), None)


def helper_home(kind: str, helper) -> tuple[str | None, str | None]:
    """(home street, home community) used for proximity; sponsors have none."""
    if kind == "cadre":
        return helper.group_street, helper.home_community
    if kind == "sponsor":
        return None, None
    return helper.home_street, helper.home_community


def popcount(masks: np.ndarray) -> np.ndarray:
    """Set bits of each mask (its 64-bit words on the last axis)."""
    return np.bitwise_count(masks).sum(axis=-1, dtype=np.int64)


def pair_terms(layer: Layer, helpers: np.ndarray, people: np.ndarray):
    """(continuity 0/1, proximity 0..2, skill-fit mask) of pairs, elementwise (``helpers``
    broadcast against ``people``, both indices into ``layer``); a sponsor has none of them."""
    continuity = layer.helper_ids[helpers] == layer.person_current[people]
    same_street = layer.helper_street[helpers] == layer.person_street[people]
    proximity = same_street.astype(np.int64) + (
        layer.helper_community[helpers] == layer.person_community[people])
    fit = layer.helper_skills[helpers] & layer.person_needs[people]
    if layer.name == "sponsor":
        return np.zeros_like(continuity), np.zeros_like(proximity), np.zeros_like(fit)
    return continuity, proximity, fit


def pair_scores(layer: Layer, helpers: np.ndarray, people: np.ndarray) -> np.ndarray:
    """Continuity, proximity and skill fit of pairs as one integer each, elementwise."""
    continuity, proximity, fit = pair_terms(layer, helpers, people)
    return W_CONTINUITY * continuity + W_PROXIMITY * proximity + W_SKILL * popcount(fit)


def unit_rewards(first: int, last: int, top: int, num: int, den: int) -> np.ndarray:
    """Rewards of the ``first``..``last`` person (1-based) of a group, each
    ``STEP * max(1, top - top*(k-1)*num//den)``: decreasing in k, so the total is concave and
    the worst-covered group is raised first."""
    k = np.arange(first, last + 1, dtype=np.int64)
    return STEP * np.maximum(1, top - (top * (k - 1) * num) // den)


def schedules(problem: Problem, layer: str) -> dict[str, tuple[int, int, int]]:
    """Group -> (top, num, den) of :func:`unit_rewards` for ``layer``.

    cadre: group = street, ratio = covered / people; volunteer: one flat group "*";
    sponsor: group = street, spread in proportion to weighted need.
    """
    streets = sorted({person.street for person in problem.beneficiaries})
    if layer == "cadre":
        size = Counter(person.street for person in problem.beneficiaries)
        return {street: (BALANCE_STEPS, 1, size[street]) for street in streets}
    if layer == "volunteer":
        return {"*": (1, 0, 1)}
    need = Counter()
    for person in problem.beneficiaries:
        need[person.street] += 1 + level(person)
    total_need, money = sponsor_spread(problem)
    return {street: (BALANCE_STEPS, total_need, need[street] * money) for street in streets}


def sponsor_spread(problem: Problem) -> tuple[int, int]:
    """(weighted need of all people, units of money of all sponsors, at least 1): the scale
    that spreads sponsors' money over streets; a component keeps its district's
    (``Problem.sponsor_spread``), so it is scored as within the whole."""
    if problem.sponsor_spread is not None:
        return problem.sponsor_spread
    need = sum(1 + level(person) for person in problem.beneficiaries)
    money = max(1, sum(sponsor.budget_fen // sponsor.unit_fen for sponsor in problem.sponsors))
    return need, money


def reward_groups(problem: Problem, layer: str, vocabulary: Vocabulary):
    """(reward group of each person, (top, num, den) of each group) in ``layer``: the streets,
    or one flat group for volunteers."""
    by_name = schedules(problem, layer)
    if layer == "volunteer":
        return np.zeros(len(vocabulary.person_ids), dtype=np.int64), [by_name["*"]]
    return vocabulary.person_street, [by_name[street] for street in vocabulary.streets]


def layer_objective(layer: Layer, groups: np.ndarray, schedule: list, helpers, people) -> int:
    """Objective of one layer's pairs, given as helper and person indices (locked included)."""
    helpers = np.asarray(helpers, dtype=np.int64)
    people = np.asarray(people, dtype=np.int64)
    value = int(layer.person_priority[people].sum() + pair_scores(layer, helpers, people).sum())
    counts = np.bincount(groups[people], minlength=len(schedule))
    for group in np.flatnonzero(counts).tolist():
        value += int(unit_rewards(1, int(counts[group]), *schedule[group]).sum())
    return value


def layer_of(kind: str) -> str:
    """Layer of a helper kind: organisations share the volunteer layer."""
    return "volunteer" if kind == "organisation" else kind
