"""The next person to suggest to a helper with room left (after a decline, say), changing no
other pair.

The rules are the solver's: the helper alone with the people who have no helper of that layer
forms a small problem with the same layer (:func:`matching.layers.build_layer`) and the same
candidate arcs (:func:`matching.candidates.arcs`), so a person is suggested only where a full
run could pair them, and the best one by the run's own score.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .candidates import arcs
from .layers import build_layer, quota_bounds
from .messages import Message, message
from .model import Pair, Problem
from .reasons import pair_reasons
from .rematch import NO_HELPER
from .scoring import layer_of
from .vocabulary import vocabulary

POOLS = {"cadre": "cadres", "volunteer": "volunteers", "sponsor": "sponsors"}


@dataclass(frozen=True)
class Suggestion:
    """Outcome of :func:`suggest`: the proposed pair, or None with the reason."""

    pair: Pair | None
    reason: Message


def suggest(problem: Problem, current, helper: tuple[str, int]) -> Suggestion:
    """The best person for ``helper = (kind, id)`` among ``problem.beneficiaries`` who have no
    pair of the helper's layer in ``current`` (the live pairs), within the helper's room left
    (``current`` counts their load). Highest score first, then the lowest person id."""
    name = layer_of(helper[0])
    pool = [one for one in getattr(problem, POOLS[name]) if one.id == helper[1]]
    if not pool:
        return Suggestion(None, message("no_person_fits"))
    taken = {pair.beneficiary_id for pair in current if layer_of(pair.helper_kind) == name}
    load = sum(1 for pair in current if layer_of(pair.helper_kind) == name
               and pair.helper_id == helper[1])
    if load >= quota_bounds(problem, name, pool[0])[1]:
        return Suggestion(None, message(NO_HELPER[name]))
    pools = {key: () for key in POOLS.values()} | {POOLS[name]: tuple(pool)}
    alone = replace(problem, locked=(), beneficiaries=tuple(
        one for one in problem.beneficiaries if one.id not in taken), **pools)
    if not alone.beneficiaries:
        return Suggestion(None, message("no_person_fits"))
    codes = vocabulary(alone)
    layer = build_layer(alone, name, codes)
    candidates = arcs(layer, codes.streets, alone.forbidden, None)
    best, best_key = None, None
    for person, score in zip(candidates.person.tolist(), candidates.score.tolist(), strict=True):
        key = (score, -int(layer.person_ids[person]))
        if best_key is None or key > best_key:
            best, best_key = person, key
    if best is None:
        return Suggestion(None, message("no_person_fits"))
    reasons = (message("suggested"), *pair_reasons(layer, [0], [best])[0])
    return Suggestion(Pair(layer.kinds[0], helper[1], int(layer.person_ids[best]), reasons),
                      message("suggested"))
