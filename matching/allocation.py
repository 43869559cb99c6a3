"""Allocating the relief fund to eligible applications: a CP-SAT model.

An application is funded whole or not at all, from one or more funds whose restriction allows
it. The model maximises priority-weighted need covered, and penalises any street whose coverage
falls below the district's coverage minus a tolerance, so undesignated money follows need.

The model works on aggregates, which keeps it exact and small at district scale: needs that
are alike in everything the model sees (street, measure, amount, priority, campaign,
sponsorship) form a class with a count of how many are funded, and money flows from funds to
a *purpose* (what a restriction can tell apart: street, measure, campaign, sponsorship), not to
each application. Any flow of whole purposes splits back into whole applications, because
money within a purpose is interchangeable.
"""

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from .funding import Allocation, Fund, Need

__all__ = ["Allocation", "Fund", "Need", "allocate", "street_shortfall"]

def _gap(covered, total: int, street_covered, street_total: int, tolerance_pct: int):
    """District coverage minus the tolerance minus a street's coverage, in units of weight ×
    total weight; numbers or the model's expressions alike."""
    return (covered * street_total * 100 - tolerance_pct * street_total * total
            - street_covered * total * 100)


def street_shortfall(covered: int, total: int, street_covered: int, street_total: int,
                     tolerance_pct: int) -> int:
    """How far a street's coverage is below the district's minus the tolerance (0 when it is
    not below): the soft rule's cost."""
    return max(0, _gap(covered, total, street_covered, street_total, tolerance_pct))


def _classes(needs: list[Need]) -> dict[tuple, list[Need]]:
    """Needs grouped by everything the model sees; members are interchangeable."""
    classes: dict[tuple, list[Need]] = defaultdict(list)
    for need in sorted(needs, key=lambda need: need.id):
        classes[(*need.purpose, need.amount_fen, need.priority)].append(need)
    return classes


def _greedy(classes, funds) -> dict[tuple, int]:
    """A hint: the densest classes first (weight per fen), each from its narrowest funds."""
    left = {fund.code: fund.available_fen for fund in funds}
    counts = {}
    for key, members in sorted(classes.items(), key=lambda item: -item[1][0].priority):
        payers = sorted((fund for fund in funds if fund.may_pay(members[0])),
                        key=lambda fund: fund.kind is None)
        counts[key] = 0
        for _ in members:
            amount = members[0].amount_fen
            if sum(left[fund.code] for fund in payers) < amount:
                break
            for fund in payers:
                take = min(amount, left[fund.code])
                left[fund.code], amount = left[fund.code] - take, amount - take
            counts[key] += 1
    return counts


def _shortfalls(model, classes, weight, count, total: int, tolerance_pct: int) -> list:
    """Street balance (soft): each street's shortfall below district coverage minus the
    tolerance, as a variable of the model."""
    covered = sum(weight[key] * count[key] for key in classes)
    out = []
    for street in sorted({key[0] for key in classes}):
        mine = [key for key in classes if key[0] == street]
        street_total = sum(weight[key] * len(classes[key]) for key in mine)
        short = model.new_int_var(0, total * street_total * 100, f"short_{street}")
        street_covered = sum(weight[key] * count[key] for key in mine)
        model.add(short >= _gap(covered, total, street_covered, street_total, tolerance_pct))
        out.append(short)
    return out


def allocate(needs: list[Need], funds: list[Fund], *, tolerance_pct: int = 5,
             balance_penalty: int = 2, time_limit: float = 30.0) -> Allocation:
    """Propose which needs to fund from which funds; report what could not be funded."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    # Data: classes of alike needs, purposes, and which fund may pay which purpose.
    classes = _classes(needs)
    purposes: dict[tuple, list[tuple]] = defaultdict(list)
    for key in classes:
        purposes[key[:4]].append(key)
    arcs = [(purpose, fund) for purpose, keys in purposes.items() for fund in funds
            if fund.may_pay(classes[keys[0]][0])]
    total = sum(need.weight for need in needs)
    # Variables: count[c] (how many of class c are funded), flow[p, f] (fen from f to p).
    count = {key: model.new_int_var(0, len(members), f"count_{i}")
             for i, (key, members) in enumerate(classes.items())}
    flow = {(purpose, fund.code): model.new_int_var(0, fund.available_fen, f"flow_{i}")
            for i, (purpose, fund) in enumerate(arcs)}
    # A purpose receives exactly the amounts of its funded needs (each funded whole).
    for purpose, keys in purposes.items():
        model.add(sum(fen for (to, _), fen in flow.items() if to == purpose)
                  == sum(key[4] * count[key] for key in keys))
    # No fund pays out more than it holds (restrictions are in the arcs themselves).
    for fund in funds:
        model.add(sum(fen for (_, code), fen in flow.items() if code == fund.code)
                  <= fund.available_fen)
    weight = {key: members[0].weight for key, members in classes.items()}
    covered = sum(weight[key] * count[key] for key in classes)
    penalty = _shortfalls(model, classes, weight, count, total, tolerance_pct)
    # Objective: weighted need covered, less the street balance cost.
    model.maximize(covered * total * 100 - balance_penalty * sum(penalty))
    for key, funded in _greedy(classes, funds).items():
        model.add_hint(count[key], funded)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 8
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Allocation(solver.status_name(status), 0, 0, time.perf_counter() - started)
    funded, unfunded = _split(solver, classes, purposes, count, flow)
    return Allocation(solver.status_name(status), int(solver.objective_value),
                      int(solver.best_objective_bound), time.perf_counter() - started,
                      funded, unfunded, _streets(needs, funded))


def _pay(need: Need, pots: list[list]) -> tuple[tuple[str, int], ...]:
    """Take ``need``'s amount from the pots in order: (fund code, fen) of each part."""
    parts, amount = [], need.amount_fen
    for pot in pots:
        take = min(amount, pot[1])
        if take > 0:
            parts.append((pot[0], take))
            pot[1], amount = pot[1] - take, amount - take
    return tuple(parts)


def _split(solver, classes, purposes, count, flow):
    """Whole applications from the aggregate solution: in each purpose, the funded members
    (lowest ids first) take the purpose's money fund by fund, narrowest fund first."""
    funded, unfunded = {}, {}
    payable = {purpose for purpose, _ in flow}
    for purpose, keys in purposes.items():
        pots = [[code, solver.value(fen)] for (to, code), fen in flow.items() if to == purpose]
        pots.sort(key=lambda pot: (pot[0] in ("unrestricted", "budget"), pot[0]))
        for key in keys:
            chosen = solver.value(count[key])
            for need in classes[key][:chosen]:
                funded[need.id] = _pay(need, pots)
            for need in classes[key][chosen:]:
                unfunded[need.id] = "funds_exhausted" if purpose in payable else "no_fund_may_pay"
    return funded, unfunded


def _streets(needs, funded) -> dict[str, tuple[int, int]]:
    per_street: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for need in needs:
        per_street[need.street][1] += need.weight
        per_street[need.street][0] += need.weight if need.id in funded else 0
    return {street: tuple(sums) for street, sums in sorted(per_street.items())}
