"""Allocating the relief fund to eligible applications: a CP-SAT model.

Pure: frozen dataclasses in, frozen dataclasses out; no Flask, no SQLAlchemy. An application
is funded whole or not at all, from one or more funds whose restriction allows it. The model
maximises priority-weighted need covered, and penalises any street whose coverage falls
below the district's coverage minus a tolerance, so undesignated money follows weighted need.
"""

import time
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


def allocate(needs: list[Need], funds: list[Fund], *, tolerance_pct: int = 5,
             balance_penalty: int = 2, time_limit: float = 30.0) -> Allocation:
    """Propose which needs to fund from which funds; report what could not be funded."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    # Data: who may be paid by whom.
    arcs = {(n.id, f.code): (n, f) for n in needs for f in funds if f.may_pay(n)}
    total = sum(n.weight for n in needs)
    streets = sorted({n.street for n in needs})
    # Variables: take[n] (fund the need whole), pay[n, f] (fen from fund f).
    take = {n.id: model.new_bool_var(f"take_{n.id}") for n in needs}
    pay = {key: model.new_int_var(0, min(n.amount_fen, f.available_fen), f"pay_{key[0]}_{key[1]}")
           for key, (n, f) in arcs.items()}
    by_need: dict[int, list] = {n.id: [] for n in needs}
    by_fund: dict[str, list] = {f.code: [] for f in funds}
    for (need_id, code), var in pay.items():
        by_need[need_id].append(var)
        by_fund[code].append(var)
    # A funded need gets exactly its amount; an unfunded one gets nothing.
    for n in needs:
        model.add(sum(by_need[n.id]) == n.amount_fen * take[n.id])
    # No fund pays out more than it holds (restrictions are in the arcs themselves).
    for f in funds:
        model.add(sum(by_fund[f.code]) <= f.available_fen)
    # Street balance (soft): shortfall below district coverage minus the tolerance.
    covered = sum(n.weight * take[n.id] for n in needs)
    penalty = []
    for street in streets:
        mine = [n for n in needs if n.street == street]
        total_s = sum(n.weight for n in mine)
        short = model.new_int_var(0, total * total_s * 100, f"short_{street}")
        model.add(short >= covered * total_s * 100 - tolerance_pct * total_s * total
                  - sum(n.weight * take[n.id] for n in mine) * total * 100)
        penalty.append(short)
    # Objective: weighted need covered, less the street balance cost.
    model.maximize(covered * total * 100 - balance_penalty * sum(penalty))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 8
    status = solver.solve(model)
    return _result(solver, status, needs, arcs, take, pay, streets, started)


def _result(solver, status, needs, arcs, take, pay, streets, started) -> Allocation:
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Allocation(solver.status_name(status), 0, 0, time.perf_counter() - started)
    funded, unfunded, per_street = {}, {}, {s: [0, 0] for s in streets}
    paid: dict[int, list[tuple[str, int]]] = {}
    for (need_id, code), var in pay.items():
        if solver.value(var) > 0:
            paid.setdefault(need_id, []).append((code, solver.value(var)))
    payable = {need_id for need_id, _ in arcs}
    for n in needs:
        per_street[n.street][1] += n.weight
        if solver.value(take[n.id]):
            per_street[n.street][0] += n.weight
            funded[n.id] = tuple(paid.get(n.id, ()))
        else:
            unfunded[n.id] = "funds_exhausted" if n.id in payable else "no_fund_may_pay"
    return Allocation(solver.status_name(status), int(solver.objective_value),
                      int(solver.best_objective_bound), time.perf_counter() - started,
                      funded, unfunded, {s: tuple(v) for s, v in per_street.items()})
