"""Explanations, as messages: why a quota minimum cannot be met, and why a person has no cadre."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

import numpy as np

from . import candidates
from .layers import Layer, cadre_violation, quota_bounds
from .messages import Message, message
from .model import RANKS


def _street_rank(layer: Layer) -> dict[tuple[str, str], list[int]]:
    out = defaultdict(list)
    for i, cadre in enumerate(layer.helpers):
        out[cadre.group_street, cadre.rank].append(i)
    return out


def _reach(layer: Layer, members: list[int], codes, forbidden) -> int:
    """People the cadres ``members`` could pair with (free eligible ones plus their locked)."""
    keep = np.zeros(len(layer.helpers), dtype=bool)
    keep[members] = True
    only = replace(layer, upper=np.where(keep, np.maximum(layer.upper, 1), 0))
    reached = candidates.arcs(only, codes.streets, forbidden, None).person
    mine = set(members)
    return len(set(reached.tolist())) + sum(1 for helper, _ in layer.locked if helper in mine)


def _street_conflicts(problem, layer: Layer, unmet, codes, street: str) -> list[Message]:
    """Each rank of ``street`` whose minimum exceeds what its cadres can reach; else the
    street's cadres together, naming the ranks below their minimum."""
    groups = _street_rank(layer)
    # each cadre's minimum in this problem: their rank's, less their people elsewhere
    minimum = [quota_bounds(problem, "cadre", helper)[0] for helper in layer.helpers]
    out, everyone = [], []
    for rank in RANKS:
        members = groups.get((street, rank), [])
        everyone += members
        need = sum(minimum[i] for i in members)
        if need and any(unmet[i] > 0 for i in members):
            eligible = _reach(layer, members, codes, problem.forbidden)
            if need > eligible:
                out.append(message("rank_quota_unreachable", street=street, rank=rank,
                                   cadres=len(members), need=need, eligible=eligible))
    if out:
        return out
    need = sum(minimum[i] for i in everyone)
    eligible = _reach(layer, everyone, codes, problem.forbidden)
    short = Counter(layer.helpers[i].rank for i in everyone if unmet[i] > 0)
    below = tuple(sorted(short.items()))
    if need > eligible:
        return [message("street_quota_unreachable", street=street, cadres=len(everyone),
                        need=need, eligible=eligible, below_minimum=below)]
    return [message("quota_taken", street=street, below_minimum=below)]


def quota_conflicts(problem, layer: Layer, unmet: np.ndarray, codes) -> list[Message]:
    """Messages naming each street and rank whose quota minimum cannot be met."""
    streets = sorted({layer.helpers[i].group_street for i in np.flatnonzero(unmet > 0)})
    return [conflict for street in streets
            for conflict in _street_conflicts(problem, layer, unmet, codes, street)]


def violations(problem, layer: Layer, unmet: np.ndarray, assigned: Counter) -> list[tuple]:
    """(cadre_id, rank, assigned, minimum, maximum) of every cadre below its minimum; what
    is assigned counts their people outside the problem (``elsewhere``) too."""
    return [cadre_violation(problem, layer.helpers[i], assigned[layer.helpers[i].id])
            for i in np.flatnonzero(unmet > 0)]


def _reason(required_skills: frozenset, skilled: int, allowed: int) -> Message:
    if skilled == 0:
        return message("no_helper_with_skill", skills=tuple(sorted(required_skills)))
    if allowed == 0:
        return message("forbidden_with_all_eligible")
    return message("no_cadre_left")


def _street_reasons(layer: Layer, code: int, waiting: np.ndarray, banned) -> list[tuple]:
    """(person id, reason) for the people ``waiting`` for a cadre in street ``code``. People
    alike in required skills and needs are eligible with the same cadres."""
    helpers = np.flatnonzero(layer.helper_streets[code])
    if not len(helpers):
        return [(int(layer.person_ids[i]), message("no_cadre_serves_street")) for i in waiting]
    kinds = np.concatenate((layer.person_required[waiting], layer.person_needs[waiting]), axis=1)
    _, first, kind_of = np.unique(kinds, axis=0, return_index=True, return_inverse=True)
    kind_of = kind_of.reshape(-1)
    ok = candidates.eligible(layer, helpers[:, None], waiting[first][None, :])
    skilled = ok.sum(axis=0)[kind_of].tolist()
    row = {helper: i for i, helper in enumerate(helpers.tolist())}
    ids, out, made = layer.person_ids[waiting].tolist(), [], {}
    for j, person in enumerate(waiting.tolist()):
        taken = 0
        if person in banned:  # the few people with forbidden pairs
            taken = sum(bool(ok[row[helper], kind_of[j]]) for helper, _ in banned[person]
                        if helper in row)
        skills = layer.people[person].required_skills
        key = (skilled[j] == 0, skilled[j] == taken, frozenset(skills) if skilled[j] == 0 else None)
        found = made.get(key)
        if found is None:  # a street's waiting people share a few reasons
            found = made[key] = _reason(skills, skilled[j], skilled[j] - taken)
        out.append((ids[j], found))
    return out


def unmatched_reasons(problem, layer: Layer, covered: set[int],
                      load: Counter | None = None) -> list[tuple[int, Message]]:
    """(beneficiary_id, reason) for every person without a cadre pairing. ``load`` (people
    per cadre id) is given when the run stopped before its proof: a person whom an eligible
    cadre with room left could still take is then told so (:func:`_room_left`), not that
    every eligible cadre is at their quota, which only the proof shows."""
    banned = candidates.banned_pairs(layer, problem.forbidden)
    uncovered = np.array([person_id not in covered for person_id in layer.person_ids.tolist()],
                         dtype=bool)
    room = None if load is None else np.array(
        [load[helper.id] < quota_bounds(problem, "cadre", helper)[1] for helper in layer.helpers],
        dtype=bool).reshape(-1)  # each cadre's room left
    out = []
    for code in range(len(layer.helper_streets)):
        people = np.flatnonzero(uncovered & (layer.person_street == code))
        if len(people):
            reasons = _street_reasons(layer, code, people, banned)
            out += reasons if room is None else _room_left(layer, code, people, reasons, room,
                                                           banned)
    return sorted(out)


def _room_left(layer: Layer, code: int, people: np.ndarray, reasons: list, room: np.ndarray,
               banned) -> list[tuple[int, Message]]:
    """``reasons`` of the ``people`` of street ``code`` (in their order), each "no cadre
    left" replaced where an eligible cadre serving the street, not forbidden with the person,
    has ``room`` left."""
    helpers = np.flatnonzero(layer.helper_streets[code] & room)
    left = [person for person, (_id, reason) in zip(people.tolist(), reasons, strict=True)
            if reason.code == "no_cadre_left"]
    if not len(helpers) or not left:
        return reasons
    ok = candidates.eligible(layer, helpers[:, None], np.array(left)[None, :])
    row = {helper: i for i, helper in enumerate(helpers.tolist())}
    for j, person in enumerate(left):
        for helper, _ in banned.get(person, ()):
            if helper in row:
                ok[row[helper], j] = False
    placeable = {int(layer.person_ids[person]) for person, any_ok in
                 zip(left, ok.any(axis=0).tolist(), strict=True) if any_ok}
    return [(person_id, message("stopped_before_placed") if person_id in placeable else reason)
            for person_id, reason in reasons]
