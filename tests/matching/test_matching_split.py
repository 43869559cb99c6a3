"""A problem split into independent components and merged gives the result of solving it whole:
objective, status, bound, pairs, per-layer proofs and reports (hypothesis on small random
multi-street instances, some with cross-street permissions, travel and sponsors)."""

import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import (
    Beneficiary,
    Cadre,
    Problem,
    Sponsor,
    Volunteer,
    by_layer,
    components,
    evaluate,
    merge,
    solve,
    solve_split,
    work_parts,
)
from matching.generate import city_instance
from matching.scoring import layer_of

STREETS = ("甲", "乙", "丙", "丁", "戊")
RANKS = ("district_leader", "division_leader", "staff", "staff")
NEEDS = ("medical", "education", "housing")


@st.composite
def cities(draw):
    """A few streets; helpers mostly of one street, some allowed across streets."""
    streets = STREETS[:draw(st.integers(2, 5))]
    street = st.sampled_from(streets)
    some = st.frozensets(street, max_size=1)
    people = [Beneficiary(i + 1, s := draw(street), f"{s}{draw(st.integers(0, 1))}",
                          draw(st.sampled_from(("dibao", "tekun"))), frozenset(),
                          draw(st.frozensets(st.sampled_from(NEEDS), max_size=2)),
                          draw(st.sampled_from((frozenset(), frozenset(), {"nursing"}))),
                          draw(st.sampled_from((None, 1, 2))))
              for i in range(draw(st.integers(1, 14)))]
    cadres = [Cadre(i + 1, draw(st.sampled_from(RANKS)), s := draw(street), f"{s}0",
                    draw(st.one_of(st.just(frozenset()), some)),
                    draw(st.frozensets(st.sampled_from(("nursing", "medical")), max_size=1)))
              for i in range(draw(st.integers(0, 6)))]
    volunteers = [Volunteer(i + 1, draw(st.sampled_from(("volunteer", "organisation"))),
                            frozenset({"education"}), draw(st.integers(1, 2)), None,
                            draw(street), draw(st.one_of(st.just(frozenset()), some)))
                  for i in range(draw(st.integers(0, 3)))]
    sponsors = [Sponsor(i + 1, draw(st.integers(0, 4)) * 50_000, 50_000,
                        draw(st.sampled_from((*streets, "education", "medical", None))))
                for i in range(draw(st.integers(0, 3)))]
    locked = ()
    if cadres and draw(st.booleans()):
        locked = (("cadre", cadres[0].id, draw(st.sampled_from(people)).id),)
    forbidden = frozenset(("cadre", draw(st.integers(1, 6)), draw(st.integers(1, 14)))
                          for _ in range(draw(st.integers(0, 2))))
    return Problem(tuple(people), tuple(cadres), tuple(volunteers), tuple(sponsors), locked,
                   forbidden, candidate_limit=draw(st.sampled_from((None, 2, 12))))


def _messages(found):
    return Counter(repr(message) for message in found)


def assert_same(problem, split, whole):
    """The same status, objective, bound and per-layer proofs; the same pairs, coverage and
    reports where the optimum is unique, else an equally good pair set (min-cost flow breaks
    ties between equal optima by the network's shape, which the split changes)."""
    assert split.status == whole.status
    assert (split.objective, split.bound) == (whole.objective, whole.bound)
    assert dict(split.parts) == dict(whole.parts)
    assert [(p.layer, p.status, p.objective, p.bound) for p in split.layers] == \
        [(p.layer, p.status, p.objective, p.bound) for p in whole.layers]
    assert {name: value for name, value in evaluate(problem, split.pairs).items()
            if name in problem.layers} == dict(whole.parts)
    keys = [pair.key for pair in split.pairs]
    locked = {pair for pair in problem.locked if layer_of(pair[0]) in problem.layers}
    assert len(keys) == len(set(keys)) and locked <= set(keys)
    assert not set(keys) & (problem.forbidden - set(problem.locked))  # locked pairs stay
    if keys != [pair.key for pair in whole.pairs]:
        return
    assert dict(split.coverage) == dict(whole.coverage)
    assert dict(split.volunteer_coverage) == dict(whole.volunteer_coverage)
    assert split.unmatched == whole.unmatched
    assert _messages(split.conflicts) == _messages(whole.conflicts)
    assert split.quota_violations == whole.quota_violations
    assert _messages(split.notes) == _messages(whole.notes)


