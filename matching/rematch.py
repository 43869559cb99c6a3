"""Re-matching one person after a decline, changing no other pair."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable

from .model import Pair, Problem, Rematch, Result
from .scoring import arc_score, layer_of
from .solver import reasons

NO_HELPER = {"cadre": "no eligible cadre left in street",
             "volunteer": "no eligible volunteer or organisation with capacity left",
             "sponsor": "no sponsor with budget left for this person"}


def _helpers(problem: Problem, layer: str) -> list:
    pool = {"cadre": problem.cadres, "volunteer": problem.volunteers,
            "sponsor": problem.sponsors}[layer]
    return sorted(pool, key=lambda h: h.id)


def _kind(layer: str, helper) -> str:
    return helper.kind if layer == "volunteer" else layer


def _room(problem: Problem, layer: str, helper, used: int) -> tuple[bool, bool]:
    """(has room for one more, is below its minimum) under quota, capacity or budget."""
    if layer == "cadre":
        low, high = problem.quota(helper.rank)
        return used < high, used < low  # each cadre within the quota of their rank
    if layer == "volunteer":
        return used < helper.capacity, False  # capacities
    return (used + 1) * helper.unit_fen <= helper.budget_fen, False  # sponsor budget


def _eligible(problem: Problem, layer: str, helper, b) -> bool:
    if layer == "cadre":  # a cadre only within the street of their group unless allowed
        ok = b.street in helper.cross_street_allowed | {helper.group_street}
    elif layer == "volunteer":
        ok = b.street in helper.streets
    else:
        d = helper.designation  # sponsor designation respected
        return d is None or d == b.street or d in b.needs
    return ok and b.required_skills <= helper.skills  # required skills


def rematch(problem: Problem, current: Result | Iterable[Pair | tuple], beneficiary_id: int,
            declined: tuple[str, int]) -> Rematch:
    """New pair for ``beneficiary_id`` after ``declined = (helper_kind, helper_id)`` said no.

    Uses only capacity left by the current pairs; picks the best eligible helper (first one
    below its quota minimum, then by score, then by id). No other pair changes, and the declined
    helper is never offered again. Persist the decline as a forbidden pair for later solves.
    """
    start = time.perf_counter()
    pairs = [p if isinstance(p, Pair) else Pair(*p)
             for p in (current.pairs if isinstance(current, Result) else current)]
    layer, gone = layer_of(declined[0]), declined[1]
    keep = [p for p in pairs if not (p.beneficiary_id == beneficiary_id and p.helper_id == gone
                                     and layer_of(p.helper_kind) == layer)]
    b = next(x for x in problem.beneficiaries if x.id == beneficiary_id)
    mine = [p for p in keep if p.beneficiary_id == beneficiary_id and layer_of(p.helper_kind)
            == layer]
    if mine:  # at most one helper of this layer per person
        return Rematch(beneficiary_id, None, "already paired in this layer", tuple(keep),
                       time.perf_counter() - start)
    used = Counter(p.helper_id for p in keep if layer_of(p.helper_kind) == layer)
    best, best_key = None, None
    for h in _helpers(problem, layer):
        kind = _kind(layer, h)
        if h.id == gone or (kind, h.id, beneficiary_id) in problem.forbidden:
            continue  # the declined helper and forbidden pairs are never offered
        room, short = _room(problem, layer, h, used[h.id])
        if not room or not _eligible(problem, layer, h, b):
            continue
        key = (short, arc_score(kind, h, b), -h.id)
        if best_key is None or key > best_key:
            best, best_key = h, key
    notes = _notes(problem, layer, gone, used)
    if best is None:
        return Rematch(beneficiary_id, None, NO_HELPER[layer], tuple(keep),
                       time.perf_counter() - start, notes)
    kind = _kind(layer, best)
    new = Pair(kind, best.id, beneficiary_id, ("rematch", *reasons(kind, best, b)))
    return Rematch(beneficiary_id, new, "rematched", tuple(sorted([*keep, new],
                   key=lambda p: p.key)), time.perf_counter() - start, notes)


def _notes(problem: Problem, layer: str, gone: int, used: Counter) -> tuple[str, ...]:
    if layer != "cadre":
        return ()
    cadre = next((c for c in problem.cadres if c.id == gone), None)
    if cadre is None:
        return ()
    low = problem.quota(cadre.rank)[0]
    if used[gone] >= low:
        return ()
    return (f"干部 #{gone} 现结对 {used[gone]} 人，低于配额下限 {low} 人，需在下次整体匹配时补足",)
