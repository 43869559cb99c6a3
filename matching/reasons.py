"""Why a pair was chosen, as messages: locked, the person's priority, continuity, proximity and
the skills that fit the person's needs (for a sponsor, its designation instead of the last two).
They are read off the same pair terms as the scores (:func:`matching.scoring.pair_terms`)."""

from __future__ import annotations

import numpy as np

from .layers import Layer
from .messages import Message, message
from .scoring import pair_terms, priority_mark

PROXIMITY = ("cross_street", "same_street", "same_community")


def _skills(layer: Layer, fit: tuple[int, ...], known: dict) -> tuple[Message, ...]:
    """Skill messages of one skill-fit mask, in name order."""
    if fit not in known:
        bits = [64 * word + bit for word, value in enumerate(fit) for bit in range(64)
                if value >> bit & 1]
        known[fit] = tuple(message("skill", skill=layer.mask_names[bit]) for bit in bits)
    return known[fit]


def pair_reasons(layer: Layer, helpers, people, locked: int = 0) -> list[tuple[Message, ...]]:
    """The reasons of each pair (helper and person indices of ``layer``); the first ``locked``
    pairs are held by locked pairs. Pairs alike in every term share one tuple of reasons."""
    helpers = np.asarray(helpers, dtype=np.int64)
    people = np.asarray(people, dtype=np.int64)
    continuity, proximity, fit = (x.tolist() for x in pair_terms(layer, helpers, people))
    sponsor = layer.name == "sponsor"
    known: dict = {}
    made: dict[tuple, tuple[Message, ...]] = {}
    out = []
    for i, (helper, person) in enumerate(zip(helpers.tolist(), people.tolist(), strict=True)):
        last = layer.helpers[helper].designation if sponsor else proximity[i]
        key = (i < locked, priority_mark(layer.people[person]), continuity[i], last,
               () if sponsor else tuple(fit[i]))
        found = made.get(key)
        if found is None:
            found = made[key] = _reasons(layer, key, known)
        out.append(found)
    return out


def _reasons(layer: Layer, key: tuple, known: dict) -> tuple[Message, ...]:
    """The reasons of a pair whose terms are ``key`` (see :func:`pair_reasons`)."""
    held, mark, continuity, last, fit = key
    reasons = [message("locked")] if held else []
    if mark:
        reasons.append(message("priority", mark=mark))
    if continuity:
        reasons.append(message("continuity"))
    if layer.name == "sponsor":
        reasons.append(message("designation", to=last))
    else:
        reasons.append(message(PROXIMITY[last]))
        reasons += _skills(layer, fit, known)
    return tuple(reasons)
