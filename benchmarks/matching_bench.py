"""Benchmark of the pairing optimiser: the optimum proven over every eligible pair, against a
plain CP-SAT model and a greedy heuristic, with each row's time and memory peak.

Usage: python benchmarks/matching_bench.py [--scales 1 10] [--cpsat-scales 1] [--factor 100]
       [--rematch-only] [--layer-workers 2]
       python benchmarks/matching_bench.py --city 100 [--city-scale 1] [--workers 1 2]

Rows, each in a process of its own so that its memory peak (``VmHWM``: numpy and OR-Tools
alike, building the instance included) is its own:

- flow, all layers: :func:`matching.solve`, status OPTIMAL only when pricing proved it over
  every eligible pair (goals: 1x within 2 s, 10x within 20 s);
- layers on 2 workers: the same district as a part per layer (``matching.by_layer``), as
  the pairing job hands a large district to its workers (``PAIRING_LAYER_PARTS_FROM``), on a
  warm pool of processes (``--layer-workers``; see ``--city`` for what the pool stands for):
  each layer is solved from the problem alone, so the pairs, objective, bound and status must
  be the row above's, and it says whether they are. Its wall time runs from the first part
  sent (the whole district as JSON, once per part) to the merged result;
- flow, cadre layer: the same for the cadre layer alone, the reference of the next two rows;
- plain CP-SAT as a user would write it from the OR-Tools samples: one boolean per eligible
  cadre pair, every core, no hint, a time limit of ``--factor`` times the flow's cadre time;
  it prints when CP-SAT first reached the flow's objective, or its gap at 10x and 100x;
- greedy (priority first) over the candidate arcs: its objective and whether it leaves cadres
  below their quota minimum;
- re-match after a decline, on a pair whose person has another eligible helper with room left
  (an optimal run fills every helper, so one other pair of that helper ends first; goal:
  within 50 ms at 10x): on the whole district, and on the small problem the app re-matches on
  (the person, the helpers who may serve their street and their pairs; loading it from the
  database is not timed). ``--rematch-only`` prints these rows alone.
- ``--households`` (alone): the all-layers row, then the same district with its people in
  households and the household rule, with the split households before and after and the
  rule's cost;
- ``--city N`` (alone; not run by default): a city of N districts side by side
  (:func:`matching.generate.city_instance`; 100 districts = 1.2M people, every rule, each
  district's sponsors pledged within it), split by :func:`matching.components` and solved on
  a pool of each ``--workers`` count, every component proven on its own; prints the wall time
  and the speed-up of the most workers over one. The workers are processes, not Celery
  workers: a benchmark needs no Redis server, and it times what the pairing job's tasks do
  (``charity.pairing.components``) but the broker's hop: each component goes to a warm pool
  (the optimiser loaded, as in a running worker) as the job's JSON (``matching.transport``),
  is solved, comes back as JSON and is merged (``matching.merge``) on one of the pool's
  processes, as the chord's callback is on a worker; the wall time runs from the first
  component dumped to the merged result. Each row runs in a process of its own that builds
  the city (not timed); its memory peak is that process's (the whole city, the payloads),
  the largest pool process's (a component's solve, or the merge) is in the note. Every row
  must give the first row's pairs, objective, bound and statuses, and says whether it does.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import multiprocessing
import os
import resource
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import (  # noqa: E402
    Message,
    by_layer,
    components,
    district_instance,
    merge,
    rematch,
    solve,
    transport,
)
from matching.baseline import greedy, plain_cpsat  # noqa: E402
from matching.candidates import banned_pairs, eligible  # noqa: E402
from matching.generate import city_instance, with_households  # noqa: E402
from matching.layers import build_layer, quota_bounds  # noqa: E402
from matching.scoring import layer_of  # noqa: E402
from matching.simplex import warm_up  # noqa: E402
from matching.vocabulary import vocabulary  # noqa: E402

HEAD = f"{'scale':>5} {'row':<24} {'status':<11} {'time s':>9} {'objective':>13} " \
       f"{'bound':>13} {'gap':>8} {'peak MB':>8}  note"


def _peak_mb() -> float:
    """This process's memory peak: Linux's ``VmHWM``, the peak of its own memory since it
    started. Not ``ru_maxrss``, which on Linux keeps the peak of the process it was forked
    from across the ``exec`` of a spawned process: a pool started by a process holding a city
    of 2 GB reported 2 GB for each worker. ``ru_maxrss`` only where there is no ``/proc``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status
                        if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _line(scale, row, status, seconds, objective, bound, peak, note=""):
    gap = "-" if objective is None or bound is None else \
        f"{(bound - objective) / max(abs(bound), 1):8.4%}"
    print(f"{scale:>5g} {row:<24} {status:<11} {seconds:9.3f} "
          f"{objective if objective is not None else '-':>13} "
          f"{bound if bound is not None else '-':>13} {gap:>8} {peak:8.0f}  {note}", flush=True)


