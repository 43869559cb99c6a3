"""Re-matching one person after a decline, changing no other pair.

The rules are the solver's: the person alone forms a small problem with the same helpers, which
gets the same layer (:func:`matching.layers.build_layer`) and the same candidate arcs
(:func:`matching.candidates.arcs`), so a helper is offered only where a full run could pair them.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from .candidates import Arcs, arcs
from .layers import Layer, allowed_streets, build_layer, helpers_of, quota_bounds
from .messages import Message, message
from .model import Pair, Problem, Rematch, Result
from .reasons import pair_reasons
from .scoring import layer_of
from .vocabulary import vocabulary

NO_HELPER = {"cadre": "no_cadre_left", "volunteer": "no_volunteer_left",
             "sponsor": "no_sponsor_left"}
POOLS = {"cadre": "cadres", "volunteer": "volunteers", "sponsor": "sponsors"}


def _pairs(current: Result | Iterable[Pair | tuple]) -> list[Pair]:
    pairs = current.pairs if isinstance(current, Result) else current
    return [pair if isinstance(pair, Pair) else Pair(*pair) for pair in pairs]


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


def _alone(problem: Problem, name: str, person) -> Problem:
    """The person alone, with the helpers of layer ``name`` who may serve their street."""
    street = (person.street,)
    helpers = tuple(helper for helper in helpers_of(problem, name)
                    if person.street in allowed_streets(name, helper, street))
    pools = {pool: () for pool in POOLS.values()} | {POOLS[name]: helpers}
    return replace(problem, beneficiaries=(person,), locked=(), **pools)


def _notes(problem: Problem, name: str, declined: int, load: Counter) -> tuple[Message, ...]:
    """A note when the helper who declined is left below their quota minimum."""
    helper = next((one for one in helpers_of(problem, name) if one.id == declined), None)
    minimum = quota_bounds(problem, name, helper)[0] if helper else 0
    if load[declined] >= minimum:
        return ()
    return (message("cadre_below_quota", cadre_id=declined, paired=load[declined],
                    minimum=minimum),)


def rematch(problem: Problem, current: Result | Iterable[Pair | tuple], beneficiary_id: int,
            declined: tuple[str, int]) -> Rematch:
    """New pair for ``beneficiary_id`` after ``declined = (helper_kind, helper_id)`` said no.

    Uses only capacity left by the current pairs; picks the best eligible helper (first one
    below its quota minimum, then by score, then by id). No other pair changes, and the declined
    helper is never offered again. Persist the decline as a forbidden pair for later solves.
    """
    start = time.perf_counter()
    name, gone = layer_of(declined[0]), declined[1]
    keep = [pair for pair in _pairs(current) if not (
        pair.beneficiary_id == beneficiary_id and pair.helper_id == gone
        and layer_of(pair.helper_kind) == name)]
    if any(pair.beneficiary_id == beneficiary_id and layer_of(pair.helper_kind) == name
           for pair in keep):  # at most one helper of this layer per person
        return Rematch(beneficiary_id, None, message("already_paired"), tuple(keep),
                       time.perf_counter() - start)
    person = next(one for one in problem.beneficiaries if one.id == beneficiary_id)
    alone = _alone(problem, name, person)
    codes = vocabulary(alone)
    layer = build_layer(alone, name, codes)
    load = Counter(pair.helper_id for pair in keep if layer_of(pair.helper_kind) == name)
    used = np.array([load[helper_id] for helper_id in layer.helper_ids.tolist()], dtype=np.int64)
    notes = _notes(problem, name, gone, load)
    helper = _best(layer, arcs(layer, codes.streets, alone.forbidden, None), used, gone)
    if helper is None:
        return Rematch(beneficiary_id, None, message(NO_HELPER[name]), tuple(keep),
                       time.perf_counter() - start, notes)
    reasons = (message("rematch"), *pair_reasons(layer, [helper], [0])[0])
    new = Pair(layer.kinds[helper], layer.helpers[helper].id, beneficiary_id, reasons)
    return Rematch(beneficiary_id, new, message("rematch"),
                   tuple(sorted([*keep, new], key=lambda pair: pair.key)),
                   time.perf_counter() - start, notes)
