"""Explanations: why a quota minimum cannot be met, and why a person has no cadre."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

import numpy as np

from . import candidates
from .layers import Layer
from .model import RANK_CN, RANKS


def _street_rank(lay: Layer) -> dict[tuple[str, str], list[int]]:
    out = defaultdict(list)
    for i, c in enumerate(lay.helpers):
        out[c.group_street, c.rank].append(i)
    return out


def _reach(lay: Layer, members: list[int], codes, forbidden) -> int:
    """People the cadres ``members`` could pair with (free eligible ones plus their locked)."""
    keep = np.zeros(len(lay.helpers), dtype=bool)
    keep[members] = True
    only = replace(lay, ub=np.where(keep, np.maximum(lay.ub, 1), 0))
    _, b, _ = candidates.arcs(only, codes["street"], forbidden, None)
    mine = set(members)
    return len(set(b.tolist())) + sum(1 for h, _ in lay.locked if h in mine)


def quota_conflicts(problem, lay: Layer, unmet: np.ndarray, codes) -> list[str]:
    """Chinese messages naming each street and rank whose quota minimum cannot be met."""
    groups = _street_rank(lay)
    bad_streets = sorted({lay.helpers[i].group_street for i in np.flatnonzero(unmet > 0)})
    lows = {r: problem.quota(r)[0] for r in RANKS}
    out = []
    for street in bad_streets:
        named = False
        members_all = []
        for rank in RANKS:
            members = groups.get((street, rank), [])
            members_all += members
            need = lows[rank] * len(members)
            if need and any(unmet[i] > 0 for i in members):
                avail = _reach(lay, members, codes, problem.forbidden)
                if need > avail:
                    named = True
                    out.append(f"{street}: {len(members)} 名{RANK_CN[rank]}至少需要 {need} 人，"
                               f"仅 {avail} 人可结对")
        if named:
            continue
        need = sum(lows[lay.helpers[i].rank] for i in members_all)
        avail = _reach(lay, members_all, codes, problem.forbidden)
        short = Counter(lay.helpers[i].rank for i in members_all if unmet[i] > 0)
        ranks = "、".join(f"{RANK_CN[r]} {n} 名" for r, n in sorted(short.items()))
        if need > avail:
            out.append(f"{street}: {len(members_all)} 名干部至少需要 {need} 人，仅 {avail} 人可结对"
                       f"（未达下限: {ranks}）")
        else:
            out.append(f"{street}: {ranks}未达配额下限，可结对对象已被跨街道干部或锁定结对占用")
    return out


def violations(problem, lay: Layer, unmet: np.ndarray, assigned: Counter) -> list[tuple]:
    """(cadre_id, rank, assigned, minimum, maximum) of every cadre below its minimum."""
    out = []
    for i in np.flatnonzero(unmet > 0):
        c = lay.helpers[i]
        low, high = problem.quota(c.rank)
        out.append((c.id, c.rank, assigned[c.id], low, high))
    return out


def unmatched_reasons(problem, lay: Layer, covered: set[int], codes) -> list[tuple[int, str]]:
    """(beneficiary_id, reason) for every person without a cadre pairing."""
    people = {b.id: b for b in problem.beneficiaries}
    hids = np.array([c.id for c in lay.helpers], dtype=np.int64)
    pos_h = {c.id: i for i, c in enumerate(lay.helpers)}
    pos_b = {x: i for i, x in enumerate(lay.b_ids.tolist())}
    banned = {(pos_h[h], pos_b[b]) for k, h, b in problem.forbidden
              if k == "cadre" and h in pos_h and b in pos_b}
    n_banned = Counter(b for _, b in banned)
    out = []
    for code in codes["street"].values():
        b_all = np.array([i for i in np.flatnonzero(lay.b_street == code)
                          if int(lay.b_ids[i]) not in covered], dtype=np.int64)
        h = np.flatnonzero(lay.h_allowed[code])
        if len(b_all) and not len(h):
            out += [(int(lay.b_ids[i]), "no cadre serves this street") for i in b_all]
            continue
        needs_skill = np.any(lay.b_req[b_all] != 0, axis=-1) if len(b_all) else b_all
        for i in b_all[~needs_skill].tolist():  # every cadre of the street is eligible
            bid = int(lay.b_ids[i])
            out.append((bid, _reason(people[bid], len(h), len(h) - n_banned[i])))
        b = b_all[needs_skill] if len(b_all) else b_all
        step = max(1, candidates.CELLS // max(len(h), 1))
        for start in range(0, len(b), step):
            part = b[start:start + step]
            score = candidates._scores(lay, hids, h, part)
            skilled = (score >= 0).sum(axis=0)
            candidates._forbid(score, h.tolist(), part.tolist(), banned)
            allowed = (score >= 0).sum(axis=0)
            for j, i in enumerate(part.tolist()):
                bid = int(lay.b_ids[i])
                out.append((bid, _reason(people[bid], skilled[j], allowed[j])))
    return sorted(out)


def _reason(ben, skilled: int, allowed: int) -> str:
    if skilled == 0:
        return f"no helper with skill {', '.join(sorted(ben.required_skills))}"
    if allowed == 0:
        return "forbidden with all eligible helpers"
    return "no eligible cadre left in street"
