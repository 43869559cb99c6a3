"""The first arcs' inner loops, compiled: a block of helper x person pairs scored, and the
best of each person (a column) or of each helper (a row) kept.

:func:`block_scores` scores a pair as :func:`matching.candidates.scored` does (the same rules;
a test holds the two together on random layers), without the block's temporaries: numpy's
broadcast built a dozen helper x person arrays per block, and at 10x a district the first
arcs score about 90 million pairs. :func:`best_in_columns` and :func:`best_in_rows` keep what
:func:`numpy.partition` kept before: the ``k`` largest keys of each column or row among the
eligible pairs, a key being the score and then a rotation that spreads helpers of equal score
(:func:`matching.candidates._street_arcs`).

The scoring loop itself is :func:`matching.window.block`, in the file of the rule it shares
with pricing (:func:`matching.window._fit`): numba renews a function's cache only when its own
file changes, so a loop here would keep a rule changed there, compiled from its cache.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .layers import Layer
from .scoring import W_CONTINUITY, W_PROXIMITY, W_SKILL
from .window import block


def block_scores(layer: Layer, helpers: np.ndarray, people: np.ndarray) -> np.ndarray:
    """Score of every pair of ``helpers`` (rows) x ``people`` (columns), indices into
    ``layer``; -1 where :func:`matching.candidates.eligible` forbids it."""
    weights = (0, 0, 0) if layer.name == "sponsor" else (W_CONTINUITY, W_PROXIMITY, W_SKILL)
    return block(np.asarray(helpers, dtype=np.int64), np.asarray(people, dtype=np.int64),
                 (layer.helper_ids, layer.helper_streets, layer.helper_skills,
                  layer.helper_needs, layer.helper_street, layer.helper_community),
                 (layer.person_current, layer.person_street, layer.person_required,
                  layer.person_needs, layer.person_community), weights)


@njit(cache=True)
def _keep_largest(keys, places, count, k, keep, row, column, by_row):
    """Marks in ``keep`` the ``k`` largest of ``keys[:count]`` (distinct), at ``places``."""
    if count <= k:
        chosen = np.arange(count)
    else:
        chosen = np.argsort(keys[:count])[count - k:]
    for at in chosen:
        if by_row:
            keep[row, places[at]] = True
        else:
            keep[places[at], column] = True


@njit(cache=True)
def _columns(score, k, first):
    rows, columns = score.shape
    keep = np.zeros((rows, columns), np.bool_)
    keys, places = np.empty(rows, np.int64), np.empty(rows, np.int64)
    for column in range(columns):
        count = 0
        for row in range(rows):
            if score[row, column] >= 0:
                keys[count] = score[row, column] * rows + (row - first - column) % rows
                places[count] = row
                count += 1
        _keep_largest(keys, places, count, k, keep, 0, column, False)
    return keep


@njit(cache=True)
def _rows(score, k, first, stride):
    rows, columns = score.shape
    keep = np.zeros((rows, columns), np.bool_)
    keys, places = np.empty(columns, np.int64), np.empty(columns, np.int64)
    for row in range(rows):
        count = 0
        shift = (first + row) * stride
        for column in range(columns):
            if score[row, column] >= 0:
                keys[count] = score[row, column] * columns + (column - shift) % columns
                places[count] = column
                count += 1
        _keep_largest(keys, places, count, k, keep, row, 0, True)
    return keep


def best_in_columns(score: np.ndarray, k: int, first: int) -> np.ndarray:
    """Whether each pair of a block (helpers x people, -1: not eligible) is eligible and
    among the ``k`` best of its column (person): by score, then by the helper's row less
    the person's place ``first + column``, modulo the rows (a rotation)."""
    return _columns(np.ascontiguousarray(score, dtype=np.int64), max(int(k), 0), int(first))


def best_in_rows(score: np.ndarray, k: int, first: int, stride: int) -> np.ndarray:
    """Whether each pair of a block is eligible and among the ``k`` best of its row (helper):
    by score, then by the column less ``(first + row) * stride``, modulo the columns."""
    return _rows(np.ascontiguousarray(score, dtype=np.int64), max(int(k), 0), int(first),
                 int(stride))


def warm_up() -> None:
    """Loads the kernels compiled, for the arrays' types the first arcs pass them."""
    one, words = np.zeros(1, np.int64), np.zeros((1, 1), np.uint64)
    score = block(one, one, (one, np.ones((1, 1), np.bool_), words, words, one, one),
                  (one, one, words, words, one), (W_CONTINUITY, W_PROXIMITY, W_SKILL))
    best_in_columns(score, 1, 0)
    best_in_rows(score, 1, 0, 1)