def _keys(problem):
    return {("person", p.id) for p in problem.beneficiaries} | \
        {("cadre", c.id) for c in problem.cadres} | \
        {("volunteer", v.id) for v in problem.volunteers} | \
        {("sponsor", s.id) for s in problem.sponsors}


@settings(deadline=None, max_examples=200)
@given(cities())
def test_split_solves_like_the_whole(problem):
    parts = components(problem)
    keys = [_keys(part) for part in parts]
    assert sum(len(k) for k in keys) == len(_keys(problem))  # a partition
    assert set().union(*keys) == _keys(problem)
    whole = solve(problem)
    split = merge([solve(part) for part in parts], problem)
    assert_same(problem, split, whole)
    assert_same(problem, solve_split(problem), whole)


def result_fields(result) -> dict:
    """Everything a result says but the time it took; messages as counts (their order
    follows the parts')."""
    return {"status": result.status, "objective": result.objective, "bound": result.bound,
            "pairs": result.pairs, "coverage": dict(result.coverage),
            "volunteer_coverage": dict(result.volunteer_coverage),
            "unmatched": result.unmatched, "conflicts": _messages(result.conflicts),
            "quota_violations": result.quota_violations, "parts": dict(result.parts),
            "notes": _messages(result.notes), "layers": result.layers,
            "households": result.households}


@settings(deadline=None, max_examples=150)
@given(cities(), st.sampled_from(((), ("volunteer",), ("cadre", "sponsor"))))
def test_layers_solved_apart_merge_into_the_whole(problem, only):
    """Each layer is solved from the problem alone, so its part's pairs are the whole's, ties
    included, and the merge says all the whole says."""
    if only:
        problem = replace(problem, layers=only)
    parts = by_layer(problem)
    assert [part.layers for part in parts] == [(name,) for name in problem.layers]
    whole = solve(problem)
    assert [proof.layer for proof in whole.layers] == list(problem.layers)
    for tolerance in (False, True):
        merged = merge([solve(part) for part in parts],
                       tolerance=problem.balance_tolerance if tolerance else None)
        assert result_fields(merged) == result_fields(whole)
    mixed = merge([solve(part) for part in work_parts(problem, layers_from=4)], problem)
    assert_same(problem, mixed, solve_split(problem))


def test_layers_name_some_layers_in_priority_order():
    person = Beneficiary(1, "甲", "甲0", "tekun", frozenset(), frozenset(), frozenset(), None)
    for wrong in ((), ("volunteer", "cadre"), ("cadre", "cadre"), ("helpers",)):
        with pytest.raises(ValueError, match="layers must be"):
            Problem((person,), layers=wrong)
    alone = solve(Problem((person,), (Cadre(1, "staff", "甲", "甲0"),), layers=("volunteer",)))
    assert (alone.pairs, dict(alone.coverage), alone.unmatched) == ((), {}, ())
    assert [proof.layer for proof in alone.layers] == ["volunteer"]


def test_two_districts_split_and_solve_as_one():
    city = city_instance(3, scale=0.02, seed=7)
    parts = components(city)
    assert len(parts) >= 3  # at least one per district
    for part in parts:  # never a component across two districts
        assert len({p.street[0] for p in part.beneficiaries}) == 1
    assert_same(city, solve_split(city), solve(city))