def rematch_case(problem, result, kind: str):
    """(pair to decline, pairs before the decline): the first pair of ``kind`` (by person id,
    not locked) whose person has another eligible helper, not forbidden. When every such
    helper is at their maximum (an optimal run fills them all), one other pair of that helper
    has ended first (say the person moved away), so that a replacement exists."""
    name = layer_of(kind)
    layer = build_layer(problem, name, vocabulary(problem))
    load = Counter(pair.helper_id for pair in result.pairs if layer_of(pair.helper_kind) == name)
    full = np.array([load[helper.id] >= quota_bounds(problem, name, helper)[1]
                     for helper in layer.helpers], dtype=bool)
    banned = banned_pairs(layer, problem.forbidden)
    person_at = {person_id: i for i, person_id in enumerate(layer.person_ids.tolist())}
    every = np.arange(len(layer.helpers))
    mine = [pair for pair in sorted(result.pairs, key=lambda pair: pair.beneficiary_id)
            if pair.helper_kind == kind and Message("locked") not in pair.reasons]
    for pair in mine:
        person = person_at[pair.beneficiary_id]
        ok = eligible(layer, every, np.full(len(every), person))
        ok &= layer.helper_ids != pair.helper_id
        ok[[helper for helper, _ in banned.get(person, ())]] = False
        if not ok.any():
            continue
        if (ok & ~full).any():
            return pair, result.pairs
        other = int(layer.helper_ids[np.flatnonzero(ok)[0]])
        ended = next((one for one in mine if one.helper_id == other
                      and layer_of(one.helper_kind) == name), None)
        if ended is not None:
            return pair, tuple(one for one in result.pairs if one is not ended)
    return None


def as_the_app_calls_it(problem, pairs, person_id: int):
    """The small problem the app re-matches on (``charity.pairing.adapter.rematch_problem``):
    the person, the cadres and volunteers who may serve their street, and those helpers' pairs."""
    person = next(one for one in problem.beneficiaries if one.id == person_id)
    street = person.street
    cadres = tuple(c for c in problem.cadres if street in c.cross_street_allowed | {
        c.group_street})
    volunteers = tuple(v for v in problem.volunteers if street in v.streets)
    ids = {("cadre", c.id) for c in cadres} | {(v.kind, v.id) for v in volunteers}
    small = replace(problem, beneficiaries=(person,), cadres=cadres, volunteers=volunteers,
                    sponsors=(), locked=())
    return small, [pair for pair in pairs if (pair.helper_kind, pair.helper_id) in ids]


REPEATS = 5  #: re-match timings: the best of this many runs, the median beside it


def _time_rematch(problem, pairs, pair) -> tuple[float, str]:
    """The best of :data:`REPEATS` runs of the re-match (it changes nothing, so each run is
    the same work; the first may meet a collection of the solve's garbage), and what it
    found, with the median."""
    times, found = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        found = rematch(problem, pairs, pair.beneficiary_id, (pair.helper_kind, pair.helper_id))
        times.append(time.perf_counter() - start)
    got = f"{found.pair.helper_kind} #{found.pair.helper_id}" if found.pair else \
        found.reason.code
    return min(times), f"person #{pair.beneficiary_id}: {got}; best of {REPEATS}, median " \
                       f"{sorted(times)[REPEATS // 2] * 1000:.0f} ms"


