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
2, staff 1): a cadre can keep together at most one household of two or more. So

1. **Bound**: a household whose members are locked to different cadres is split whatever we
   do; every other household with two or more covered members can be kept together only by a
   *host*: a cadre eligible for each of its free members, with room for all of them, and the
   cadre of its locked members if any. The households kept form a b-matching households ->
   hosts (a host takes as many of its candidate households as fit in its room, smallest
   first: one with the 321 quotas). Within a component of streets (joined by cadres who may
   serve several; no eligible pair leaves one) the cadres' loads add up to its covered
   people, so the people hosted beyond their host's quota minimum are at most the
   component's *slack*: its covered people minus its cadres' minimums. The fewest such
   people over b-matchings of k households grows with k, so the largest k within the slack
   is found by a binary search over min-cost flows, exactly. Every assignment of the covered
   people under the hard rules keeps at most that many together: ``split >= bound``, a
   proven lower bound on split households.
2. **Construction**: the hosts of that b-matching (the best continuity, proximity and skill
   fit among those with the fewest people beyond a minimum) take their households; a second
   min-cost flow gives every other covered person a cadre with room, meeting the quota
   minimums the optimum met. When it succeeds, ``split == bound``: proven minimal. Streets
   within a component are not interchangeable (a cross-street cadre's people may have nowhere
   else to go), so if the others do not fit, the hosts are chosen again among those whose
   people in the optimum live in the household's streets (a swap then frees them), and
   failing that the longest prefix of the hosts that fits is kept (hosts taking no one beyond
   their minimum first); ``split > bound`` is then reported as not proven. The optimum's own
   assignment always fits.

Each split household gets a reason: its members are locked to different cadres; no cadre may
serve all of its members (different streets, a skill, a forbidden pair); it is larger than the
quota of every cadre who may serve all of them; every cadre who could take it keeps another
household together; one could, but then another cadre would fall below their quota minimum;
or its host could not keep it without someone else losing their cadre.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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
        if len(group.hosts) == 0:  # every cadre who may serve it has too little room left:
            # its quota maximum less its locked pairs, but those of this household (whose
            # locked members are all that cadre's), which it holds whatever the rule does
            locked = len([p for p in self.people[:self.n_locked].tolist()
                          if self.households[p] == group.id])
            group.reason = message("household_too_large", size=len(group.free) + locked,
                                   maximum=int(layer.upper[common].max()) + locked)

    def host_score(self, group: _Household) -> np.ndarray:
        """Continuity, proximity and skill fit of each host with all free members."""
        free = np.array(group.free, dtype=np.int64)
        return pair_scores(self.layer, group.hosts[:, None], free[None, :]).sum(axis=1)


def _components(rule: _Rule) -> tuple[np.ndarray, np.ndarray]:
    """Component of each street and of each cadre: streets joined by a cadre who may serve
    several (-1: a cadre who serves none). No eligible pair leaves a component, so its
    cadres' loads add up to its covered free people."""
    layer = rule.layer
    parent = list(range(len(layer.helper_streets)))

    def find(street: int) -> int:
        while parent[street] != street:
            parent[street] = parent[parent[street]]
            street = parent[street]
        return street

    for cadre in range(len(layer.helpers)):
        streets = np.flatnonzero(layer.helper_streets[:, cadre]).tolist()
        for street in streets[1:]:
            parent[find(street)] = find(streets[0])
    street_part = np.array([find(street) for street in range(len(parent))], dtype=np.int64)
    first = layer.helper_streets.argmax(axis=0) if len(parent) else np.zeros(0, dtype=np.int64)
    serves = layer.helper_streets.any(axis=0) if len(parent) else first.astype(bool)
    return street_part, np.where(serves, street_part[first] if len(parent) else first, -1)


def _slack(rule: _Rule, street_part, cadre_part) -> dict[int, int]:
    """Per component: its covered free people minus the quota minimums its cadres must meet,
    the most people that hosting households beyond a cadre's minimum can use."""
    people = np.bincount(street_part[rule.layer.person_street[rule.people[rule.n_locked:]]],
                         minlength=len(street_part))
    owed = np.bincount(cadre_part[cadre_part >= 0], weights=rule.lower[cadre_part >= 0],
                       minlength=len(street_part)).astype(np.int64)
    return {part: int(people[part] - owed[part]) for part in range(len(street_part))}


def _capacity(rule: _Rule, groups: list[_Household]) -> dict[int, int]:
    """How many of ``groups`` each host could take at most: as many of the smallest as fit
    in its room (one household of two or more with the 321 quotas)."""
    sizes: dict[int, list[int]] = defaultdict(list)
    for group in groups:
        for cadre in group.hosts.tolist():
            sizes[cadre].append(len(group.free))
    return {cadre: int((np.cumsum(sorted(found)) <= rule.layer.upper[cadre]).sum())
            for cadre, found in sizes.items()}


