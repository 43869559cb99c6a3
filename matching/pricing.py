"""Pricing: proof that a flow solved on candidate arcs is optimal over every eligible pair.

A min-cost flow is optimal exactly when node potentials ``d`` exist with a reduced cost
``cost + d[tail] - d[head] >= 0`` on every arc of its residual graph. :func:`potentials`
computes them (Bellman-Ford from a virtual root, compiled by numba), :func:`least_potentials`
the least non-negative ones, which the flow prices with; :func:`price` then checks
every eligible helper -> person pair that is not yet an arc. Pairs with a negative reduced cost
are the columns to add before solving again (column generation); when none is left, the flow
is optimal over the full arc set.

Before that, the gap is bounded: relax conservation at every node but the people's, with the
potentials as multipliers (a Lagrangian relaxation that keeps "at most one helper of a layer
per person"). Its value on the candidate arcs equals the flow's cost, and every eligible pair
can lower it by at most the most negative reduced cost of each person. So the flow's
objective plus that sum over people is a true upper bound of the full problem's optimum: the
bound reported when a run stops early.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from . import blocks, window
from .candidates import Arcs, banned_pairs, scored
from .layers import Layer
from .scoring import W_PROXIMITY, W_SKILL, popcount
from .window import class_of, negatives, people_of, weights_of

KEEP = 40  #: arcs added per person and per helper and round: the most negative


class NegativeCycle(RuntimeError):
    """The flow handed to :func:`potentials` was not optimal: its residual graph has a
    negative cycle."""


@njit(cache=True)
def _residual(n_nodes, tail, head, capacity, cost, flows):
    """The residual graph's arcs grouped by tail: where each tail's arcs start, their heads
    and their costs (an arc with room forward, the reverse of an arc with flow)."""
    start = np.zeros(n_nodes + 1, np.int64)
    for arc in range(len(tail)):
        start[tail[arc] + 1] += flows[arc] < capacity[arc]
        start[head[arc] + 1] += flows[arc] > 0
    for node in range(n_nodes):
        start[node + 1] += start[node]
    fill = start[:-1].copy()
    to, weight = np.empty(start[n_nodes], np.int64), np.empty(start[n_nodes], np.int64)
    for arc in range(len(tail)):
        if flows[arc] < capacity[arc]:
            at = fill[tail[arc]]
            to[at], weight[at] = head[arc], cost[arc]
            fill[tail[arc]] = at + 1
        if flows[arc] > 0:
            at = fill[head[arc]]
            to[at], weight[at] = tail[arc], -cost[arc]
            fill[head[arc]] = at + 1
    return start, to, weight


@njit(cache=True)
def _shortest(n_nodes, tail, head, capacity, cost, flows):
    """Shortest distances in the residual graph from a virtual root joined to every node at
    cost 0 (a FIFO label-correcting Bellman-Ford), and False if a path of ``n_nodes`` arcs
    improves a distance: a negative cycle."""
    start, to, weight = _residual(n_nodes, tail, head, capacity, cost, flows)
    distance = np.zeros(n_nodes, np.int64)
    length = np.zeros(n_nodes, np.int64)  # arcs on each node's path
    queue = np.arange(n_nodes)  # a ring: each node is in it at most once
    queued = np.ones(n_nodes, np.bool_)
    first, count = 0, n_nodes
    while count:
        node = queue[first]
        first = first + 1 if first + 1 < n_nodes else 0
        count -= 1
        queued[node] = False
        for at in range(start[node], start[node + 1]):
            reached, offer = to[at], distance[node] + weight[at]
            if offer < distance[reached]:
                distance[reached] = offer
                length[reached] = length[node] + 1
                if length[reached] >= n_nodes:
                    return distance, False
                if not queued[reached]:
                    queued[reached] = True
                    queue[(first + count) % n_nodes] = reached
                    count += 1
    return distance, True


def _check_nodes(n_nodes: int, arrays: list[np.ndarray]) -> None:
    """Raises ValueError unless the arc arrays are one-dimensional, of one length, and each
    end is a node (the compiled loops do not check an index: one beyond the last node would
    be written out of bounds)."""
    tail, head = arrays[:2]
    if any(array.shape != tail.shape for array in arrays) or tail.ndim != 1 or \
            (len(tail) and min(tail.min(), head.min()) < 0) or \
            (len(tail) and max(tail.max(), head.max()) >= n_nodes):
        raise ValueError("arc arrays of one length whose ends are nodes 0 .. n_nodes - 1")


def potentials(n_nodes: int, tail, head, capacity, cost, flows) -> np.ndarray:
    """Node potentials of an optimal flow: shortest distances in its residual graph from a
    virtual root joined to every node at cost 0, so every residual arc has a non-negative
    reduced cost. Raises :class:`NegativeCycle` if the flow is not optimal."""
    arrays = [np.asarray(x, dtype=np.int64) for x in (tail, head, capacity, cost, flows)]
    _check_nodes(n_nodes, arrays)
    distance, done = _shortest(n_nodes, *arrays)
    if not done:
        raise NegativeCycle("the flow is not optimal: its residual graph has a negative cycle")
    return distance


def least_potentials(n_nodes: int, tail, head, capacity, cost, flows) -> np.ndarray:
    """The least non-negative node potentials of an optimal flow: minus each node's shortest
    distance to a virtual root joined from every node at cost 0 (:func:`potentials` on the
    reversed residual graph). Any valid potentials prove the same; these give each person the
    lowest potential the flow allows, so fewer pairs left out look negative: fewer pairs are
    scored, fewer added, and fewer re-solves follow (1x district: 9 solves, not 11)."""
    return -potentials(n_nodes, head, tail, capacity, cost, flows)


def _need_score(layer: Layer, people: np.ndarray) -> np.ndarray:
    """An upper bound of the skill fit any helper of ``layer`` has with each person."""
    if layer.name == "sponsor":
        return np.zeros(len(people), dtype=np.int64)
    return W_SKILL * popcount(layer.person_needs[people])


def _windows(layer: Layer, code: int, helpers: np.ndarray, people: np.ndarray,
             helper_potential: np.ndarray, person_potential: np.ndarray):
    """Every pair of one street that can have a negative reduced cost, class by class: the
    class's helpers (``members``) and how many of them are in each person's window. Helpers
    are taken class by class (home street this one or not, home community), each class in
    potential order: a person's window in a class ends at their potential plus the best score
    a helper of that class can have with them but for continuity (proximity as the class's,
    the person's every need met)."""
    base = person_potential[people] + _need_score(layer, people)
    if layer.name == "sponsor":  # a sponsor has no proximity
        home = community = np.zeros(len(helpers), dtype=np.int64)
    else:
        home = (layer.helper_street[helpers] == code).astype(np.int64)
        community = layer.helper_community[helpers]  # one class for those of no one's here
        community = np.where(np.isin(community, layer.person_community[people]), community, -3)
    order = np.lexsort((helper_potential[helpers], community, home))
    helpers, home, community = helpers[order], home[order], community[order]
    cut = np.flatnonzero((np.diff(home) != 0) | (np.diff(community) != 0)) + 1
    for first, end in zip(np.concatenate(([0], cut)).tolist(),
                          np.concatenate((cut, [len(helpers)])).tolist(), strict=True):
        members = helpers[first:end]
        ranked = helper_potential[members]
        limits = base
        if layer.name != "sponsor":
            limits = base + W_PROXIMITY * (int(home[first]) + (
                layer.person_community[people] == community[first]))
        yield members, np.searchsorted(ranked, limits, side="left")


class Priced(NamedTuple):
    """What pricing found: the arcs to add (the most negative pairs of each person and of each
    helper), the sum over people of each one's most negative reduced cost (0 when the flow is
    optimal over all pairs: then no pair improves it), and how many eligible pairs had their
    reduced cost computed."""

    arcs: Arcs
    shortfall: int
    checked: int


def price(layer: Layer, streets: dict[str, int], forbidden, present: Arcs,
          helper_potential: np.ndarray, person_potential: np.ndarray, keep: int = KEEP) -> Priced:
    """Every eligible pair left out of the flow's arcs whose reduced cost ``-score + d[helper]
    - d[person]`` is negative: the ``keep`` most negative of each person and of each helper,
    and the sum over people of each one's most negative.

    ``present`` are the flow's arcs. Only pairs that can be negative are scored: in each class
    of the street's helpers (:func:`_windows`), a person's helpers in potential order up to the
    person's potential plus the best score a helper of that class who is not their current one
    could have with them (pairs with the current helper are priced apart).
    """
    n_people, width = len(layer.person_street) + 1, len(layer.helper_ids) + 1
    skip = _skipped(layer, forbidden, present, width)
    starts = np.searchsorted(skip, np.arange(n_people + 1, dtype=np.int64) * width)
    free = np.flatnonzero(layer.person_free)
    found, checked = [], 0
    helper_potential = np.asarray(helper_potential, dtype=np.int64)
    person_potential = np.asarray(person_potential, dtype=np.int64)
    persons = people_of(layer, person_potential)
    worst = np.zeros(n_people, dtype=np.int64)  # each person's most negative reduced cost
    for code in streets.values():
        helpers = np.flatnonzero(layer.helper_streets[code] & (layer.upper > 0))
        people = free[layer.person_street[free] == code]
        if len(helpers) == 0 or len(people) == 0:
            continue
        for members, counts in _windows(layer, code, helpers, people, helper_potential,
                                        person_potential):
            checked += int(counts.sum())
            found.append(negatives(members, people, counts,
                                   class_of(layer, members, helper_potential), persons,
                                   (skip, starts, width, worst), weights_of(layer)))
    pair_helpers, pair_people = _current_pairs(layer, free)  # priced apart: the window is
    score = scored(layer, pair_helpers, pair_people)  # too narrow for their continuity
    reduced = helper_potential[pair_helpers] - person_potential[pair_people] - score
    bad = np.flatnonzero((score >= 0) & (reduced < 0))
    bad = bad[~_member(pair_people[bad] * width + pair_helpers[bad], skip)]
    found.append(np.stack((pair_helpers[bad], pair_people[bad], score[bad], reduced[bad])))
    np.minimum.at(worst, pair_people[bad], reduced[bad])
    return Priced(_most_negative(found, keep), -int(worst.sum()), checked)


def _skipped(layer: Layer, forbidden, present: Arcs, width: int) -> np.ndarray:
    """The pairs pricing skips, arcs already and forbidden pairs, as sorted keys
    ``person * width + helper``."""
    banned = [(helper, person) for pairs in banned_pairs(layer, forbidden).values()
              for helper, person in pairs]
    helpers, people = (np.array(x, dtype=np.int64).reshape(-1) for x in (
        [helper for helper, _ in banned], [person for _, person in banned]))
    return np.sort(np.concatenate((present.person * width + present.helper,
                                   people * width + helpers)))


def _current_pairs(layer: Layer, free: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(helper, person) of each free person and their current helper of ``layer``, where that
    helper has room and serves the person's street."""
    current = layer.person_current[free]
    at = np.minimum(np.searchsorted(layer.helper_ids, current), max(len(layer.helper_ids) - 1, 0))
    if len(layer.helper_ids) == 0:
        return at[:0], free[:0]
    ok = (layer.helper_ids[at] == current) & (layer.upper[at] > 0)
    ok &= layer.helper_streets[layer.person_street[free], at]
    return at[ok], free[ok]


def _member(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Whether each key is in ``sorted_keys``."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


@njit(cache=True)
def _first_in_groups(group, reduced, tie, n_groups, keep):
    """Whether each pair is among the ``keep`` first of its ``group``, most negative reduced
    cost first, then by ``tie`` ((group, tie) is unique). The heap holds at most the pairs:
    none for ``keep <= 0`` (whose ``heap[0]`` would lie out of bounds), not ``keep`` slots for
    a ``keep`` far above them."""
    chosen = np.zeros(len(group), np.bool_)
    keep = min(keep, len(group))
    if keep <= 0:
        return chosen
    start = np.zeros(n_groups + 1, np.int64)
    for g in group:
        start[g + 1] += 1
    for g in range(n_groups):
        start[g + 1] += start[g]
    fill = start[:-1].copy()
    members = np.empty(len(group), np.int64)
    for at in range(len(group)):
        members[fill[group[at]]] = at
        fill[group[at]] += 1
    heap = np.empty(keep, np.int64)  # the group's first so far, the last of them on top
    for g in range(n_groups):
        if start[g + 1] - start[g] <= keep:
            chosen[members[start[g]:start[g + 1]]] = True
            continue
        size = 0
        for at in members[start[g]:start[g + 1]]:
            if size < keep:
                heap[size] = at
                _rise(heap, size, reduced, tie)
                size += 1
            elif _before(at, heap[0], reduced, tie):
                heap[0] = at
                _sink(heap, keep, reduced, tie)
        chosen[heap] = True
    return chosen


@njit(cache=True)
def _before(a, b, reduced, tie):
    return reduced[a] < reduced[b] or (reduced[a] == reduced[b] and tie[a] < tie[b])


@njit(cache=True)
def _rise(heap, at, reduced, tie):
    """Moves ``heap[at]`` up while it comes after its parent (the last on top)."""
    while at > 0:
        parent = (at - 1) // 2
        if not _before(heap[parent], heap[at], reduced, tie):
            return
        heap[parent], heap[at] = heap[at], heap[parent]
        at = parent


@njit(cache=True)
def _sink(heap, size, reduced, tie):
    """Moves the top down while a child comes after it."""
    at = 0
    while True:
        last, left = at, 2 * at + 1
        for child in (left, left + 1):
            if child < size and _before(heap[last], heap[child], reduced, tie):
                last = child
        if last == at:
            return
        heap[last], heap[at] = heap[at], heap[last]
        at = last


def first_of_groups(group: np.ndarray, reduced: np.ndarray, tie: np.ndarray,
                    keep: int) -> np.ndarray:
    """Whether each pair is among the ``keep`` first of its ``group`` (groups numbered from
    0), most negative ``reduced`` first, then by ``tie``: :func:`_first_in_groups`."""
    group, reduced, tie = (np.asarray(x, dtype=np.int64) for x in (group, reduced, tie))
    if group.ndim != 1 or reduced.shape != group.shape or tie.shape != group.shape or \
            (len(group) and group.min() < 0):
        raise ValueError("arrays of one length, groups numbered from 0")
    if len(group) == 0:
        return np.zeros(0, dtype=bool)
    return _first_in_groups(group, reduced, tie, int(group.max()) + 1, keep)


def _most_negative(found: list, keep: int) -> Arcs:
    """The ``keep`` most negative pairs of each person and of each helper, of ``found``:
    arrays of rows (helper, person, score, reduced cost)."""
    helper, person, score, reduced = np.concatenate(found, axis=1)
    chosen = first_of_groups(person, reduced, helper, keep) | \
        first_of_groups(helper, reduced, person, keep)
    return Arcs(helper[chosen], person[chosen], score[chosen])


def warm_up() -> None:
    """Loads pricing's compiled loops, this module's and :mod:`matching.window`'s, and the
    first arcs' (:mod:`matching.blocks`; :func:`matching.simplex.warm_up`)."""
    network = [np.array(values, dtype=np.int64) for values in ([0], [1], [1], [1])]
    least_potentials(2, *network, np.array([1]))
    first_of_groups(np.array([0]), np.array([-1]), np.array([0]), 1)
    window.warm_up()
    blocks.warm_up()