def rematch_rows(problem, result) -> list:
    """A timed re-match per layer, on the whole district and as the app calls it."""
    out = []
    for kind in ("cadre", "volunteer"):
        case = rematch_case(problem, result, kind)
        if case is None:
            out.append((kind, None, "no person has another eligible helper"))
            continue
        pair, before = case
        freed = "" if before is result.pairs else " (after another pair of that helper ended)"
        seconds, what = _time_rematch(problem, before, pair)
        out.append((kind, seconds, f"whole district; {what}{freed}"))
        small, pairs = as_the_app_calls_it(problem, before, pair.beneficiary_id)
        seconds, what = _time_rematch(small, pairs, pair)
        out.append((kind, seconds, f"as the app calls it ({len(small.cadres)} cadres, "
                                   f"{len(small.volunteers)} volunteers, {len(pairs)} pairs); "
                                   f"{what}"))
    return out


def rematch_only_row(scale: float) -> dict:
    """Solve (all layers), then the re-match rows alone."""
    problem = district_instance(scale, seed=0)
    warm_up()
    result = solve(problem)
    return {"rematch": rematch_rows(problem, result), "peak": _peak_mb()}


def flow_row(scale: float, households: bool = False) -> dict:
    """All layers, proven over every eligible pair; then a timed re-match per layer. With
    ``households`` its people are in households (:func:`matching.generate.with_households`)
    and the household rule runs in the cadre layer."""
    problem = district_instance(scale, seed=0)
    if households:
        problem = with_households(problem, seed=0)
    warm_up()  # as a running worker has (charity/worker.py)
    cpu = time.process_time()
    result = solve(problem)
    report = result.households
    out = {"households": (report.households, report.before, report.split, report.bound,
                          dict(report.cost)),
           "people": len(problem.beneficiaries), "cadres": len(problem.cadres),
           "helpers": len(problem.volunteers), "status": result.status,
           "seconds": result.seconds, "cpu": time.process_time() - cpu,
           "objective": result.objective, "bound": result.bound, "peak": _peak_mb(),
           "layers": [(p.layer, p.status, p.rounds, p.arcs, p.checked) for p in result.layers],
           "keys": hashlib.sha256(repr([pair.key for pair in result.pairs]).encode())
           .hexdigest(), "rematch": rematch_rows(problem, result)}
    return out


def cadre_row(scale: float) -> dict:
    """The cadre layer alone (the reference of CP-SAT and greedy)."""
    problem = district_instance(scale, seed=0)
    warm_up()
    result = solve(replace(problem, volunteers=(), sponsors=()))
    proof = result.layers[0]
    return {"status": proof.status, "seconds": result.seconds, "objective": proof.objective,
            "bound": proof.bound, "peak": _peak_mb()}


def cpsat_row(scale: float, limit: float) -> dict:
    """Plain CP-SAT over every eligible cadre pair, every core, no hint."""
    problem = replace(district_instance(scale, seed=0), candidate_limit=None)
    found = plain_cpsat(problem, "cadre", time_limit=limit, workers=None)
    return {**{k: found[k] for k in ("status", "seconds", "objective", "bound", "trace",
                                     "build_seconds")}, "peak": _peak_mb()}


def greedy_row(scale: float) -> dict:
    """Greedy, priority first, over the candidate arcs."""
    found = greedy(district_instance(scale, seed=0), "cadre")
    return {**{k: found[k] for k in ("status", "seconds", "objective", "below_minimum",
                                     "short")}, "peak": _peak_mb()}


