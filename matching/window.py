"""Pricing's inner loop, compiled: each pair of one class of helpers in a person's window
(:func:`matching.pricing._windows`) scored, its reduced cost taken, and kept when it is
negative, eligible and not an arc yet nor forbidden.

It scores a pair as :func:`matching.candidates.scored` does (the same rules; a test holds the
two together on random layers), without building the window's pairs as arrays first: at 10x a
district pricing scores 10-40 million pairs a round, nearly all of them to find them not
negative.

The first arcs' block of pairs (:func:`block`, for :mod:`matching.blocks`) is scored here too,
beside the rule both read (:func:`_fit`): numba renews a compiled function's cache only when
its own file changes, not when a function it calls from another file does.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .layers import Layer
from .scoring import W_PROXIMITY, W_SKILL

_M1, _M2, _M4, _H01 = (np.uint64(x) for x in (0x5555555555555555, 0x3333333333333333,
                                               0x0F0F0F0F0F0F0F0F, 0x0101010101010101))
_ONE, _TWO, _FOUR, _TOP = (np.uint64(x) for x in (1, 2, 4, 56))


@njit(cache=True)
def _bits(x):
    """Set bits of one 64-bit word."""
    x = x - ((x >> _ONE) & _M1)
    x = (x & _M2) + ((x >> _TWO) & _M2)
    x = (x + (x >> _FOUR)) & _M4
    return np.int64((x * _H01) >> _TOP)


@njit(cache=True, inline="always")
def _fit(required, skills, designated, needs, per_skill):
    """The skill fit of a helper with a person (their masks' words), ``per_skill`` a need
    met, or -1 if the helper lacks a skill the person requires or is a sponsor designated to a
    need the person has not."""
    fit = 0
    for word in range(len(required)):
        if required[word] & ~skills[word] or designated[word] & ~needs[word]:
            return -1
        fit += per_skill * _bits(skills[word] & needs[word])
    return fit


@njit(cache=True)
def block(helpers, people, helper_arrays, person_arrays, weights):
    """Score of every pair of ``helpers`` (rows) x ``people`` (columns), -1 where the pair
    is not eligible (:func:`matching.blocks.block_scores`, which passes the arrays)."""
    helper_ids, serves, skills, designated, helper_street, helper_community = helper_arrays
    person_current, person_street, required, needs, person_community = person_arrays
    per_continuity, per_place, per_skill = weights
    out = np.empty((len(helpers), len(people)), np.int64)
    for row in range(len(helpers)):
        h = helpers[row]
        for column in range(len(people)):
            p = people[column]
            street = person_street[p]
            score = -1
            if serves[street, h]:
                score = _fit(required[p], skills[h], designated[h], needs[p], per_skill)
            if score >= 0:
                score += per_continuity * np.int64(helper_ids[h] == person_current[p])
                score += per_place * (np.int64(helper_street[h] == street) +
                                      np.int64(helper_community[h] == person_community[p]))
            out[row, column] = score
    return out


@njit(cache=True)
def _first_at_least(value, sorted_values, low, high):
    """The first position in ``sorted_values[low:high]`` (sorted) whose value is not below
    ``value`` (``high`` if none)."""
    while low < high:
        middle = (low + high) // 2
        if sorted_values[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


@njit(cache=True)
def negatives(members, people, counts, helpers, persons, keys, weights):
    """(helper, person, score, reduced cost) of every pair of ``members`` (a class of
    helpers, in potential order; ``helpers`` their arrays, :func:`class_of`) with each of
    ``people`` within the person's window (their first ``counts`` members) whose reduced cost
    is negative, that is eligible, not with the person's current helper, and not to skip;
    row by row, then in the class's order. ``persons`` are the people's arrays
    (:func:`people_of`); ``keys`` the pairs to skip (arcs already, and forbidden pairs) as
    sorted keys ``person * width + helper``, where each person's keys start, that ``width``,
    and each person's most negative reduced cost so far, lowered in place. ``weights`` are
    (proximity, skill fit) of the score, :func:`weights_of` (arguments, not globals: numba
    freezes a global into the code it caches, and a change in another module does not renew
    that cache)."""
    helper_potential, helper_ids, serves, skills, designated, helper_street, \
        helper_community = helpers
    person_potential, person_current, person_street, required, needs, person_community = \
        persons
    skip, starts, width, worst = keys
    per_place, per_skill = weights
    size = 1024
    out = np.empty((4, size), np.int64)
    found = 0
    for row in range(len(people)):
        p = people[row]
        low, high = starts[p], starts[p + 1]  # the person's pairs to skip
        street, community, limit = person_street[p], person_community[p], person_potential[p]
        for i in range(counts[row]):
            if helper_ids[i] == person_current[p] or not serves[street, i]:
                continue  # the current helper is priced apart; one of another street
            score = _fit(required[p], skills[i], designated[i], needs[p], per_skill)
            if score < 0:
                continue
            score += per_place * (np.int64(helper_street[i] == street) +
                                  np.int64(helper_community[i] == community))
            reduced = helper_potential[i] - limit - score
            if reduced >= 0:
                continue
            h = members[i]
            at = _first_at_least(p * width + h, skip, low, high)
            if at < high and skip[at] == p * width + h:
                continue
            if found == size:
                size *= 2
                grown = np.empty((4, size), np.int64)
                grown[:, :found] = out[:, :found]
                out = grown
            out[0, found], out[1, found], out[2, found], out[3, found] = h, p, score, reduced
            found += 1
            worst[p] = min(worst[p], reduced)
    return out[:, :found]


def weights_of(layer: Layer) -> tuple[int, int]:
    """The (proximity, skill fit) weights of a pair's score in ``layer``: none for a sponsor."""
    return (0, 0) if layer.name == "sponsor" else (W_PROXIMITY, W_SKILL)


def class_of(layer: Layer, members: np.ndarray, helper_potential: np.ndarray) -> tuple:
    """The arrays of a class of helpers (``members``) that :func:`negatives` reads, in the
    class's order, so that a window reads them front to back."""
    return (helper_potential[members], layer.helper_ids[members],
            np.ascontiguousarray(layer.helper_streets[:, members]), layer.helper_skills[members],
            layer.helper_needs[members], layer.helper_street[members],
            layer.helper_community[members])


def people_of(layer: Layer, person_potential: np.ndarray) -> tuple:
    """The people's arrays that :func:`negatives` reads."""
    return (person_potential, layer.person_current, layer.person_street, layer.person_required,
            layer.person_needs, layer.person_community)


def warm_up() -> None:
    """Loads :func:`negatives` compiled, for the arrays' types that pricing passes it
    (:func:`matching.simplex.warm_up`)."""
    one, words = np.zeros(1, np.int64), np.zeros((1, 1), np.uint64)
    helpers = (one, one, np.ones((1, 1), bool), words, words, one, one)
    persons = (one, one, one, words, words, one)
    negatives(one, one, one, helpers, persons, (one, np.zeros(3, np.int64), 2, one),
              (W_PROXIMITY, W_SKILL))
