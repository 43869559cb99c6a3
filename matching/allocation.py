"""Allocating the relief fund to eligible applications: a CP-SAT model.

Pure: frozen dataclasses in, frozen dataclasses out; no Flask, no SQLAlchemy. An application
is funded whole or not at all, from one or more funds whose restriction allows it. The model
maximises priority-weighted need covered, and penalises any street whose coverage falls
below the district's coverage minus a tolerance, so undesignated money follows weighted need.

The model works on aggregates, which keeps it exact and small at district scale: needs that
are alike in everything the model sees (street, measure, amount, priority, campaign,
sponsorship) form a class with a count of how many are funded, and money flows from funds to
a *purpose* (what a restriction can tell apart: street, measure, campaign, sponsorship), not to
each application. Any flow of whole purposes splits back into whole applications, because
money within a purpose is interchangeable.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

#: Weights count need in units of 100 yuan, which keeps the products inside 64 bits.
UNIT_FEN = 10_000


@dataclass(frozen=True)
class Need:
    id: int
    street: str
    measure: int
    amount_fen: int
    priority: int
    campaign_id: int | None = None
    sponsorship_id: int | None = None

    @property
    def weight(self) -> int:
        return self.priority * -(-self.amount_fen // UNIT_FEN)

    @property
    def purpose(self) -> tuple:
        """What a fund's restriction can tell apart."""
        return self.street, self.measure, self.campaign_id, self.sponsorship_id


@dataclass(frozen=True)
class Fund:
    """A fund account's money and restriction: `kind` is None (unrestricted or the budget),
    'measure', 'street', 'campaign' or 'sponsorship', with its `value`."""

    code: str
    available_fen: int
    kind: str | None = None
    value: str | None = None

    def may_pay(self, need: Need) -> bool:
        return self.kind is None or {
            "measure": str(need.measure), "street": need.street,
            "campaign": str(need.campaign_id), "sponsorship": str(need.sponsorship_id),
        }.get(self.kind) == self.value


@dataclass(frozen=True)
class Allocation:
    status: str
    objective: int
    bound: int
    seconds: float
    #: need id -> [(fund code, fen)]
    funded: dict[int, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    #: need id -> reason code: 'no_fund_may_pay' or 'funds_exhausted'
    unfunded: dict[int, str] = field(default_factory=dict)
    #: street -> (weighted need covered, weighted need)
    streets: dict[str, tuple[int, int]] = field(default_factory=dict)


def street_shortfall(covered: int, total: int, covered_s: int, total_s: int,
                     tolerance_pct: int) -> int:
    """How far a street's coverage is below the district's minus the tolerance, in units of
    weight × total weight (0 when it is not below): the soft rule's cost."""
    gap = covered * total_s * 100 - tolerance_pct * total_s * total - covered_s * total * 100
    return max(0, gap)


def _classes(needs: list[Need]) -> dict[tuple, list[Need]]:
    """Needs grouped by everything the model sees; members are interchangeable."""
    classes: dict[tuple, list[Need]] = defaultdict(list)
    for n in sorted(needs, key=lambda n: n.id):
        classes[(*n.purpose, n.amount_fen, n.priority)].append(n)
    return classes


def _greedy(classes, funds) -> dict[tuple, int]:
    """A hint: the densest classes first (weight per fen), each from its narrowest funds."""
    left = {f.code: f.available_fen for f in funds}
    counts = {}
    for key, members in sorted(classes.items(), key=lambda kv: -kv[1][0].priority):
        payers = sorted((f for f in funds if f.may_pay(members[0])), key=lambda f: f.kind is None)
        counts[key] = 0
        for _ in members:
            amount = members[0].amount_fen
            if sum(left[f.code] for f in payers) < amount:
                break
            for f in payers:
                take = min(amount, left[f.code])
                left[f.code], amount = left[f.code] - take, amount - take
            counts[key] += 1
    return counts


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
    arcs = [(p, f) for p, keys in purposes.items() for f in funds
            if f.may_pay(classes[keys[0]][0])]
    total = sum(n.weight for n in needs)
    streets = sorted({n.street for n in needs})
    # Variables: count[c] (how many of class c are funded), flow[p, f] (fen from f to p).
    count = {k: model.new_int_var(0, len(m), f"count_{i}")
             for i, (k, m) in enumerate(classes.items())}
    flow = {(p, f.code): model.new_int_var(0, f.available_fen, f"flow_{i}")
            for i, (p, f) in enumerate(arcs)}
    # A purpose receives exactly the amounts of its funded needs (each funded whole).
    for p, keys in purposes.items():
        model.add(sum(v for (q, _), v in flow.items() if q == p)
                  == sum(k[4] * count[k] for k in keys))
    # No fund pays out more than it holds (restrictions are in the arcs themselves).
    for f in funds:
        model.add(sum(v for (_, code), v in flow.items() if code == f.code) <= f.available_fen)
    # Street balance (soft): shortfall below district coverage minus the tolerance.
    weight = {k: m[0].weight for k, m in classes.items()}
    covered = sum(weight[k] * count[k] for k in classes)
    penalty = []
    for street in streets:
        mine = [k for k in classes if k[0] == street]
        total_s = sum(weight[k] * len(classes[k]) for k in mine)
        short = model.new_int_var(0, total * total_s * 100, f"short_{street}")
        model.add(short >= covered * total_s * 100 - tolerance_pct * total_s * total
                  - sum(weight[k] * count[k] for k in mine) * total * 100)
        penalty.append(short)
    # Objective: weighted need covered, less the street balance cost.
    model.maximize(covered * total * 100 - balance_penalty * sum(penalty))
    for k, n in _greedy(classes, funds).items():
        model.add_hint(count[k], n)
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


def _split(solver, classes, purposes, count, flow):
    """Whole applications from the aggregate solution: in each purpose, the funded members
    (lowest ids first) take the purpose's money fund by fund, narrowest fund first."""
    funded, unfunded = {}, {}
    payable = {p for p, _ in flow}
    for p, keys in purposes.items():
        pots = [[code, solver.value(v)] for (q, code), v in flow.items() if q == p]
        pots.sort(key=lambda pot: (pot[0] in ("unrestricted", "budget"), pot[0]))
        for k in keys:
            chosen = solver.value(count[k])
            for n in classes[k][:chosen]:
                parts, amount = [], n.amount_fen
                for pot in pots:
                    take = min(amount, pot[1])
                    if take > 0:
                        parts.append((pot[0], take))
                        pot[1], amount = pot[1] - take, amount - take
                funded[n.id] = tuple(parts)
            for n in classes[k][chosen:]:
                unfunded[n.id] = "funds_exhausted" if p in payable else "no_fund_may_pay"
    return funded, unfunded


def _streets(needs, funded) -> dict[str, tuple[int, int]]:
    per_street: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for n in needs:
        per_street[n.street][1] += n.weight
        per_street[n.street][0] += n.weight if n.id in funded else 0
    return {s: tuple(v) for s, v in sorted(per_street.items())}
