"""The household rule of the cadre layer: a household's members with one cadre where the
321 quotas allow, as a lexicographic step after the layer's proven optimum.

Order (see README "Households"): the cadre flow is solved and proven optimal first
(:mod:`matching.flow`, :mod:`matching.pricing`); the people it covers keep a cadre, so
coverage, street balance and priority stay exactly those of the proven optimum. Among those
people the cadres are then reassigned to keep households together; continuity, proximity and
skill fit come last and pay for it: :attr:`Households.cost` is that price, computed from the
two assignments.

Why not one flow: "all covered members of a household with one cadre" is an all-or-nothing
bundle, which a flow cannot express. But a cadre keeps a household together only by taking
all its members, and the quotas are small (district leader at most 3, division leader at most
2, staff 1): a cadre can keep together only as many households as fit in its quota. So

1. **Bound**: a household whose members are locked to different cadres is split whatever we
   do; every other household with two or more covered members can be kept together only by a
   *host*: a cadre eligible for each of its free members, with room for all of them, and the
   cadre of its locked members if any. The hosts chosen form a b-matching households -> cadres
   in which a cadre hosts at most the number of its candidate households that fit in its room
   (smallest first). A maximum b-matching (a min-cost flow, exact) therefore bounds how many
   households can be kept, and ``split >= bound`` holds for every assignment of the covered
   people under the hard rules: a proven lower bound on split households.
2. **Construction**: the hosts of that maximum matching (the one with the best continuity,
   proximity and skill fit among maximum ones) take their households; a second min-cost flow
   gives every other covered person a cadre with room, meeting the quota minimums the
   optimum met. When it succeeds with every host kept, ``split == bound``: proven minimal.
   If a cadre's hosted households overfill it (only with quotas above 3) or the other people
   no longer fit, households are dropped from their host (the largest first) and
   ``split > bound`` is reported as not proven; if nothing fits, the optimum's assignment is
   kept as it was.

Each split household gets a reason: its members are locked to different cadres; no cadre may
serve all of its members (different streets, a skill, a forbidden pair); it is larger than the
quota of every cadre who may serve all of them; or every cadre who could take it keeps another
household together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .candidates import banned_pairs, eligible
from .layers import Layer
from .messages import Message, message
from .model import COST_PARTS, Households
from .scoring import pair_scores, pair_terms, popcount


def merge(reports) -> Households:
    """One report from the reports of independent components: counts and costs add."""
    reports = list(reports)
    return Households(
        households=sum(r.households for r in reports), split=sum(r.split for r in reports),
        bound=sum(r.bound for r in reports), before=sum(r.before for r in reports),
        cost={part: sum(r.cost[part] for r in reports) for part in COST_PARTS},
        split_households=tuple(sorted((found for r in reports for found in r.split_households),
                                      key=lambda found: found[0])))


def person_households(people) -> np.ndarray:
    """Household id of each person (-1: none)."""
    return np.array([-1 if person.household_id is None else person.household_id
                     for person in people], dtype=np.int64)


def split_count(households: np.ndarray, helpers, people) -> int:
    """Households whose members in ``people`` are paired with different ``helpers``."""
    seen: dict[int, set] = defaultdict(set)
    for helper, person in zip(np.asarray(helpers).tolist(), np.asarray(people).tolist(),
                              strict=True):
        if households[person] >= 0:
            seen[int(households[person])].add(helper)
    return sum(1 for cadres in seen.values() if len(cadres) > 1)


@dataclass
class _Household:
    """One household with two or more covered members, as the rule sees it."""

    id: int
    free: list[int]  #: covered members not held by a locked pair
    locked_to: set[int]  #: cadres of its locked members
    hosts: np.ndarray | None = None  #: cadres that could take every member
    reason: Message | None = None  #: why it cannot be kept together, if no host


class _Rule:
    """The data of one run of the rule on the cadre layer."""

    def __init__(self, layer: Layer, forbidden, helpers, people, n_locked: int) -> None:
        self.layer = layer
        self.helpers = np.asarray(helpers, dtype=np.int64)
        self.people = np.asarray(people, dtype=np.int64)
        self.n_locked = n_locked
        self.households = person_households(layer.people)
        self.banned = banned_pairs(layer, forbidden)
        self.cadre_of = dict(zip(self.people.tolist(), self.helpers.tolist(), strict=True))
        load = np.bincount(self.helpers[n_locked:], minlength=len(layer.helpers))
        self.lower = np.minimum(layer.lower, load)  # the minimums the optimum met

    def groups(self) -> list[_Household]:
        """Households with two or more covered members, in id order."""
        members: dict[int, list[int]] = defaultdict(list)
        for person in self.people.tolist():
            if self.households[person] >= 0:
                members[int(self.households[person])].append(person)
        locked = set(self.people[:self.n_locked].tolist())
        out = []
        for household, people in sorted(members.items()):
            if len(people) > 1:
                out.append(_Household(household, [p for p in people if p not in locked],
                                      {self.cadre_of[p] for p in people if p in locked}))
        return out

    def hosts(self, group: _Household) -> None:
        """The cadres that could take every member of ``group``, or why there is none."""
        layer, free = self.layer, np.array(group.free, dtype=np.int64)
        if len(group.locked_to) > 1:
            group.reason = message("household_locked_apart")
            return
        if group.locked_to:
            cadres = np.array(sorted(group.locked_to), dtype=np.int64)
        else:
            cadres = np.flatnonzero(layer.helper_streets[layer.person_street[free[0]]])
        ok = eligible(layer, cadres[:, None], free[None, :]).all(axis=1)
        for person in group.free:
            for helper, _ in self.banned.get(person, ()):
                ok &= cadres != helper
        common = cadres[ok]
        if len(common) == 0:
            streets = sorted({layer.people[p].street for p in group.free})
            group.reason = message("household_streets_apart", streets=tuple(streets)) \
                if len(streets) > 1 else message("household_no_common_cadre")
            return
        group.hosts = common[layer.upper[common] >= len(group.free)]
        if len(group.hosts) == 0:
            held = np.bincount(self.helpers[:self.n_locked], minlength=len(layer.helpers))
            group.reason = message("household_too_large", size=len(group.free) + len(
                [p for p in self.people[:self.n_locked].tolist() if self.households[p] ==
                 group.id]), maximum=int((layer.upper[common] + held[common]).max()))

    def host_score(self, group: _Household) -> np.ndarray:
        """Continuity, proximity and skill fit of each host with all free members."""
        free = np.array(group.free, dtype=np.int64)
        return pair_scores(self.layer, group.hosts[:, None], free[None, :]).sum(axis=1)


def _capacity(rule: _Rule, groups: list[_Household]) -> np.ndarray:
    """How many candidate households each cadre could host at most: as many of the smallest
    as fit in its room."""
    sizes: dict[int, list[int]] = defaultdict(list)
    for group in groups:
        for cadre in group.hosts.tolist():
            sizes[cadre].append(len(group.free))
    out = np.zeros(len(rule.layer.helpers), dtype=np.int64)
    for cadre, found in sizes.items():
        out[cadre] = int((np.cumsum(sorted(found)) <= rule.layer.upper[cadre]).sum())
    return out


def _matching(rule: _Rule, groups: list[_Household]) -> dict[int, int]:
    """A maximum b-matching household -> host (see the module's doc), the best continuity,
    proximity and skill fit among maximum ones: group index -> cadre."""
    if not groups:
        return {}
    capacity = _capacity(rule, groups)
    scores = [rule.host_score(group) for group in groups]
    big = max(int(score.max()) for score in scores) + 1  # one more household beats any score
    n_groups = len(groups)
    tails, heads, caps, costs = [], [], [], []
    for i, (group, score) in enumerate(zip(groups, scores, strict=True)):
        tails += [2 + i] * len(group.hosts)
        heads += (2 + n_groups + group.hosts).tolist()
        caps += [1] * len(group.hosts)
        costs += (-(big + score)).tolist()
    tails += [0] * n_groups + (2 + n_groups + np.arange(len(capacity))).tolist() + [0]
    heads += (2 + np.arange(n_groups)).tolist() + [1] * len(capacity) + [1]
    caps += [1] * n_groups + capacity.tolist() + [n_groups]
    costs += [0] * (n_groups + len(capacity) + 1)
    network = min_cost_flow.SimpleMinCostFlow()
    arcs = network.add_arcs_with_capacity_and_unit_cost(
        *(np.array(x, dtype=np.int64) for x in (tails, heads, caps, costs)))
    network.set_nodes_supplies(np.array([0, 1]), np.array([n_groups, -n_groups]))
    if network.solve() != network.OPTIMAL:
        raise RuntimeError("household matching failed")
    flows = network.flows(arcs)
    out, at = {}, 0
    for i, group in enumerate(groups):
        chosen = np.flatnonzero(flows[at:at + len(group.hosts)])
        if len(chosen):
            out[i] = int(group.hosts[chosen[0]])
        at += len(group.hosts)
    return out


def _overfull(rule: _Rule, groups: list[_Household], hosted: dict[int, int]) -> list[int]:
    """Hosted groups to drop so that no host takes more than its room (the largest first)."""
    by_cadre: dict[int, list[int]] = defaultdict(list)
    for i, cadre in hosted.items():
        by_cadre[cadre].append(i)
    drop = []
    for cadre, mine in by_cadre.items():
        mine.sort(key=lambda i: (len(groups[i].free), groups[i].id))
        while sum(len(groups[i].free) for i in mine) > rule.layer.upper[cadre]:
            drop.append(mine.pop())
    return drop


def _rest(rule: _Rule, arcs, fixed: dict[int, int]):
    """Every covered free person not in ``fixed`` (person -> cadre) gets a cadre with room
    left, each cadre meeting the minimum the optimum met, at the best continuity, proximity
    and skill fit on ``arcs`` (helper, person): person -> cadre, or None if they do not fit."""
    layer = rule.layer
    rest = np.array(sorted(set(rule.people[rule.n_locked:].tolist()) - fixed.keys()),
                    dtype=np.int64)
    hosted = np.bincount(np.array(list(fixed.values()), dtype=np.int64),
                         minlength=len(layer.helpers))
    upper, lower = layer.upper - hosted, np.maximum(rule.lower - hosted, 0)
    helpers, people = arcs
    keep = np.isin(people, rest) & (upper[helpers] > 0)
    helpers, people = helpers[keep], people[keep]
    if len(rest) < int(lower.sum()) or (upper < 0).any():
        return None
    n_cadres = len(layer.helpers)
    person_node = np.full(len(layer.people), -1, dtype=np.int64)
    person_node[rest] = 1 + n_cadres + np.arange(len(rest))
    network = min_cost_flow.SimpleMinCostFlow()
    every = np.arange(n_cadres)
    pair_arcs = network.add_arcs_with_capacity_and_unit_cost(
        person_node[people], 1 + helpers, np.ones(len(people), dtype=np.int64),
        -pair_scores(layer, helpers, people))
    network.add_arcs_with_capacity_and_unit_cost(
        1 + every, np.zeros(n_cadres, dtype=np.int64), np.maximum(upper - lower, 0),
        np.zeros(n_cadres, dtype=np.int64))
    nodes = np.concatenate(([0], 1 + every, person_node[rest]))
    supply = np.concatenate(([-(len(rest) - int(lower.sum()))], -lower,
                             np.ones(len(rest), dtype=np.int64)))
    network.set_nodes_supplies(nodes, supply)
    if network.solve() != network.OPTIMAL:
        return None
    used = np.flatnonzero(network.flows(pair_arcs))
    return dict(zip(people[used].tolist(), helpers[used].tolist(), strict=True))


def _assign(rule: _Rule, groups, hosted: dict[int, int], arcs, every_arc):
    """person -> cadre for every covered free person with the ``hosted`` groups kept together:
    first on ``arcs``, then on every eligible pair, dropping hosted groups (the largest first)
    until the others fit; and the groups dropped. (None, every group) if nothing fits."""
    dropped = set(_overfull(rule, groups, hosted))
    hosted = {i: cadre for i, cadre in hosted.items() if i not in dropped}

    def attempt(candidate_arcs):
        fixed = {person: cadre for i, cadre in hosted.items() for person in groups[i].free}
        rest = _rest(rule, candidate_arcs, fixed)
        return None if rest is None else fixed | rest

    found = attempt(arcs)
    if found is not None:
        return found, dropped
    arcs = every_arc()
    while (found := attempt(arcs)) is None and hosted:
        last = max(hosted, key=lambda i: (len(groups[i].free), groups[i].id))
        dropped.add(last)
        del hosted[last]
    if found is None:
        return None, set(range(len(groups)))
    return found, dropped


def _parts(layer: Layer, helpers: np.ndarray, people: np.ndarray, objective: int) -> dict:
    continuity, proximity, fit = pair_terms(layer, helpers, people)
    return {"objective": objective, "people": len(people),
            "priority": int(layer.person_priority[people].sum()),
            "continuity": int(np.sum(continuity)), "proximity": int(np.sum(proximity)),
            "skill": int(popcount(fit).sum()) if len(people) else 0}


def keep_together(layer: Layer, forbidden, helpers, people, n_locked: int, objective,
                  arcs, every_arc):
    """The cadre layer's pairs (``helpers``, ``people``: indices, the first ``n_locked``
    locked) reassigned by the household rule (see the module's doc): the new helper and
    person arrays (locked first) and a :class:`Households` report. ``objective(helpers,
    people)`` is the layer's objective; ``arcs`` (helper, person) are the pairs tried first
    for the people outside kept households, ``every_arc()`` every eligible pair of them."""
    rule = _Rule(layer, forbidden, helpers, people, n_locked)
    groups = rule.groups()
    before = split_count(rule.households, rule.helpers, rule.people)
    if not groups:
        return rule.helpers, rule.people, Households()
    fixed_kept = 0
    for group in groups:
        if group.free:
            rule.hosts(group)
        elif len(group.locked_to) > 1:
            group.reason = message("household_locked_apart")
        else:
            fixed_kept += 1  # every member locked to one cadre
    hostable = [i for i, group in enumerate(groups) if group.free and group.reason is None]
    matched = {hostable[i]: cadre for i, cadre in
               _matching(rule, [groups[i] for i in hostable]).items()}
    bound = len(groups) - fixed_kept - len(matched)
    assigned, dropped = _assign(rule, groups, matched, arcs, every_arc)
    if assigned is None:
        new_helpers, new_people = rule.helpers, rule.people
    else:
        free = rule.people[n_locked:]
        new_people = np.concatenate((rule.people[:n_locked], free))
        new_helpers = np.concatenate((rule.helpers[:n_locked],
                                      [assigned[p] for p in free.tolist()])).astype(np.int64)
    split = split_count(rule.households, new_helpers, new_people)
    found = _reasons(rule, groups, matched, dropped, new_helpers, new_people)
    cost_before = _parts(layer, rule.helpers, rule.people, objective(rule.helpers, rule.people))
    cost_after = _parts(layer, new_helpers, new_people, objective(new_helpers, new_people))
    return new_helpers, new_people, Households(
        households=len(groups), split=split, bound=bound, before=before,
        cost={part: cost_before[part] - cost_after[part] for part in COST_PARTS},
        split_households=tuple(found))


def _reasons(rule: _Rule, groups, matched, dropped, helpers, people) -> list:
    """(household id, why) of each household left split."""
    cadres: dict[int, set] = defaultdict(set)
    for helper, person in zip(helpers.tolist(), people.tolist(), strict=True):
        if rule.households[person] >= 0:
            cadres[int(rule.households[person])].add(helper)
    out = []
    for i, group in enumerate(groups):
        if len(cadres[group.id]) < 2:
            continue
        if group.reason is not None:
            out.append((group.id, group.reason))
        elif not group.free:
            out.append((group.id, message("household_locked_apart")))
        else:
            size = sum(1 for p in people.tolist() if rule.households[p] == group.id)
            code = "household_not_fitted" if i in matched and i in dropped else \
                "household_quota_taken"
            out.append((group.id, message(code, size=size)))
    return out