class _HostFlow:
    """b-matchings households -> hosts (within :func:`_capacity`) of one component, as one
    network: each costs ``big`` per person hosted beyond their host's quota minimum, less
    the continuity, proximity and skill fit of its hosts (``big`` outweighs any of those)."""

    def __init__(self, rule: _Rule, groups: list[_Household]) -> None:
        scores = [rule.host_score(group) for group in groups]
        self.big = sum(int(score.max()) for score in scores) + 1
        capacity = _capacity(rule, groups)
        cadres = sorted(capacity)
        node = {cadre: 2 + len(groups) + j for j, cadre in enumerate(cadres)}
        tails, heads, costs, self.pairs = [], [], [], []
        for i, (group, score) in enumerate(zip(groups, scores, strict=True)):
            lower = rule.lower[group.hosts]
            tails += [2 + i] * len(group.hosts)
            heads += [node[cadre] for cadre in group.hosts.tolist()]
            costs += (np.maximum(len(group.free) - lower, 0) * self.big - score).tolist()
            self.pairs += [(i, cadre) for cadre in group.hosts.tolist()]
        tails += [0] * len(groups) + [node[cadre] for cadre in cadres]
        heads += [2 + i for i in range(len(groups))] + [1] * len(cadres)
        caps = [1] * (len(self.pairs) + len(groups)) + [capacity[c] for c in cadres]
        costs += [0] * (len(groups) + len(cadres))
        self.arcs = [np.array(x, dtype=np.int64) for x in (tails, heads, caps, costs)]

    def most(self) -> int:
        """The size of a maximum b-matching."""
        network = min_cost_flow.SimpleMinCostFlow()
        tails, heads, caps, _ = self.arcs
        network.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, np.zeros_like(caps))
        network.add_arc_with_capacity_and_unit_cost(0, 1, int(caps.sum()), 1)  # unused
        network.set_nodes_supplies(np.array([0, 1]), np.array([caps.sum(), -caps.sum()]))
        if network.solve() != network.OPTIMAL:
            raise RuntimeError("household matching failed")
        return int(caps.sum()) - int(network.optimal_cost())

    def solve(self, count: int):
        """A b-matching of exactly ``count`` households at the least cost: (the people
        hosted beyond a minimum, group index -> cadre), or None if there is none."""
        network = min_cost_flow.SimpleMinCostFlow()
        arcs = network.add_arcs_with_capacity_and_unit_cost(*self.arcs)
        network.set_nodes_supplies(np.array([0, 1]), np.array([count, -count]))
        if network.solve() != network.OPTIMAL:
            return None
        used = np.flatnonzero(network.flows(arcs)[:len(self.pairs)]).tolist()
        return -(-network.optimal_cost() // self.big), dict(self.pairs[j] for j in used)


def _swappable(rule: _Rule, group: _Household, served: dict[int, set]) -> np.ndarray:
    """The hosts of ``group`` whose people in the optimum all live in the streets of its
    members (``served``: cadre -> those streets): a host then hands them to the cadres its
    members leave, who serve those streets (when every cadre is full, a host from elsewhere
    leaves its people nowhere to go)."""
    streets = {int(rule.layer.person_street[p]) for p in group.free}
    return np.array([cadre for cadre in group.hosts.tolist() if served[cadre] <= streets],
                    dtype=np.int64)


def _served(rule: _Rule) -> dict[int, set]:
    """Cadre -> the streets of the free people it pairs with in the optimum."""
    served: dict[int, set] = defaultdict(set)
    for cadre, street in zip(rule.helpers[rule.n_locked:].tolist(),
                             rule.layer.person_street[rule.people[rule.n_locked:]].tolist(),
                             strict=True):
        served[cadre].add(street)
    return served


def _choose_hosts(rule: _Rule, groups: list[_Household], slack: int):
    """The most households of one component kept together, and that number: a proven upper
    bound of how many can be. A host takes its household's members; beyond its quota minimum
    they are people the component's other cadres do not get, at most its ``slack`` in all.
    The fewest such people over b-matchings of k households grows with k (drop a household
    and it cannot grow), so a binary search over k with :class:`_HostFlow` finds the largest
    k within the slack (a b-matching of each smaller size exists), exactly when each host
    takes at most one household (the 321 quotas); with larger quotas it is a relaxation,
    so the number still bounds."""
    flow = _HostFlow(rule, groups)
    high = flow.most()
    found = flow.solve(high)
    if found[0] <= slack:
        return found[1], high
    low, best = 0, {}
    high -= 1
    while low < high:
        middle = (low + high + 1) // 2
        found = flow.solve(middle)
        if found[0] <= slack:
            low, best = middle, found[1]
        else:
            high = middle - 1
    if low and not best:
        best = flow.solve(low)[1]
    return best, low


def _hosts(rule: _Rule, groups: list[_Household], hostable: list[int]):
    """Hosts of the households kept together, component by component, and a proven upper
    bound of how many can be (see :func:`_choose_hosts`)."""
    street_part, cadre_part = _components(rule)
    slack = _slack(rule, street_part, cadre_part)
    parts: dict[int, list[int]] = defaultdict(list)
    for i in (i for i in hostable if len(groups[i].hosts)):
        parts[int(street_part[rule.layer.person_street[groups[i].free[0]]])].append(i)
    hosted, most = {}, 0
    for part, mine in sorted(parts.items()):
        found, bound = _choose_hosts(rule, [groups[i] for i in mine], slack[part])
        hosted.update({mine[j]: cadre for j, cadre in found.items()})
        most += bound
    return hosted, most


def _overfull(rule: _Rule, groups: list[_Household], hosted: dict[int, int]) -> list[int]:
    """Hosted groups to drop so that no host takes more than its room (the largest first;
    only with quotas above the 321 rule's, where a host may take two households)."""
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


def _assign(rule: _Rule, groups, hosted: dict[int, int], arcs, every_arc=None):
    """person -> cadre for every covered free person with as many of the ``hosted`` groups
    kept together as fit, and the groups dropped. All of them on ``arcs``; else, given
    ``every_arc``, all on every eligible pair, else the longest prefix that fits on ``arcs``
    (a binary search), hosts that take no one beyond their quota minimum first. The empty
    prefix is the optimum's own assignment, which always fits."""
    dropped = set(_overfull(rule, groups, hosted))
    order = sorted((i for i in hosted if i not in dropped), key=lambda i: (
        len(groups[i].free) > rule.lower[hosted[i]], groups[i].id))

    def attempt(count: int, candidate_arcs):
        fixed = {person: hosted[i] for i in order[:count] for person in groups[i].free}
        rest = _rest(rule, candidate_arcs, fixed)
        return None if rest is None else fixed | rest

    found = attempt(len(order), arcs)
    if found is None and every_arc is not None:
        found = attempt(len(order), every_arc())
    if found is not None:
        return found, dropped
    if every_arc is None:
        return None, set(range(len(groups)))
    low, high, found = 0, len(order) - 1, attempt(0, arcs)
    while low < high:
        middle = (low + high + 1) // 2
        if (fits := attempt(middle, arcs)) is not None:
            low, found = middle, fits
        else:
            high = middle - 1
    if found is None:
        return None, set(range(len(groups)))
    return found, dropped | set(order[low:])


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
    people)`` is the layer's objective; ``arcs()`` gives (helper, person) of the pairs tried
    first for the people outside kept households, ``every_arc()`` every eligible pair of them;
    neither is asked for when no household has two people paired."""
    rule = _Rule(layer, forbidden, helpers, people, n_locked)
    groups = rule.groups()
    before = split_count(rule.households, rule.helpers, rule.people)
    if not groups:
        return rule.helpers, rule.people, Households()
    tried = arcs()
    fixed_kept = 0
    for group in groups:
        if group.free:
            rule.hosts(group)
        elif len(group.locked_to) > 1:
            group.reason = message("household_locked_apart")
        else:
            fixed_kept += 1  # every member locked to one cadre
    hostable = [i for i, group in enumerate(groups) if group.free and group.reason is None]
    matched, most = _hosts(rule, groups, hostable)
    bound = len(groups) - fixed_kept - most
    assigned, dropped = _assign(rule, groups, matched, tried)
    if assigned is None:  # again, each with the hosts a swap can free: see _swappable
        served = _served(rule)
        for group in groups:
            if group.hosts is not None:
                group.hosts = _swappable(rule, group, served)
        matched, _ = _hosts(rule, groups, hostable)
        assigned, dropped = _assign(rule, groups, matched, tried, every_arc)
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


def _why(group: _Household, dropped: bool, hosting: set[int]) -> str:
    """Why a household with hosts is split: its host could not keep it without another person
    losing their cadre; a host is free but taking it would leave another cadre below their
    minimum (the component's slack is used up); or every host keeps another household."""
    if dropped:
        return "household_not_fitted"
    if set(group.hosts.tolist()) - hosting:
        return "household_minimums"
    return "household_quota_taken"


def _reasons(rule: _Rule, groups, matched, dropped, helpers, people) -> list:
    """(household id, why) of each household left split."""
    cadres: dict[int, set] = defaultdict(set)
    for helper, person in zip(helpers.tolist(), people.tolist(), strict=True):
        if rule.households[person] >= 0:
            cadres[int(rule.households[person])].add(helper)
    size = Counter(int(rule.households[p]) for p in people.tolist())
    hosting = {cadre for i, cadre in matched.items() if i not in dropped}
    out = []
    for i, group in enumerate(groups):
        if len(cadres[group.id]) < 2:
            continue
        if group.reason is not None:
            out.append((group.id, group.reason))
        elif not group.free:
            out.append((group.id, message("household_locked_apart")))
        else:
            out.append((group.id, message(_why(group, i in matched and i in dropped, hosting),
                                          size=size[group.id])))
    return out
