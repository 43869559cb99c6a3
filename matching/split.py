"""A problem split into independent components, solved one by one and merged.

Two streets are in one component when some helper may serve people of both (a cadre's group
street and the streets staff allowed, a volunteer's home and travel streets, a sponsor's
designated street, or every street with people of its designated need, or every street when
undesignated), a locked pair or a household's members join them; each helper goes with the
streets it may serve.
No eligible pair then links two components, and the objective is a sum over streets (cadres'
street rewards), over people (volunteers' flat reward) and over streets again (sponsors'
rewards, whose scale is the whole district's: each component keeps it in
``Problem.sponsor_spread``), so solving the components apart gives the objective, the status
and the bound of solving the whole, when every layer is proven. A run stopped early
(``time_limit_s``, ``pricing_rounds``) reports true bounds either way, but its first arcs (the
volunteers' are pruned by the layer's whole capacity) and its proof's potentials are each
part's: its objective, bound and status may differ from the whole's. The one district-wide
rule, a street's balance against the district coverage, is a note, not a constraint:
:func:`merge` words it over the whole district when given the problem.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from operator import attrgetter, itemgetter
from types import MappingProxyType

from . import households
from .layers import LAYERS, allowed_streets, helpers_of
from .model import NEEDS, LayerProof, Problem, Result
from .scoring import layer_of, sponsor_spread
from .solver import balance_notes, solve

SEVERITY = ("OPTIMAL", "FEASIBLE", "UNKNOWN", "INFEASIBLE")  #: a merged status is the worst


class _Streets:
    """Union-find over street names."""

    def __init__(self, streets: Iterable[str]) -> None:
        self.parent = {street: street for street in streets}

    def find(self, street: str) -> str:
        """The root street of ``street``'s set."""
        while self.parent[street] != street:
            self.parent[street] = self.parent[self.parent[street]]
            street = self.parent[street]
        return street

    def union(self, streets: Iterable[str]) -> None:
        """Join the sets of ``streets``."""
        roots = sorted({self.find(street) for street in streets})
        for root in roots[1:]:
            self.parent[root] = roots[0]


def _reach(problem: Problem, needs: dict[str, set]) -> dict[tuple[str, int], frozenset[str]]:
    """(layer, helper id) -> the streets with people that the helper may serve; a cadre's
    also holds their group street, with people or not, because the quota diagnostics judge a
    street's cadres together (two cadres of one street are never apart)."""
    out = {}
    for name in LAYERS:
        for helper in helpers_of(problem, name):
            streets = allowed_streets(name, helper, needs) & needs.keys()
            if name == "sponsor" and helper.designation in NEEDS:
                streets = frozenset(s for s in streets if helper.designation in needs[s])
            if name == "cadre":
                streets = streets | {helper.group_street}
            out[name, helper.id] = frozenset(streets)
    return out


def _joined(problem: Problem, needs, reach, street_of) -> _Streets:
    """Streets joined by helpers that may serve several of them, by locked pairs (a locked
    pair is kept whatever the rules: its person's street joins the helper's ``reach``) and by
    households (the household rule judges a household's members together)."""
    for kind, helper_id, person_id in problem.locked:
        key = (layer_of(kind), helper_id)
        if person_id in street_of and key in reach:
            reach[key] = reach[key] | {street_of[person_id]}
    sets = _Streets(set(needs).union(*reach.values()))
    for streets in reach.values():
        sets.union(streets)
    homes: dict[int, set[str]] = defaultdict(set)
    for person in problem.beneficiaries:
        if person.household_id is not None:
            homes[person.household_id].add(person.street)
    for streets in homes.values():
        sets.union(streets)
    return sets


def _deal(problem: Problem, part_of, reach, street_of) -> list[dict[str, list]]:
    """Each person, helper, locked and forbidden pair of ``problem`` in its component's lists
    (``part_of(streets)``: the component of those streets, the first when there are none)."""
    parts: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    def pair_part(kind: str, helper_id: int, person_id: int) -> int:
        if person_id in street_of:
            return part_of({street_of[person_id]})
        return part_of(reach.get((layer_of(kind), helper_id), ()))

    for person in problem.beneficiaries:
        parts[part_of({person.street})]["beneficiaries"].append(person)
    for field, name in (("cadres", "cadre"), ("volunteers", "volunteer"),
                        ("sponsors", "sponsor")):
        for helper in getattr(problem, field):
            parts[part_of(reach[name, helper.id])][field].append(helper)
    for field in ("locked", "forbidden"):
        for key in getattr(problem, field):
            parts[pair_part(*key)][field].append(key)
    return [parts[i] for i in sorted(parts)]


def components(problem: Problem) -> list[Problem]:
    """Independent parts of ``problem`` (see the module's doc), in order of their first
    street; ``[problem]`` itself when it does not split. A helper that may serve no street
    with people, and a locked or forbidden pair naming nobody known, go with the first."""
    needs: dict[str, set] = defaultdict(set)
    for person in problem.beneficiaries:
        needs[person.street] |= person.needs
    street_of = {person.id: person.street for person in problem.beneficiaries}
    reach = _reach(problem, needs)
    sets = _joined(problem, needs, reach, street_of)
    roots = sorted({sets.find(street) for street in sets.parent})
    if len(roots) < 2:
        return [problem]
    index = {root: i for i, root in enumerate(roots)}

    def part_of(streets) -> int:
        return index[sets.find(min(streets))] if streets else 0

    spread = sponsor_spread(problem)
    return [replace(problem, beneficiaries=tuple(part["beneficiaries"]),
                    cadres=tuple(part["cadres"]), volunteers=tuple(part["volunteers"]),
                    sponsors=tuple(part["sponsors"]), locked=tuple(part["locked"]),
                    forbidden=frozenset(part["forbidden"]), sponsor_spread=spread)
            for part in _deal(problem, part_of, reach, street_of)]


