"""Re-matching one person after a decline, changing no other pair.

The rules are the solver's: the person alone forms a small problem with the helpers who may
serve their street and have room left (no other can be offered), which gets the same layer
(:func:`matching.layers.build_layer`) and the same candidate arcs
(:func:`matching.candidates.arcs`), so a helper is offered only where a full run could pair them.
The current pairs (a city's: many) are read as arrays, with no loop in Python over them.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import replace
from operator import attrgetter, indexOf

import numpy as np

from .candidates import Arcs, arcs
from .layers import Layer, build_layer, pool_of, quota_bounds, serving
from .messages import Message, message
from .model import Pair, Problem, Rematch, Result
from .reasons import pair_reasons
from .scoring import layer_of
from .vocabulary import vocabulary

NO_HELPER = {"cadre": "no_cadre_left", "volunteer": "no_volunteer_left",
             "sponsor": "no_sponsor_left"}
POOLS = {"cadre": "cadres", "volunteer": "volunteers", "sponsor": "sponsors"}


_KIND, _HELPER, _PERSON = (attrgetter(name) for name in
                           ("helper_kind", "helper_id", "beneficiary_id"))
_KEY, _ID = attrgetter("key"), attrgetter("id")
#: the helper kinds of each layer
KINDS = {name: frozenset(kind for kind in ("cadre", "volunteer", "organisation", "sponsor")
                         if layer_of(kind) == name) for name in POOLS}
_RANK = {kind: i for i, kind in enumerate(sorted(set().union(*KINDS.values())))}


def _pairs(current: Result | Iterable[Pair | tuple]) -> list[Pair]:
    pairs = list(current.pairs if isinstance(current, Result) else current)
    if set(map(type, pairs)) <= {Pair}:
        return pairs
    return [pair if isinstance(pair, Pair) else Pair(*pair) for pair in pairs]


def _ids(values: list) -> np.ndarray:
    """``values`` (ids) as an array that compares as they do: 64-bit integers when they all are
    (no float, string or id beyond 64 bits taken for an integer it is not), else objects."""
    if set(map(type, values)) <= {int}:
        with suppress(OverflowError):  # beyond 64 bits: kept as Python integers below
            return np.fromiter(values, dtype=np.int64, count=len(values))
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


class _Pairs:
    """The current pairs as arrays (a city's pairs are many: no loop in Python over them):
    which are of the layer, their helper and person ids, and whether they are in key order."""

    def __init__(self, pairs: list[Pair], name: str) -> None:
        n = len(pairs)
        self.pairs = pairs
        try:
            kind = np.fromiter(map(_RANK.__getitem__, map(_KIND, pairs)), dtype=np.int64,
                               count=n)
            rank = _RANK
        except KeyError:  # a kind the solver does not know: it keeps its place in the order
            kinds = list(map(_KIND, pairs))
            rank = {kind: i for i, kind in enumerate(sorted(set(kinds) | set(_RANK)))}
            kind = np.fromiter(map(rank.__getitem__, kinds), dtype=np.int64, count=n)
        self.mine = np.isin(kind, [rank[one] for one in KINDS[name]])
        self.kind = kind
        self.helper = _ids(list(map(_HELPER, pairs)))
        self.person = _ids(list(map(_PERSON, pairs)))

    def ordered(self, kept: np.ndarray) -> bool:
        """Whether the ``kept`` pairs are in key order."""
        k, h, p = self.kind[kept], self.helper[kept], self.person[kept]
        return bool(np.all((k[1:] > k[:-1]) | ((k[1:] == k[:-1]) & (
            (h[1:] > h[:-1]) | ((h[1:] == h[:-1]) & (p[1:] >= p[:-1]))))))

    def without(self, drop: np.ndarray) -> list[Pair]:
        """The pairs but those at ``drop`` (few), in their order."""
        keep = list(self.pairs)
        for at in sorted(drop.tolist(), reverse=True):
            del keep[at]
        return keep

    def counts(self, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(helper ids, their pairs) of the layer's pairs among ``kept``."""
        return np.unique(self.helper[kept & self.mine], return_counts=True)


def _load(counted: tuple[np.ndarray, np.ndarray], helper_ids: np.ndarray) -> np.ndarray:
    """Pairs per helper of ``helper_ids``, from :meth:`_Pairs.counts`."""
    ids, counts = counted
    at = np.minimum(np.searchsorted(ids, helper_ids), max(len(ids) - 1, 0))
    found = (ids[at] == helper_ids) if len(ids) else np.zeros(len(helper_ids), dtype=bool)
    return np.where(found, counts[at] if len(ids) else 0, 0).astype(np.int64)


def _with(keep: list[Pair], new: Pair, ordered: bool) -> tuple[Pair, ...]:
    """``keep`` and ``new`` in key order (``keep`` already is when ``ordered``)."""
    if not ordered:
        return tuple(sorted([*keep, new], key=_KEY))
    keep.insert(bisect.bisect(keep, new.key, key=_KEY), new)
    return tuple(keep)


def _best(layer: Layer, candidates: Arcs, used: np.ndarray, declined: int) -> int | None:
    """The helper to offer, among the eligible ones with room left (never the one who
    declined): first one below its minimum, then the best score, then the lowest id."""
    best, best_key = None, None
    for helper, score in zip(candidates.helper.tolist(), candidates.score.tolist(), strict=True):
        helper_id = int(layer.helper_ids[helper])
        if helper_id == declined or used[helper] >= layer.upper[helper]:
            continue
        key = (bool(used[helper] < layer.lower[helper]), score, -helper_id)
        if best_key is None or key > best_key:
            best, best_key = helper, key
    return best


def _alone(problem: Problem, name: str, person, helpers: tuple) -> Problem:
    """The person alone, with ``helpers`` of layer ``name``."""
    pools = {pool: () for pool in POOLS.values()} | {POOLS[name]: helpers}
    return replace(problem, beneficiaries=(person,), locked=(), **pools)


def _notes(problem: Problem, street: tuple, name: str, declined: int,
           paired: int) -> tuple[Message, ...]:
    """A note when the helper who declined is left below their quota minimum (``paired`` with
    the pairs left); ``street``: the helpers of the person's street, where they are found
    first."""
    helper = next((one for pool in (street, pool_of(problem, name)) for one in pool
                   if one.id == declined), None)
    minimum = quota_bounds(problem, name, helper)[0] if helper else 0
    if paired >= minimum:
        return ()
    return (message("cadre_below_quota", cadre_id=declined, paired=paired, minimum=minimum),)


def rematch(problem: Problem, current: Result | Iterable[Pair | tuple], beneficiary_id: int,
            declined: tuple[str, int]) -> Rematch:
    """New pair for ``beneficiary_id`` after ``declined = (helper_kind, helper_id)`` said no.

    Uses only capacity left by the current pairs; picks the best eligible helper (first one
    below its quota minimum, then by score, then by id). No other pair changes, and the declined
    helper is never offered again. Persist the decline as a forbidden pair for later solves.
    """
    start = time.perf_counter()
    name, gone = layer_of(declined[0]), declined[1]
    held = _Pairs(_pairs(current), name)
    here = held.mine & (held.person == beneficiary_id)
    drop = here & (held.helper == gone)
    keep = held.without(np.flatnonzero(drop)) if drop.any() else held.pairs
    if (here & ~drop).any():  # at most one helper of this layer per person
        return Rematch(beneficiary_id, None, message("already_paired"), tuple(keep),
                       time.perf_counter() - start)
    people = problem.beneficiaries
    person = people[indexOf(map(_ID, people), beneficiary_id)]
    kept = ~drop
    street = serving(name, pool_of(problem, name), person.street)
    counted = held.counts(kept)
    load = _load(counted, _ids([helper.id for helper in street]))
    room = tuple(helper for helper, paired in zip(street, load.tolist(), strict=True)
                 if helper.id != gone and paired < quota_bounds(problem, name, helper)[1])
    alone = _alone(problem, name, person, room)  # only they can be offered (see _best)
    codes = vocabulary(alone)
    layer = build_layer(alone, name, codes)
    used = _load(counted, layer.helper_ids)
    notes = _notes(problem, street, name, gone, int(_load(counted, _ids([gone]))[0]))
    helper = _best(layer, arcs(layer, codes.streets, alone.forbidden, None), used, gone)
    if helper is None:
        return Rematch(beneficiary_id, None, message(NO_HELPER[name]), tuple(keep),
                       time.perf_counter() - start, notes)
    reasons = (message("rematch"), *pair_reasons(layer, [helper], [0])[0])
    new = Pair(layer.kinds[helper], layer.helpers[helper].id, beneficiary_id, reasons)
    return Rematch(beneficiary_id, new, message("rematch"),
                   _with(list(keep), new, held.ordered(kept)),
                   time.perf_counter() - start, notes)
