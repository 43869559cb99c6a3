"""The allocation optimiser against an exact solve by enumeration on small instances."""

import itertools
import random

import pytest

from matching.allocation import Fund, Need, allocate, street_shortfall


def _network(chosen: list[Need], funds: list[Fund]) -> dict:
    """Capacities source -> need -> each fund that may pay it -> sink."""
    cap: dict = {}
    for n in chosen:
        cap[("s", n.id)] = n.amount_fen
        cap.update({(n.id, f.code): n.amount_fen for f in funds if f.may_pay(n)})
    cap.update({(f.code, "t"): f.available_fen for f in funds})
    return cap


def _augmenting_path(cap: dict) -> list | None:
    """A path of arcs with capacity left from "s" to "t" (breadth first), or None."""
    parent, queue = {"s": None}, ["s"]
    while queue and "t" not in parent:
        node = queue.pop(0)
        for (a, b), c in cap.items():
            if a == node and c > 0 and b not in parent:
                parent[b] = a
                queue.append(b)
    if "t" not in parent:
        return None
    path, node = [], "t"
    while parent[node] is not None:
        path.append((parent[node], node))
        node = parent[node]
    return path


def feasible(chosen: list[Need], funds: list[Fund]) -> bool:
    """Can the funds pay every chosen need in full? Max flow by augmenting paths."""
    cap, flow = _network(chosen, funds), 0
    while (path := _augmenting_path(cap)) is not None:
        push = min(cap[e] for e in path)
        for a, b in path:
            cap[(a, b)] -= push
            cap[(b, a)] = cap.get((b, a), 0) + push
        flow += push
    return flow == sum(n.amount_fen for n in chosen)


def exact(needs, funds, tolerance_pct=5, penalty=2) -> int:
    total = sum(n.weight for n in needs)
    best = None
    for size in range(len(needs) + 1):
        for chosen in itertools.combinations(needs, size):
            if not feasible(list(chosen), funds):
                continue
            covered = sum(n.weight for n in chosen)
            cost = 0
            for street in {n.street for n in needs}:
                total_s = sum(n.weight for n in needs if n.street == street)
                covered_s = sum(n.weight for n in chosen if n.street == street)
                cost += street_shortfall(covered, total, covered_s, total_s, tolerance_pct)
            value = covered * total * 100 - penalty * cost
            best = value if best is None else max(best, value)
    return best


def instance(seed: int):
    rng = random.Random(seed)
    streets = ["七星岗", "解放碑", "大坪"]
    needs = [Need(i, rng.choice(streets), rng.choice([3, 4, 5]),
                  rng.choice([50_000, 100_000, 200_000, 300_000]), rng.randint(1, 6))
             for i in range(rng.randint(3, 7))]
    funds = [Fund("unrestricted", rng.choice([0, 100_000, 300_000])),
             Fund("restricted:measure:4", rng.choice([100_000, 400_000]), "measure", "4"),
             Fund("restricted:street:大坪", rng.choice([0, 200_000]), "street", "大坪")]
    return needs, funds


@pytest.mark.parametrize("seed", range(12))
def test_matches_exact_solve_and_breaks_no_restriction(seed):
    needs, funds = instance(seed)
    result = allocate(needs, funds, time_limit=10)
    assert result.status == "OPTIMAL"
    assert result.objective == exact(needs, funds)
    spent = {f.code: 0 for f in funds}
    by_id = {n.id: n for n in needs}
    for need_id, parts in result.funded.items():
        assert sum(amount for _, amount in parts) == by_id[need_id].amount_fen
        for code, amount in parts:
            fund = next(f for f in funds if f.code == code)
            assert fund.may_pay(by_id[need_id])
            spent[code] += amount
    assert all(spent[f.code] <= f.available_fen for f in funds)
    assert set(result.funded) | set(result.unfunded) == set(by_id)


def test_reports_why_a_need_was_not_funded():
    needs = [Need(1, "七星岗", 8, 100_000, 3), Need(2, "七星岗", 4, 300_000, 1),
             Need(3, "七星岗", 4, 300_000, 5)]
    funds = [Fund("restricted:measure:4", 300_000, "measure", "4")]
    result = allocate(needs, funds, time_limit=5)
    assert result.unfunded == {1: "no_fund_may_pay", 2: "funds_exhausted"}
    assert result.funded == {3: (("restricted:measure:4", 300_000),)}


def test_cli_proposes_from_submitted_applications(runner, session, person, maker, funded):
    import json
    from datetime import date

    from charity.relief import operations as relief

    for n in range(3):
        relief.submit(person, "temporary_emergency", "病", date(2026, 11, 29), maker, grade=3,
                      event=f"emergency {n}")
    relief.submit(person, "festival_gift", "春节", date(2026, 11, 29), maker)
    session.commit()
    result = runner.invoke(args=["relief", "allocate", "--time-limit", "5"])
    report = json.loads(result.output)
    assert report["status"] == "OPTIMAL"
    assert len(report["funded"]) == 4 and report["unfunded"] == {}


def test_aggregated_model_splits_back_into_whole_valid_applications():
    """At a few hundred applications (many alike, so classes aggregate), the solve is proven
    optimal, every funded one gets its whole amount from funds that may pay it, and no fund
    overspends."""
    rng = random.Random(7)
    streets = ["七星岗", "解放碑", "大坪", "石油路"]
    needs = [Need(i, rng.choice(streets), rng.choice([3, 4, 5, 9]),
                  rng.choice([50_000, 100_000, 300_000]), rng.randint(1, 4)) for i in range(400)]
    funds = [Fund("unrestricted", 5_000_000), Fund("budget", 8_000_000),
             Fund("restricted:measure:4", 6_000_000, "measure", "4"),
             Fund("restricted:street:大坪", 3_000_000, "street", "大坪")]
    result = allocate(needs, funds, time_limit=20)
    assert result.status == "OPTIMAL" and result.objective == result.bound
    by_id = {n.id: n for n in needs}
    spent = {f.code: 0 for f in funds}
    for need_id, parts in result.funded.items():
        assert sum(a for _, a in parts) == by_id[need_id].amount_fen
        for code, amount in parts:
            assert next(f for f in funds if f.code == code).may_pay(by_id[need_id])
            spent[code] += amount
    assert all(spent[f.code] <= f.available_fen for f in funds)
    assert len(result.funded) + len(result.unfunded) == 400 and result.unfunded
    assert set(result.unfunded.values()) == {"funds_exhausted"}
