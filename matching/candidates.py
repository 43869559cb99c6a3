"""Candidate arcs helper -> person, built street by street: each block of pairs scored and
its best kept by compiled loops (:mod:`matching.blocks`).

The pair rules live here, each once: :func:`eligible` (street, required skills, a sponsor's
designated need) and :func:`banned_pairs` (forbidden pairs). An arc exists only when both
allow the pair. Pricing's compiled loop (:mod:`matching.window`) scores a pair by the same
rules; a test holds the two together. Without a limit every eligible pair is an arc. With a
``candidate_limit`` arcs are drawn within each community: its resident helpers plus an even
share of the street's other helpers; there each person keeps the best ``limit`` helpers and
each helper its best ``upper + 2`` people (by score, then a deterministic rotation that
spreads helpers of equal score). Continuity arcs are always kept, and a person who needs a
skill is offered every skilled helper of the street.

A person the helpers are unlikely to reach gets only their :data:`FEW` best helpers of the
community (:func:`likely`): priority outweighs every pair score, so a priority level is
unlikely when the people of higher levels alone fill the helpers' capacity (the layer's for
volunteers, whose reward is flat; the street's share for cadres and sponsors, rewarded per
street). At 1x a district two in three people are such, and none of them is paired by the
volunteer optimum. It is a guess that only saves time: pricing still checks every eligible
pair of everyone and adds what the optimum needs.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .blocks import best_in_columns, best_in_rows, block_scores
from .layers import Layer
from .scoring import layer_of, pair_scores

CELLS = 4_000_000  #: largest helper x person block scored at once
FEW = 2  #: helpers per person of the community for a person :func:`likely` leaves out
#: The most first arcs per person a layer's flow starts from, below the problem's
#: ``candidate_limit``: the cadres' 4. Their re-solves always pivot from the last flow
#: (:data:`matching.flow.PIVOTS`), and pivots take the arcs pricing adds at a fraction of what
#: the solve from nothing spends on more first arcs: at 1x a district the cadre layer took
#: 0.51 s from 4 against 1.03 s from 12 (63,156 first arcs, not 135,547, and 47,097 added by
#: pricing, not 10,706), the same optimum; at 10x 24.0 s against 24.8 s.
FIRST = {"cadre": 4}


class Arcs(NamedTuple):
    """Candidate arcs as parallel arrays: helper index, person index, score."""

    helper: np.ndarray
    person: np.ndarray
    score: np.ndarray


def eligible(layer: Layer, helpers: np.ndarray, people: np.ndarray) -> np.ndarray:
    """Whether each helper may serve each person, elementwise (broadcast): the helper serves
    the person's street, has every skill the person requires, and a sponsor designated to a
    need only serves people with that need."""
    ok = layer.helper_streets[layer.person_street[people], helpers]
    ok &= ~np.any(layer.person_required[people] & ~layer.helper_skills[helpers], axis=-1)
    ok &= ~np.any(layer.helper_needs[helpers] & ~layer.person_needs[people], axis=-1)
    return ok


def scored(layer: Layer, helpers: np.ndarray, people: np.ndarray) -> np.ndarray:
    """Score of each pair, elementwise; -1 where :func:`eligible` forbids it."""
    return np.where(eligible(layer, helpers, people), pair_scores(layer, helpers, people), -1)


def banned_pairs(layer: Layer, forbidden) -> dict[int, set[tuple[int, int]]]:
    """Person index -> (helper index, person index) of the forbidden pairs of ``layer``."""
    mine = [(helper_id, person_id) for kind, helper_id, person_id in forbidden
            if layer_of(kind) == layer.name]
    if not mine:
        return {}
    helper_at = dict(zip(layer.helper_ids.tolist(), range(len(layer.helper_ids)), strict=True))
    person_at = dict(zip(layer.person_ids.tolist(), range(len(layer.person_ids)), strict=True))
    banned: dict[int, set] = {}
    for helper_id, person_id in mine:
        if helper_id in helper_at and person_id in person_at:
            person = person_at[person_id]
            banned.setdefault(person, set()).add((helper_at[helper_id], person))
    return banned


def forbid(score: np.ndarray, helpers, people, banned: set[tuple[int, int]]) -> None:
    """Mark the ``banned`` pairs of a block of scores (rows ``helpers``, columns ``people``)
    with -1: forbidden pairs are never produced."""
    if not banned:
        return
    rows = {helper: i for i, helper in enumerate(helpers)}
    columns = {person: j for j, person in enumerate(people)}
    for helper, person in banned:
        if helper in rows and person in columns:
            score[rows[helper], columns[person]] = -1


def _block(layer, helpers, people, banned):
    """Scores of every helper x person of a block; -1 where the pair is not allowed."""
    score = block_scores(layer, helpers, people)
    forbid(score, helpers, people, banned)
    return score


def _street_arcs(layer, helpers, people, banned, limit, per_helper=True) -> list[Arcs]:
    """Arcs between ``helpers`` and ``people``, in blocks of at most ``CELLS`` pairs."""
    out = []
    n_helpers, n_people = len(helpers), len(people)
    step = max(1, CELLS // max(n_helpers, 1))
    for start in range(0, n_people, step):  # per person: best `limit` helpers
        block = people[start:start + step]
        score = _block(layer, helpers, block, banned)
        keep = score >= 0 if limit is None else best_in_columns(score, limit, start)
        rows, columns = np.nonzero(keep)
        out.append(Arcs(helpers[rows], block[columns], score[rows, columns]))
    if limit is None or not per_helper:
        return out
    stride = max(1, n_people // max(n_helpers, 1))
    step = max(1, CELLS // max(n_people, 1))
    for start in range(0, n_helpers, step):  # per helper: best upper + 2 people
        block = helpers[start:start + step]
        score = _block(layer, block, people, banned)
        want = int(layer.upper[block].max(initial=0)) + 2
        keep = best_in_rows(score, want, start, stride)
        rows, columns = np.nonzero(keep)
        out.append(Arcs(block[rows], people[columns], score[rows, columns]))
    return out


def _continuity_arcs(layer, helpers, people, banned) -> list[Arcs]:
    """The arcs of each person to their current helper, where that pair is allowed."""
    at = {int(layer.helper_ids[i]): i for i in helpers.tolist()}
    current = [(at[helper_id], person) for helper_id, person in
               zip(layer.person_current[people].tolist(), people.tolist(), strict=True)
               if helper_id in at and (at[helper_id], person) not in banned]
    if not current:
        return []
    pair_helpers, pair_people = (np.array(x, dtype=np.int64) for x in zip(*current, strict=True))
    score = scored(layer, pair_helpers, pair_people)
    keep = score >= 0
    return [Arcs(pair_helpers[keep], pair_people[keep], score[keep])]


def _priority_arcs(layer, helpers, people, banned, width) -> list[Arcs]:
    """Across the street: each helper to ``width`` people in turn of the street's most
    urgent (by priority, then id), twice as many as the helpers can take."""
    urgent = people[np.argsort(-layer.person_priority[people], kind="stable")]
    urgent = urgent[:max(1, 2 * int(layer.upper[helpers].sum()))]
    stride = max(1, len(urgent) // max(len(helpers), 1))
    columns = (np.arange(len(helpers))[:, None] * stride + np.arange(width)) % len(urgent)
    pair_helpers = np.repeat(helpers, width)
    pair_people = urgent[columns.ravel()]
    score = scored(layer, pair_helpers, pair_people)
    if banned:
        score[[(h, p) in banned for h, p in
               zip(pair_helpers.tolist(), pair_people.tolist(), strict=True)]] = -1
    keep = score >= 0
    return [Arcs(pair_helpers[keep], pair_people[keep], score[keep])]


def _communities(layer, helpers, people):
    """(community, each helper's community, its people) of each community of ``people``: a
    helper's home community, or one of them in turn for a helper living elsewhere."""
    communities = np.unique(layer.person_community[people])
    home = layer.helper_community[helpers].copy()
    floating = ~np.isin(home, communities)
    home[floating] = communities[np.arange(int(floating.sum())) % len(communities)]
    for community in communities.tolist():
        yield community, home, people[layer.person_community[people] == community]


def _neighbourhood_arcs(layer, helpers, people, banned, limit) -> list[Arcs]:
    """Arcs within each community: its resident helpers plus an even share of the others;
    across the street, each helper to some of its most urgent people; continuity arcs; and,
    for people who need a skill, every helper of the street."""
    out = []
    for community, home, residents in _communities(layer, helpers, people):
        out += _street_arcs(layer, helpers[home == community], residents, banned, limit)
    out += _priority_arcs(layer, helpers, people, banned, limit)
    out += _continuity_arcs(layer, helpers, people, banned)
    skilled = people[np.any(layer.person_required[people] != 0, axis=-1)]
    if len(skilled):
        out += _street_arcs(layer, helpers, skilled, banned, limit, per_helper=False)
    return out


def likely(priority: np.ndarray, capacity: float) -> np.ndarray:
    """Whether each person, of ``priority``, may be paired by helpers of ``capacity`` people:
    not when the people of a higher priority alone are at least ``capacity``."""
    levels, counts = np.unique(priority, return_counts=True)
    above = np.cumsum(counts[::-1])[::-1] - counts  # people of a higher priority
    return ~np.isin(priority, levels[above >= capacity])


def street_capacity(layer: Layer, helpers: np.ndarray) -> float:
    """The people ``helpers`` of a street may take there: each helper's maximum shared
    evenly among the streets it may serve."""
    shares = layer.helper_streets[:, helpers].sum(axis=0)
    return float((layer.upper[helpers] / np.maximum(shares, 1)).sum())


def _few_arcs(layer, helpers, people, banned) -> list[Arcs]:
    """Each person's :data:`FEW` best helpers of their community (as
    :func:`_neighbourhood_arcs` deals them), and continuity arcs."""
    out = []
    for community, home, residents in _communities(layer, helpers, people):
        out += _street_arcs(layer, helpers[home == community], residents, banned, FEW,
                            per_helper=False)
    return out + _continuity_arcs(layer, helpers, people, banned)


def arcs(layer: Layer, streets: dict[str, int], forbidden, limit: int | None,
         prune: bool = True) -> Arcs:
    """Every candidate arc of ``layer``, sorted by helper then person; with ``prune=False``
    every person gets the ``limit`` best, :func:`likely` or not, else at most the layer's
    :data:`FIRST`."""
    if prune and limit is not None:
        limit = min(limit, FIRST.get(layer.name, limit))
    banned = banned_pairs(layer, forbidden)
    free = np.nonzero(layer.person_free)[0]
    flat = layer.name == "volunteer"  # one reward for every person paired (scoring.schedules)
    everywhere = likely(layer.person_priority[free], float(layer.upper.sum())) if flat else None
    parts = []
    for code in streets.values():
        helpers = np.flatnonzero(layer.helper_streets[code] & (layer.upper > 0))
        people = free[layer.person_street[free] == code]
        if len(helpers) == 0 or len(people) == 0:
            continue
        here = {pair for person in people.tolist() for pair in banned.get(person, ())}
        if limit is None:
            parts += _street_arcs(layer, helpers, people, here, None)
            continue
        reached = np.ones(len(people), dtype=bool) if not prune else \
            everywhere[layer.person_street[free] == code] if flat else \
            likely(layer.person_priority[people], street_capacity(layer, helpers))
        if reached.any():
            parts += _neighbourhood_arcs(layer, helpers, people[reached], here, limit)
        if not reached.all():
            parts += _few_arcs(layer, helpers, people[~reached], here)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Arcs(empty, empty, empty)
    helper, person, score = (np.concatenate(x) for x in zip(*parts, strict=True))
    key = helper * (len(layer.person_street) + 1) + person
    _, first = np.unique(key, return_index=True)
    return Arcs(helper[first], person[first], score[first])