def by_layer(problem: Problem) -> list[Problem]:
    """``problem`` as one part per layer it solves (``Problem.layers``), each solved by
    :func:`matching.solve` from the problem alone, as in the whole: the pairs, objectives,
    bounds and reports of the parts merged (:func:`merge`) are the whole's. Each part holds
    the whole problem, so its arrays and the ties of its optimum are the whole's."""
    return [replace(problem, layers=(name,)) for name in problem.layers]


def work_parts(problem: Problem, layers_from: int | None = None) -> list[Problem]:
    """The parts workers solve apart: :func:`components`, and each component of at least
    ``layers_from`` people (None: none) split further :func:`by_layer`, so two workers solve
    one large district's cadre and volunteer layers at once."""
    parts = components(problem)
    if layers_from is None:
        return parts
    return [layer for part in parts for layer in
            (by_layer(part) if len(part.beneficiaries) >= layers_from else [part])]


def _worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=SEVERITY.index, default="OPTIMAL")


def _merge_proofs(results: list[Result]) -> tuple[LayerProof, ...]:
    """Per layer some part solved: the worst status, objectives and bounds added, rounds the
    most of any component, arcs and pairs checked added."""
    out = []
    for name in LAYERS:
        proofs = [proof for result in results for proof in result.layers if proof.layer == name]
        if not proofs and results:
            continue  # no part solved it
        out.append(LayerProof(name, _worst(proof.status for proof in proofs),
                              sum(proof.objective for proof in proofs),
                              sum(proof.bound for proof in proofs),
                              max((proof.rounds for proof in proofs), default=0),
                              sum(proof.arcs for proof in proofs),
                              sum(proof.checked for proof in proofs),
                              sum(proof.cost for proof in proofs)))
    return tuple(out)


def _union(mappings) -> MappingProxyType:
    merged = {}
    for mapping in mappings:
        merged.update(mapping)
    return MappingProxyType(dict(sorted(merged.items())))


#: a pair's :attr:`~matching.model.Pair.key`, read in C (a city merges 842,819 pairs)
_PAIR_KEY = attrgetter("helper_kind", "helper_id", "beneficiary_id")


def merge(results: Iterable[Result], problem: Problem | None = None, *,
          tolerance: int | None = None) -> Result:
    """One result from the results of a problem's components.

    Objectives, bounds and parts add; the status is OPTIMAL only if every component's is (the
    worst otherwise: INFEASIBLE, UNKNOWN, FEASIBLE); pairs, coverage, unmatched people,
    conflicts, quota violations and split households are the union (household counts add);
    ``seconds`` is their sum (the work, not the
    wall time of parallel workers). Balance notes compare a street with the whole district:
    given the whole ``problem`` (or only its ``balance_tolerance`` as ``tolerance``, all they
    read of it) they are worded over the merged coverage, else they are each component's own.
    """
    results = list(results)
    parts: dict[str, int] = defaultdict(int)
    for result in results:
        for name, value in result.parts.items():
            parts[name] += value
    coverage = _union(result.coverage for result in results)
    if problem is None and tolerance is not None:
        problem = Problem((), balance_tolerance=tolerance)
    notes = tuple(balance_notes(problem, dict(coverage))) if problem is not None else \
        tuple(note for result in results for note in result.notes)
    return Result(
        status=_worst(result.status for result in results),
        objective=sum(result.objective for result in results),
        bound=sum(result.bound for result in results),
        seconds=sum(result.seconds for result in results),
        pairs=tuple(sorted((pair for result in results for pair in result.pairs),
                           key=_PAIR_KEY)),
        coverage=coverage,
        volunteer_coverage=_union(result.volunteer_coverage for result in results),
        unmatched=tuple(sorted((found for result in results for found in result.unmatched),
                               key=itemgetter(0))),
        conflicts=tuple(found for result in results for found in result.conflicts),
        quota_violations=tuple(sorted({found for result in results
                                       for found in result.quota_violations})),
        parts=MappingProxyType(dict(parts)),
        notes=notes,
        layers=_merge_proofs(results),
        households=households.merge(result.households for result in results),
    )


def solve_split(problem: Problem,
                solved: Callable[[int, int], None] | None = None) -> Result:
    """:func:`matching.solve` component by component (:func:`components`), merged; each
    component gets the time left of ``problem.time_limit_s``. ``solved(done, total)`` hears
    the number of components before the first is solved, then each one solved (a progress
    bar)."""
    parts = components(problem)
    if solved is not None:
        solved(0, len(parts))
    if len(parts) == 1:
        result = solve(problem)
        if solved is not None:
            solved(1, 1)
        return result
    deadline, results = time.perf_counter() + problem.time_limit_s, []
    for part in parts:
        results.append(solve(time_left(part, deadline - time.perf_counter())))
        if solved is not None:
            solved(len(results), len(parts))
    return merge(results, problem)


def time_left(part: Problem, seconds: float) -> Problem:
    """``part`` with ``seconds`` (none if negative) left of its problem's time limit: what a
    component is given when it starts, in this process or on another worker."""
    return replace(part, time_limit_s=max(seconds, 0.0))
