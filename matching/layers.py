"""A problem seen as three helper layers (cadre, volunteer, sponsor) in numpy arrays.

Each layer lists its helpers with quota bounds left after locked pairs, the people still free
in that layer, and integer codes for streets, communities, skills and needs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .model import NEEDS, Problem
from .scoring import W_PRIORITY, helper_home, layer_of, level


@dataclass
class Layer:
    """Arrays of one helper layer; ``h_*`` per helper, ``b_*`` per beneficiary (sorted by id)."""

    name: str
    helpers: list
    kinds: list[str]
    lb: np.ndarray
    ub: np.ndarray
    h_street: np.ndarray
    h_comm: np.ndarray
    h_skills: np.ndarray
    h_needs: np.ndarray
    h_allowed: np.ndarray  #: street code x helper: may serve that street
    b_ids: np.ndarray
    b_free: np.ndarray
    b_street: np.ndarray
    b_comm: np.ndarray
    b_needs: np.ndarray
    b_req: np.ndarray
    b_current: np.ndarray
    b_priority: np.ndarray
    locked: list[tuple[int, int]]
    conflicts: list[str]
    violations: list[tuple[int, str, int, int, int]]


def _masks(sets, vocab: dict[str, int], words: int) -> np.ndarray:
    out = np.zeros((len(sets), words), dtype=np.uint64)
    for i, names in enumerate(sets):
        for name in names:
            bit = vocab[name]
            out[i, bit // 64] |= np.uint64(1 << (bit % 64))
    return out


def _bounds(problem: Problem, layer: str, helper, n_locked: int) -> tuple[int, int, int, int]:
    if layer == "cadre":
        low, high = problem.quota(helper.rank)  # each cadre within the quota of their rank
    elif layer == "volunteer":
        low, high = 0, helper.capacity  # capacities
    else:
        low, high = 0, helper.budget_fen // helper.unit_fen  # sum of unit costs <= budget
    return max(low - n_locked, 0), max(high - n_locked, 0), low, high


def _helpers(problem: Problem, layer: str) -> list:
    pool = {"cadre": problem.cadres, "volunteer": problem.volunteers,
            "sponsor": problem.sponsors}[layer]
    return sorted(pool, key=lambda h: h.id)


def _allowed(problem: Problem, layer: str, h, streets: list[str]) -> frozenset[str]:
    if layer == "cadre":
        return h.cross_street_allowed | {h.group_street}
    if layer == "volunteer":
        return h.streets
    if h.designation is None or h.designation in NEEDS:  # designation respected
        return frozenset(streets)
    return frozenset({h.designation})


def _allowed_matrix(problem: Problem, layer: str, helpers: list, sc: dict) -> np.ndarray:
    out = np.zeros((len(sc), len(helpers)), dtype=bool)
    for i, h in enumerate(helpers):
        out[[sc[s] for s in _allowed(problem, layer, h, list(sc)) if s in sc], i] = True
    return out


def _locked(problem: Problem, layer: str, helpers: list, people: list):
    """(helper index, person index) of the valid locked pairs of ``layer``, and conflicts."""
    h_pos = {h.id: i for i, h in enumerate(helpers)}
    b_pos = {b.id: i for i, b in enumerate(people)}
    locked, conflicts, taken = [], [], set()
    for kind, hid, bid in sorted(problem.locked):
        if layer_of(kind) != layer:
            continue
        if hid not in h_pos or bid not in b_pos or bid in taken:
            conflicts.append(f"锁定结对无效或重复: {kind} #{hid} — 对象 #{bid}")
            continue
        if (kind, hid, bid) in problem.forbidden:
            conflicts.append(f"锁定结对同时被禁止: {kind} #{hid} — 对象 #{bid}")
        taken.add(bid)
        locked.append((h_pos[hid], b_pos[bid]))  # locked pairs kept
    return locked, conflicts


def build_layer(problem: Problem, layer: str, codes: dict) -> Layer:
    """Arrays of ``layer``; ``codes`` is shared vocabulary built by :func:`vocabulary`."""
    people = codes["people"]
    helpers = _helpers(problem, layer)
    kinds = ["cadre" if layer == "cadre" else ("sponsor" if layer == "sponsor" else h.kind)
             for h in helpers]
    locked, conflicts = _locked(problem, layer, helpers, people)
    n_locked = Counter(h for h, _ in locked)
    lb, ub, violations = [], [], []
    for i, h in enumerate(helpers):
        low, high, q_low, q_high = _bounds(problem, layer, h, n_locked[i])
        if n_locked[i] > q_high:  # locked pairs count toward quota/capacity
            label = h.rank if layer == "cadre" else kinds[i]
            violations.append((h.id, label, n_locked[i], q_low, q_high))
            conflicts.append(f"{kinds[i]} #{h.id}: 锁定 {n_locked[i]} 人，超过上限 {q_high} 人")
        lb.append(low)
        ub.append(high)
    sc, cc, vocab, words = codes["street"], codes["community"], codes["vocab"], codes["words"]
    homes = [helper_home(kinds[i], h) for i, h in enumerate(helpers)]
    designated = [{h.designation} & set(NEEDS) if layer == "sponsor" else set()
                  for h in helpers]
    every_skill = set(vocab) if layer == "sponsor" else None
    free = np.ones(len(people), dtype=bool)
    free[[b for _, b in locked]] = False
    return Layer(
        name=layer, helpers=helpers, kinds=kinds,
        lb=np.array(lb, dtype=np.int64), ub=np.array(ub, dtype=np.int64),
        h_street=np.array([sc.get(s, -1) for s, _ in homes], dtype=np.int64),
        h_comm=np.array([cc.get((s, c), -2) for s, c in homes], dtype=np.int64),
        h_skills=_masks([every_skill or h.skills for h in helpers], vocab, words),
        h_needs=_masks(designated, vocab, words),
        h_allowed=_allowed_matrix(problem, layer, helpers, sc),
        b_free=free, b_current=codes["current"].get(layer, codes["current"]["none"]),
        **{k: codes[k] for k in ("b_ids", "b_street", "b_comm", "b_needs", "b_req",
                                 "b_priority")},
        locked=locked, conflicts=conflicts, violations=violations,
    )


def _current(b, attr: str | None) -> int:
    value = getattr(b, attr) if attr else None
    return -1 if value is None else value


def vocabulary(problem: Problem) -> dict:
    """Shared integer codes for streets, (street, community) pairs, skills and needs, and the
    per-person arrays every layer shares (people sorted by id)."""
    people = sorted(problem.beneficiaries, key=lambda b: b.id)
    streets = sorted({b.street for b in people})
    comms = sorted({(b.street, b.community) for b in people})
    names = set(NEEDS)
    for b in people:
        names |= b.needs | b.required_skills
    for h in (*problem.cadres, *problem.volunteers):
        names |= h.skills
    vocab = {name: i for i, name in enumerate(sorted(names))}
    sc, cc = {s: i for i, s in enumerate(streets)}, {c: i for i, c in enumerate(comms)}
    words = max(1, (len(vocab) + 63) // 64)
    ints = np.int64
    return {"street": sc, "community": cc, "vocab": vocab, "words": words, "people": people,
            "b_ids": np.array([b.id for b in people], dtype=ints),
            "b_street": np.array([sc[b.street] for b in people], dtype=ints),
            "b_comm": np.array([cc[(b.street, b.community)] for b in people], dtype=ints),
            "b_needs": _masks([b.needs for b in people], vocab, words),
            "b_req": _masks([b.required_skills for b in people], vocab, words),
            "b_priority": np.array([W_PRIORITY * level(b) for b in people], dtype=ints),
            "current": {"cadre": np.array([_current(b, "current_cadre_id") for b in people],
                                          dtype=ints),
                        "volunteer": np.array([_current(b, "current_volunteer_id")
                                               for b in people], dtype=ints),
                        "none": np.full(len(people), -1, dtype=ints)}}