def _in_own_process(function, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(function, args)


def _goal(seconds: float, goal: float) -> str:
    return f"goal <= {goal:g} s: {'met' if seconds <= goal else 'MISSED'}"


def run_households(scale: float) -> None:
    """The all-layers row with the district's people in households."""
    row = _in_own_process(flow_row, scale, True)
    households, before, split, bound, cost = row["households"]
    _line(scale, "flow, with households", row["status"], row["seconds"], row["objective"],
          row["bound"], row["peak"], f"CPU {row['cpu']:.2f} s; the gap is the household "
          f"rule's cost, not a gap; {households} households with "
          f"2+ paired, split {before} -> {split} (bound {bound}); cost {cost}")


def run_flow(scale: float, workers: tuple[int, ...] = ()) -> None:
    """The all-layers row, the same district's layers as parts on pools of each of
    ``workers`` processes, and the re-match rows of one scale."""
    row = _in_own_process(flow_row, scale)
    print(f"# {scale:g}x: {row['people']} people, {row['cadres']} cadres, {row['helpers']} "
          f"volunteers/organisations; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    goal = {1.0: 2.0, 10.0: 20.0}.get(scale)
    layers = "; ".join(f"{name} {status} after {rounds} re-solves, {arcs} arcs, {checked} "
                       "pairs priced" for name, status, rounds, arcs, checked in row["layers"])
    _line(scale, "flow, all layers", row["status"], row["seconds"], row["objective"],
          row["bound"], row["peak"], (_goal(row["seconds"], goal) + "; " if goal else "") +
          f"CPU {row['cpu']:.2f} s")
    print(f"      ({layers})")
    for count in workers:
        parted = _in_own_parent(layers_row, scale, count)
        same = all(parted[k] == row[k] for k in ("keys", "objective", "bound", "status"))
        _line(scale, f"layers on {count} worker(s)", parted["status"], parted["wall"],
              parted["objective"], parted["bound"], parted["peak"],
              (_goal(parted["wall"], goal) + "; " if goal and scale >= 10 else
               "the app solves a district below 50,000 people in one process; ") +
              f"solves {parted['work']:.1f} s (CPU {parted['cpu']:.1f} s); largest worker "
              f"{parted['worker_peak']:.0f} MB; {'same' if same else 'NOT THE SAME'} pairs, "
              "objective, bound and status as the row in one process")
    print_rematch(scale, row)


def print_rematch(scale: float, row: dict) -> None:
    """The re-match rows of one scale."""
    for kind, seconds, what in row["rematch"]:
        if seconds is None:
            print(f"{scale:>5g} re-match {kind:<15} {what}")
            continue
        _line(scale, f"re-match {kind}", "-", seconds, None, None, row["peak"],
              f"{what}" + ("; " + _goal(seconds, 0.05) if scale == 10.0 else ""))


def run_baselines(scale: float, factor: float, with_cpsat: bool) -> None:
    """The cadre layer alone, plain CP-SAT against it, and greedy."""
    ref = _in_own_process(cadre_row, scale)
    _line(scale, "flow, cadre layer", ref["status"], ref["seconds"], ref["objective"],
          ref["bound"], ref["peak"], "the reference of the rows below")
    if with_cpsat:
        limit = factor * ref["seconds"]
        cp = _in_own_process(cpsat_row, scale, limit)
        reached = next((t for t, value in cp["trace"] if value >= ref["objective"]), None)
        note = f"model built in {cp['build_seconds']:.1f} s; limit {limit:.0f} s = " \
               f"{factor:g}x the flow; " + ("never reached the flow's objective" if reached is
                                            None else f"reached the flow's objective after "
                                            f"{reached:.1f} s = {reached / ref['seconds']:.1f}x")
        _line(scale, "plain CP-SAT, all pairs", cp["status"], cp["seconds"], cp["objective"],
              cp["bound"], cp["peak"], note)
        for times in (10, 100):
            seen = [value for t, value in cp["trace"] if t <= times * ref["seconds"]]
            gap = "no solution yet" if not seen else \
                f"objective {seen[-1]}, {(ref['objective'] - seen[-1]) / ref['objective']:.4%} " \
                "below the flow's"
            if times <= factor:
                print(f"      CP-SAT at {times}x the flow's time ({times * ref['seconds']:.1f} s "
                      f"into the solve): {gap}")
    found = _in_own_process(greedy_row, scale)
    note = f"{(ref['objective'] - found['objective']) / ref['objective']:.4%} below the " \
        "flow's objective"
    if found["below_minimum"]:
        note += f"; breaks the quota minimums: {found['below_minimum']} cadres below theirs, " \
                f"{found['short']} people short"
    _line(scale, "greedy, priority first", found["status"], found["seconds"],
          found["objective"], None, found["peak"], note)


def _ready(barrier) -> None:
    """A pool process's start, once it has loaded this script and with it the optimiser (as a
    running Celery worker has, the network simplex's compiled pivots included: ``warm_up``):
    wait until every process of the pool has, so that the timing starts with a warm pool."""
    warm_up()
    barrier.wait()


def _component_task(sent: tuple) -> dict:
    """What the pairing job's component task does (``charity.pairing.components``): the
    component from JSON, its part's layers solved, its result back as JSON; with this
    process's memory peak."""
    payload, layers = sent
    cpu = time.process_time()
    result = solve(transport.load_part(payload, layers))
    return {"result": transport.dumps(result), "status": result.status, "peak": _peak_mb(),
            "cpu": time.process_time() - cpu}


def city_row(districts: int, scale: float, count: int) -> dict:
    """One city row, in a process of its own (its memory peak is its own): the city built and
    split (not timed), then, timed, each component sent as JSON to a warm pool of ``count``
    processes, solved, sent back and merged (``matching.merge``)."""
    city = city_instance(districts, scale)
    return {"people": len(city.beneficiaries), **_on_pool(city, components(city), count)}


def layers_row(scale: float, count: int) -> dict:
    """The district's layers as parts (``matching.by_layer``, as the pairing job hands a large
    district to the workers: ``PAIRING_LAYER_PARTS_FROM``) on a warm pool of ``count``."""
    problem = district_instance(scale, seed=0)
    return _on_pool(problem, by_layer(problem), count)


def _merged_task(found: list, tolerance: int) -> dict:
    """What the chord's callback does on a worker (``charity.pairing.components``): the parts'
    results from JSON, merged (``matching.merge``); what a row compares of the merged result
    (the callback keeps it as the run), with this process's memory peak."""
    merged = merge(transport.load_all(found), tolerance=tolerance)
    check = time.perf_counter()  # the row's check of the pairs: not what the callback does
    keys = hashlib.sha256(repr([pair.key for pair in merged.pairs]).encode()).hexdigest()
    return {"work": merged.seconds, "status": merged.status, "objective": merged.objective,
            "bound": merged.bound, "pairs": len(merged.pairs), "keys": keys,
            "layers": [(p.layer, p.status) for p in merged.layers], "peak": _peak_mb(),
            "check": time.perf_counter() - check}


def _on_pool(whole, parts: list, count: int) -> dict:
    """Timed: each part of ``whole`` sent as JSON to a warm pool of ``count`` processes (one
    JSON per component, as the job sends: ``matching.transport.dump_parts``), solved, sent
    back, and merged on one of them, as the chord's callback is on a worker. Each part is sent
    as soon as it is written, as the job's chord sends its header on Redis: the pool's feeder
    thread writes the next while the workers solve the first.

    This process stands in for the job's first task, which holds ``whole`` and dumps it, and
    for the broker. Its objects are moved out of the cycle collector's reach first
    (``gc.freeze``): a broker hands out tasks whatever that task's process does, where here
    the pool's feeder thread waits for this process's lock, and each of the collector's
    passes over a city it holds took 2.4 s, with both workers idle."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(count + 1)
    with context.Pool(count, initializer=_ready, initargs=(barrier,)) as pool:
        barrier.wait()
        gc.collect()
        gc.freeze()
        start = time.perf_counter()
        found = list(pool.imap(_component_task, transport.dump_parts(whole, parts),
                               chunksize=1))  # each part sent as soon as it is written
        merged = pool.apply(_merged_task, ([one["result"] for one in found],
                                           whole.balance_tolerance))
        wall = time.perf_counter() - start - merged.pop("check")
    statuses = Counter(one["status"] for one in found)
    return {"parts": len(parts), "wall": wall, "cpu": sum(one["cpu"] for one in found),
            **merged, "statuses": dict(statuses), "peak": _peak_mb(),
            "worker_peak": max([merged["peak"]] + [one["peak"] for one in found])}


def _in_own_parent(function, *args) -> dict:
    """``function(*args)`` in a process of its own that may start a pool of its own (a pool's
    processes may not)."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        out = manager.dict()
        process = context.Process(target=_into, args=(out, function, args))
        process.start()
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"{function.__name__}{args} ended with {process.exitcode}")
        return dict(out)


def _into(out, function, args) -> None:
    out.update(function(*args))


def run_city(districts: int, scale: float, workers: list[int]) -> None:
    """The city rows: the components solved on warm pools of each size in ``workers``
    (processes, each one a Celery worker's stand-in: see the module's doc), each row checked
    against the first (the same pairs, objective, bound and statuses)."""
    walls, first = {}, None
    for count in workers:
        row = _in_own_parent(city_row, districts, scale, count)
        if first is None:
            first = row
            print(f"# city of {districts} districts at {scale:g}x: {row['people']} people in "
                  f"{row['parts']} components; load average {os.getloadavg()[0]:.1f} on "
                  f"{os.cpu_count()} cores")
        walls[count] = row["wall"]
        same = all(row[k] == first[k] for k in ("keys", "objective", "bound", "status",
                                                "layers"))
        _line(districts, f"city, {count} worker(s)", row["status"], row["wall"],
              row["objective"], row["bound"], row["peak"],
              f"{row['pairs']} pairs; solves {row['work']:.1f} s (CPU {row['cpu']:.1f} s); "
              f"largest worker "
              f"{row['worker_peak']:.0f} MB; each component proven on its own "
              f"({row['statuses']}); "
              f"{'same' if same else 'NOT THE SAME'} pairs, objective, bound and statuses as "
              f"{workers[0]} worker(s)" +
              ("; " + _goal(row["wall"], 60.0) if districts == 100 and scale == 1.0 else ""))
    if len(walls) > 1:
        print(f"      speed-up of {max(walls)} workers over {min(walls)}: "
              f"{walls[min(walls)] / walls[max(walls)]:.2f}x")


def main(argv=None) -> None:
    """Parse arguments and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    ap.add_argument("--cpsat-scales", type=float, nargs="*", default=[1.0])
    ap.add_argument("--factor", type=float, default=100.0,
                    help="CP-SAT's time limit as a multiple of the flow's cadre time")
    ap.add_argument("--rematch-only", action="store_true",
                    help="solve, then print the re-match rows alone")
    ap.add_argument("--city", type=int, default=0,
                    help="alone: a city of this many districts, split and solved on workers")
    ap.add_argument("--city-scale", type=float, default=1.0)
    ap.add_argument("--households", action="store_true",
                    help="alone: the all-layers row with people in households")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--layer-workers", type=int, nargs="*", default=[2],
                    help="pool sizes for the row of each scale's layers as parts")
    args = ap.parse_args(argv)
    print(HEAD)
    if args.city:
        run_city(args.city, args.city_scale, args.workers)
        return
    if args.households:
        for scale in args.scales:
            run_flow(scale)
            run_households(scale)
        return
    for scale in args.scales if args.rematch_only else ():
        print_rematch(scale, _in_own_process(rematch_only_row, scale))
    for scale in () if args.rematch_only else args.scales:
        run_flow(scale, tuple(args.layer_workers))
        run_baselines(scale, args.factor, scale in args.cpsat_scales)
    print("objective and bound: all layers for the 'all layers' row, else the cadre layer; "
          "gap = (bound - objective) / bound; peak = the row's process (VmHWM)")


if __name__ == "__main__":
    main()
