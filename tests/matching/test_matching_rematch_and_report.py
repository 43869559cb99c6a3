"""Re-matching after a decline, the infeasibility report, and the district instance."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Beneficiary, Cadre, Problem, Sponsor, district_instance, rematch, solve
from matching.generate import small_instance
from matching.scoring import layer_of


@settings(deadline=None, max_examples=200)
@given(st.builds(small_instance, seed=st.integers(0, 10**6), people=st.integers(2, 16),
                 cadres=st.integers(1, 6), volunteers=st.integers(0, 3)),
       st.integers(0, 10**6))
def test_rematch_changes_no_other_pair(problem, pick):
    result = solve(problem)
    if not result.pairs:
        return
    old = result.pairs[pick % len(result.pairs)]
    out = rematch(problem, result, old.beneficiary_id, (old.helper_kind, old.helper_id))
    before = {p.key for p in result.pairs} - {old.key}
    after = {p.key for p in out.pairs}
    assert before <= after and len(after - before) <= 1
    if out.pair is None:
        assert after == before and out.reason
        return
    new = out.pair
    assert after - before == {new.key}
    assert new.beneficiary_id == old.beneficiary_id
    assert layer_of(new.helper_kind) == layer_of(old.helper_kind)
    assert new.helper_id != old.helper_id  # the declined helper is never re-offered
    assert new.key not in problem.forbidden


def _street(name, n, start=1):
    return tuple(Beneficiary(start + i, name, f"{name}0") for i in range(n))


def test_infeasible_report_names_street_and_rank():
    people = _street("上清寺", 2) + _street("大坪", 3, start=10)
    cadres = tuple(Cadre(i, "district_leader", "上清寺") for i in (1, 2, 3)) + (
        Cadre(4, "staff", "大坪"),)
    result = solve(Problem(people, cadres))
    assert result.status == "INFEASIBLE"
    assert result.conflicts == ("上清寺: 3 名区级领导至少需要 6 人，仅 2 人可结对",)
    assert {v[0] for v in result.quota_violations} <= {1, 2, 3}
    load = [sum(p.helper_id == i for p in result.pairs) for i in (1, 2, 3)]
    assert sorted(load, reverse=True)[0] <= 3 and sum(load) == 2  # best partial, maxima kept
    assert ("cadre", 4) in {(p.helper_kind, p.helper_id) for p in result.pairs}


def test_cross_street_cadre_fills_the_poorer_street():
    people = _street("上清寺", 4) + _street("大坪", 4, start=10)
    cadres = (Cadre(1, "district_leader", "大坪"), Cadre(2, "staff", "大坪"),
              Cadre(3, "division_leader", "大坪", cross_street_allowed=frozenset({"上清寺"})))
    result = solve(Problem(people, cadres))
    assert result.status == "OPTIMAL"
    assert dict(result.coverage) == {"上清寺": (2, 4), "大坪": (4, 4)}


def test_district_instance_and_fast_rematch():
    problem = district_instance(1.0, seed=0)
    assert len(problem.beneficiaries) == 12018 and len(problem.cadres) == 3578
    result = solve(problem)
    assert result.status == "OPTIMAL" and result.bound == result.objective
    assert result.seconds < 10
    assert sum(t for _, t in result.coverage.values()) == 12018
    pair = next(p for p in result.pairs if p.helper_kind == "volunteer")
    start = time.perf_counter()
    out = rematch(problem, result, pair.beneficiary_id, ("volunteer", pair.helper_id))
    assert time.perf_counter() - start < 0.5
    assert out.pair is None or out.pair.helper_id != pair.helper_id


def test_rematch_uses_spare_capacity_and_keeps_the_rest():
    people = _street("大坪", 5)
    problem = Problem(people, (Cadre(1, "district_leader", "大坪"),
                               Cadre(2, "district_leader", "大坪")))
    result = solve(problem)
    assert result.status == "OPTIMAL" and len(result.pairs) == 5
    full = max((1, 2), key=lambda c: sum(p.helper_id == c for p in result.pairs))
    old = next(p for p in result.pairs if p.helper_id == full)
    out = rematch(problem, result, old.beneficiary_id, ("cadre", full))
    assert out.pair is not None and out.pair.helper_id == 3 - full
    assert "rematch" in out.pair.reasons
    assert {p.key for p in out.pairs} == {p.key for p in result.pairs} - {old.key} | {
        out.pair.key}


def test_money_is_integer_fen():
    with pytest.raises(TypeError):
        Sponsor(1, budget_fen=100.0, unit_fen=10)
    with pytest.raises(ValueError):
        Sponsor(1, budget_fen=100, unit_fen=0)
