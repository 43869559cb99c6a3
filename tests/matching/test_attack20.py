"""Attacks on the pruned first arcs, the cold re-solve and the layer parts (attack 20)."""

import itertools
from dataclasses import replace
from types import SimpleNamespace

import matching.flow as flow_module
import matching.pricing as pricing_module
import matching.simplex as simplex_module
import matching.solver as solver_module
from matching import (
    Beneficiary,
    Cadre,
    Problem,
    by_layer,
    merge,
    solve,
    solve_split,
    work_parts,
)
from matching.flow import solve_layer
from matching.generate import small_instance
from matching.prepare import prepare_layer
from matching.scoring import layer_of
from matching.transport import dump_parts, load_part


def test_components_with_nobody_are_each_sent_as_themselves():
    """Two components with no people (cadres of streets nobody lives in yet) both hold the one
    empty tuple: they still go as two JSONs, and the merge says what the whole says."""
    people = (Beneficiary(1, "甲", "甲0"), Beneficiary(2, "乙", "乙0"))
    cadres = (Cadre(1, "staff", "甲", "甲0"), Cadre(2, "staff", "丙", "丙0"),
              Cadre(3, "district_leader", "丁", "丁0"))
    problem = Problem(people, cadres)
    parts = work_parts(problem, 1)
    assert sum(not part.beneficiaries for part in parts) == 2
    sent = list(dump_parts(problem, parts))
    loaded = [load_part(payload, layers) for payload, layers in sent]
    assert loaded == parts
    merged, whole = merge([solve(part) for part in loaded], problem), solve_split(problem)
    assert sorted(map(repr, merged.conflicts)) == sorted(map(repr, whole.conflicts))
    assert merged.quota_violations == whole.quota_violations == \
        ((2, "staff", 0, 1, 1), (3, "district_leader", 0, 2, 3))


def _slow_clock(monkeypatch):
    """A machine where each look at the clock takes a second: the solver's, the flow's and
    the simplex's clocks tick once per look, so the time left is the same on every run."""
    ticks = itertools.count(1)
    clock = SimpleNamespace(perf_counter=lambda: float(next(ticks)))
    for module in (solver_module, flow_module, simplex_module):
        monkeypatch.setattr(module, "time", clock)


def _pairs(flow) -> list:
    return sorted(zip(flow.helper.tolist(), flow.person.tolist(), strict=True))


def test_a_proven_layer_does_not_depend_on_the_time_left(monkeypatch):
    """Pricing adds more than half the flow's arcs: with time to spare the re-solve starts
    over (OR-Tools), with little it used to pivot instead, and both were proven optimal with
    other pairs (ties). The way a re-solve goes may not hang on the clock: short of time to
    start over, the layer stops with its gap."""
    prepared = prepare_layer(small_instance(seed=15, people=60, cadres=12, volunteers=6,
                                            limit=1), "cadre")
    _slow_clock(monkeypatch)
    roomy = solve_layer(prepared, deadline=1e9)
    assert roomy.gap == 0 and roomy.rounds == 1
    for deadline in range(3, 12):
        _slow_clock(monkeypatch)
        tight = solve_layer(prepared, deadline=float(deadline))
        assert tight.gap > 0 or _pairs(tight) == _pairs(roomy), deadline


def test_a_layer_solved_apart_is_the_whole_s_whatever_the_time_left(monkeypatch):
    """In one process the later layers have less time left than as parts of their own
    (`by_layer`): where both are proven, their pairs are the same."""
    problem = replace(small_instance(seed=19, people=60, cadres=12, volunteers=8, sponsors=3,
                                     limit=1), time_limit_s=15.0)
    _slow_clock(monkeypatch)
    whole = solve(problem)
    parts = []
    for part in by_layer(problem):
        _slow_clock(monkeypatch)
        parts.append(solve(part))
    merged = merge(parts, problem)
    proven = {proof.layer for proof in whole.layers if proof.status == "OPTIMAL"} & \
        {proof.layer for proof in merged.layers if proof.status == "OPTIMAL"}
    assert [proof.status for proof in merged.layers] == ["OPTIMAL"] * 3  # time to spare
    for name in proven:
        assert [pair for pair in whole.pairs if layer_of(pair.helper_kind) == name] == \
            [pair for pair in merged.pairs if layer_of(pair.helper_kind) == name], name


def test_the_first_solve_s_pace_leaves_out_the_compiled_loops_first_load(monkeypatch):
    """A process whose compiled pricing is not loaded yet (no worker's warm-up) loads it in
    the first solve; the pace a re-solve from nothing is judged by (start_over) leaves that
    out, else the layer, short of time to start over, would stop where it has plenty."""
    prepared = prepare_layer(small_instance(seed=15, people=60, cadres=12, volunteers=6,
                                            limit=1), "cadre")
    ticks = itertools.count(1)
    clock = SimpleNamespace(perf_counter=lambda: float(next(ticks)))
    for module in (flow_module, simplex_module):
        monkeypatch.setattr(module, "time", clock)
    real, loaded = pricing_module.least_potentials, []

    def first_load(*args):
        if not loaded:
            loaded.append(True)
            for _ in range(1000):  # a thousand seconds to load
                next(ticks)
        return real(*args)

    monkeypatch.setattr(pricing_module, "least_potentials", first_load)
    monkeypatch.setattr(flow_module, "least_potentials", first_load)
    flow = solve_layer(prepared, deadline=2000.0)
    assert loaded and flow.gap == 0 and flow.rounds == 1
