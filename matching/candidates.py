"""Candidate arcs helper -> beneficiary, built street by street with numpy.

An arc exists only when every hard rule of the pair holds. Without a limit every eligible
pair is an arc. With a ``candidate_limit`` arcs are drawn within each community: its resident
helpers plus an even share of the street's other helpers; there each person keeps the best
``limit`` helpers and each helper its best ``ub + 2`` people (by score, then a deterministic
rotation that spreads helpers of equal score). Continuity arcs are always kept, and a person who
needs a skill is offered every skilled helper of the street.
"""

from __future__ import annotations

import numpy as np

from .layers import Layer
from .scoring import W_CONTINUITY, W_PROXIMITY, W_SKILL, layer_of

CELLS = 4_000_000  #: largest helper x person block scored at once


def _popcount(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).sum(axis=-1, dtype=np.int64)


def _scores(lay: Layer, hids: np.ndarray, h: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Score of every (h, b) in the block, -1 where a hard rule forbids the pair."""
    return pair_scores(lay, hids, h[:, None], b[None, :])


def pair_scores(lay: Layer, hids: np.ndarray, h: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise score of pairs (broadcast ``h`` against ``b``); -1 if a hard rule fails."""
    hs = lay.h_skills[h]
    ok = ~np.any(lay.b_req[b] & ~hs, axis=-1)  # required skills: only helpers with them
    ok &= ~np.any(lay.h_needs[h] & ~lay.b_needs[b], axis=-1)  # sponsor designated to a need
    same_street = lay.h_street[h] == lay.b_street[b]
    prox = same_street.astype(np.int64) + (lay.h_comm[h] == lay.b_comm[b])
    cont = hids[h] == lay.b_current[b]
    skill = _popcount(hs & lay.b_needs[b])
    if lay.name == "sponsor":
        prox, skill = np.zeros_like(prox), np.zeros_like(skill)
    score = W_CONTINUITY * cont + W_PROXIMITY * prox + W_SKILL * skill
    return np.where(ok, score, -1)


def _forbid(score, h, b, banned: set[tuple[int, int]]) -> None:
    if not banned:
        return
    rows, cols = {x: i for i, x in enumerate(h)}, {x: j for j, x in enumerate(b)}
    for hh, bb in banned:
        if hh in rows and bb in cols:
            score[rows[hh], cols[bb]] = -1  # forbidden pairs never produced


def _top(key: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Boolean mask of the k largest keys along ``axis`` (keys are unique on that axis)."""
    n = key.shape[axis]
    if k >= n:
        return np.ones_like(key, dtype=bool)
    kth = np.partition(key, n - k, axis=axis).take([n - k], axis=axis)
    return key >= kth


def _street_arcs(lay, hids, h, b, banned, limit, per_helper=True):
    """Arcs between helpers ``h`` and people ``b``, in blocks of at most ``CELLS`` pairs."""
    out = []
    nh, nb = len(h), len(b)
    step = max(1, CELLS // max(nh, 1))
    for start in range(0, nb, step):  # per person: best `limit` helpers
        bb = b[start:start + step]
        score = _scores(lay, hids, h, bb)
        _forbid(score, h, bb, banned)
        keep = score >= 0
        if limit is not None:
            rot = (np.arange(nh)[:, None] - np.arange(start, start + len(bb))[None, :]) % nh
            keep &= _top(score * nh + rot, limit, axis=0)
        r, c = np.nonzero(keep)
        out.append((h[r], bb[c], score[r, c]))
    if limit is None or not per_helper:
        return out
    stride = max(1, nb // max(nh, 1))
    step = max(1, CELLS // max(nb, 1))
    for start in range(0, nh, step):  # per helper: best ub + 2 people
        hh = h[start:start + step]
        score = _scores(lay, hids, hh, b)
        _forbid(score, hh, b, banned)
        pos = np.arange(start, start + len(hh))[:, None]
        rot = (np.arange(nb)[None, :] - pos * stride) % nb
        want = int(lay.ub[hh].max(initial=0)) + 2
        keep = (score >= 0) & _top(score * nb + rot, want, axis=1)
        r, c = np.nonzero(keep)
        out.append((hh[r], b[c], score[r, c]))
    return out


def _neighbourhood_arcs(lay, hids, h, b, ban, limit):
    """Arcs within each community: its resident helpers plus an even share of the others;
    continuity arcs; and, for people who need a skill, every helper of the street."""
    comms = np.unique(lay.b_comm[b])
    home = lay.h_comm[h]
    floating = ~np.isin(home, comms)
    home = home.copy()
    home[floating] = comms[np.arange(int(floating.sum())) % len(comms)]
    out = []
    for c in comms.tolist():
        out += _street_arcs(lay, hids, h[home == c], b[lay.b_comm[b] == c], ban, limit)
    by_id = {int(hids[i]): i for i in h.tolist()}
    cur = [(by_id[x], y) for x, y in zip(lay.b_current[b].tolist(), b.tolist(), strict=True)
           if x in by_id and (by_id[x], y) not in ban]
    if cur:
        ch, cb = (np.array(x, dtype=np.int64) for x in zip(*cur, strict=True))
        sc = pair_scores(lay, hids, ch, cb)
        out.append((ch[sc >= 0], cb[sc >= 0], sc[sc >= 0]))
    skilled = b[np.any(lay.b_req[b] != 0, axis=-1)]
    if len(skilled):
        out += _street_arcs(lay, hids, h, skilled, ban, limit, per_helper=False)
    return out


def arcs(lay: Layer, street_codes: dict[str, int], forbidden, limit: int | None):
    """(helper index, beneficiary index, score) arrays of all candidate arcs, sorted."""
    hids = np.array([x.id for x in lay.helpers], dtype=np.int64)
    pos_h = {x.id: i for i, x in enumerate(lay.helpers)}
    pos_b = {x: i for i, x in enumerate(lay.b_ids.tolist())}
    banned: dict[int, set] = {}
    for kind, hid, bid in forbidden:
        if layer_of(kind) == lay.name and hid in pos_h and bid in pos_b:
            banned.setdefault(pos_b[bid], set()).add((pos_h[hid], pos_b[bid]))
    people = np.nonzero(lay.b_free)[0]
    parts = []
    for code in street_codes.values():
        h = np.flatnonzero(lay.h_allowed[code] & (lay.ub > 0))  # only streets it may serve
        b = people[lay.b_street[people] == code]
        if len(h) == 0 or len(b) == 0:
            continue
        ban = {(hh, bb) for bi in b.tolist() for hh, bb in banned.get(bi, ())}
        if limit is None:
            parts += _street_arcs(lay, hids, h, b, ban, None)
        else:
            parts += _neighbourhood_arcs(lay, hids, h, b, ban, limit)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    h, b, s = (np.concatenate(x) for x in zip(*parts, strict=True))
    key = h * (len(lay.b_street) + 1) + b
    key, first = np.unique(key, return_index=True)
    return h[first], b[first], s[first]