def test_cross_street_links_merge_streets():
    people = (Beneficiary(1, "甲", "甲0"), Beneficiary(2, "乙", "乙0"), Beneficiary(3, "丙", "丙0"))
    cadres = (Cadre(1, "staff", "甲"), Cadre(2, "staff", "乙"), Cadre(3, "staff", "丙"))
    apart = Problem(people, cadres)
    assert [sorted(p.street for p in part.beneficiaries) for part in components(apart)] == \
        [["丙"], ["乙"], ["甲"]]
    linked = replace(apart, cadres=(replace(cadres[0], cross_street_allowed=frozenset({"乙"})),
                                    *cadres[1:]))
    assert [sorted(p.street for p in part.beneficiaries) for part in components(linked)] == \
        [["丙"], ["乙", "甲"]]
    travel = replace(apart, volunteers=(Volunteer(1, home_street="丙",
                                                  travel_streets=frozenset({"甲"})),))
    assert [sorted(p.street for p in part.beneficiaries) for part in components(travel)] == \
        [["丙", "甲"], ["乙"]]
    anywhere = replace(apart, sponsors=(Sponsor(1, 100_000, 50_000),))  # undesignated money
    assert components(anywhere) == [anywhere]
    locked = replace(apart, locked=(("cadre", 3, 1),))  # a locked pair joins its streets
    assert len(components(locked)) == 2


def test_a_component_keeps_the_districts_sponsor_spread():
    """Sponsors' street rewards are scaled by the whole district's need and money: a component
    solved without that scale scores (and may pair) differently, so the split carries it."""
    city = city_instance(2, scale=0.02, seed=3)
    streets = sorted({p.street for p in city.beneficiaries})
    city = replace(city, sponsors=(Sponsor(1, 2_000_000, 50_000, streets[0]),
                                   Sponsor(2, 50_000, 50_000, streets[-1])))
    parts = components(city)
    assert len(parts) >= 2
    assert all(part.sponsor_spread == parts[0].sponsor_spread for part in parts)
    assert parts[0].sponsor_spread is not None
    alone = [solve(replace(part, sponsor_spread=None)) for part in parts]
    whole = solve(city)
    assert sum(result.parts["sponsor"] for result in alone) != whole.parts["sponsor"]
    assert_same(city, merge([solve(part) for part in parts], city), whole)


def test_the_benchmarks_city_option_solves_each_district_on_workers():
    bench = Path(__file__).resolve().parents[2] / "benchmarks" / "matching_bench.py"
    out = subprocess.run([sys.executable, str(bench), "--city", "2", "--city-scale", "0.02",
                          "--workers", "1", "2"], capture_output=True, text=True, timeout=300,
                         check=True).stdout
    assert "in 2 components" in out
    rows = [line.split() for line in out.splitlines() if " city, " in line]
    assert [row[4] for row in rows] == ["OPTIMAL", "OPTIMAL"]
    assert rows[0][6] == rows[1][6] == str(solve(city_instance(2, 0.02)).objective)
    assert all("same pairs, objective, bound and statuses as 1 worker(s)" in " ".join(row)
               for row in rows)
    assert "speed-up of 2 workers over 1" in out


def test_a_streets_cadres_stay_together_when_it_has_nobody():
    """Found by hypothesis: street 乙 had cadres but no people; its two cadres, allowed into
    甲 and 丙, went to two components and the quota diagnostics judged each alone."""
    people = (Beneficiary(1, "甲", "甲0"), Beneficiary(2, "丙", "丙0"))
    cadres = (Cadre(1, "staff", "乙", cross_street_allowed=frozenset({"甲"})),
              Cadre(2, "staff", "乙", cross_street_allowed=frozenset({"丙"})))
    problem = Problem(people, cadres)
    parts = components(problem)
    assert [sorted(c.id for c in part.cadres) for part in parts if part.cadres] == [[1, 2]]
    assert_same(problem, solve_split(problem), solve(problem))
    lonely = Problem(people[:1], (Cadre(1, "staff", "甲"), Cadre(2, "staff", "乙")))
    parts = components(lonely)
    assert sorted([c.id for c in part.cadres] for part in parts) == [[1], [2]]
    assert_same(lonely, solve_split(lonely), solve(lonely))
