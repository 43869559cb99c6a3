"""Property-based: any sequence of gifts, transfers, reservations, payments, releases, refunds,
disputes and reversals keeps the journal at zero, every account on its side of zero, every
balance equal to a replay, and restricted money on its designation."""

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from charity.extensions import db
from charity.fund import accounts, queries
from charity.fund import operations as ops
from charity.fund.models import JournalEntry
from charity.fund.verify import verify

DESIGNATIONS = [None, "measure:4", "measure:5", "street:七星岗", "campaign:3"]
PURPOSES = [ops.Purpose(4, "七星岗"), ops.Purpose(5, "解放碑"),
            ops.Purpose(4, "解放碑", frozenset({3}))]
SOURCES = ["unrestricted", "budget", "restricted:measure:4", "restricted:measure:5",
           "restricted:street:七星岗", "restricted:campaign:3"]
amounts = st.integers(min_value=1, max_value=50_000)

steps = st.lists(st.one_of(
    st.tuples(st.just("gift"), amounts, st.integers(0, 300), st.sampled_from(DESIGNATIONS)),
    st.tuples(st.just("budget"), amounts),
    st.tuples(st.just("transfer"), st.sampled_from(["unrestricted", "budget"]),
              st.sampled_from(SOURCES), amounts),
    st.tuples(st.just("reserve"), st.integers(0, 2), st.sampled_from(SOURCES), amounts),
    st.tuples(st.just("pay"), st.integers(0, 20)),
    st.tuples(st.just("release"), st.integers(0, 20)),
    st.tuples(st.just("refund"), st.integers(0, 20), amounts),
    st.tuples(st.just("hold"), st.integers(0, 20), amounts, st.integers(0, 200)),
    st.tuples(st.just("close"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("reverse"), st.integers(0, 40)),
), min_size=1, max_size=25)


def _pick(items, i):
    return items[i % len(items)] if items else None


def _gift(state, n, amount, fee, designation):
    ops.record_gift(amount_fen=amount, fee_fen=min(fee, amount - 1), designation=designation,
                    reference=f"g{n}")
    state["gifts"].append(f"g{n}")


def _reserve(state, n, purpose, source, amount):
    ops.reserve(n, [(source, amount)], PURPOSES[purpose])
    state["apps"][n] = (PURPOSES[purpose], source)


def _settle(kind):
    """Pay or release the application picked by position, if there is one."""
    def step(state, n, i):
        app = _pick(sorted(state["apps"]), i)
        if app is not None and kind == "pay":
            ops.pay(app, state["apps"][app][0].measure)
        elif app is not None:
            ops.release(app, reason="released")
    return step


def _on_gift(post):
    """Run `post(gift, n, *args)` on the gift picked by position, if there is one."""
    def step(state, n, i, *args):
        gift = _pick(state["gifts"], i)
        if gift is not None:
            post(gift, n, *args)
    return step


def _reverse(state, n, i):
    entries = db.session.scalars(select(JournalEntry).order_by(JournalEntry.seq)).all()
    entry = _pick(entries, i)
    if entry is not None:
        ops.reverse(entry, reason="test")


STEPS = {
    "gift": _gift,
    "budget": lambda state, n, amount: ops.record_budget_transfer(amount_fen=amount,
                                                                  reference=f"b{n}"),
    "transfer": lambda state, n, source, target, amount: ops.transfer(
        source=source, target=target, amount_fen=amount),
    "reserve": _reserve,
    "pay": _settle("pay"),
    "release": _settle("release"),
    "refund": _on_gift(lambda gift, n, amount: ops.record_refund(
        gift_reference=gift, amount_fen=amount, reference=f"r{n}")),
    "hold": _on_gift(lambda gift, n, amount, fee: ops.record_dispute_hold(
        gift_reference=gift, amount_fen=amount, fee_fen=fee, reference=f"h{n}")),
    "close": _on_gift(lambda gift, n, won: ops.record_dispute_close(
        gift_reference=gift, won=won, reference=f"c{n}")),
    "reverse": _reverse,
}


def apply(step, state):
    """Run one step; the model remembers gifts and applications by position."""
    kind, *args = step
    state["n"] += 1
    STEPS[kind](state, state["n"], *args)


def replay() -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for entry in db.session.scalars(select(JournalEntry)):
        assert sum(line.amount for line in entry.lines) == 0
        for line in entry.lines:
            totals[line.account.code] += line.amount
    return {code: accounts.natural(code, v) for code, v in totals.items()}


def check_invariants(state):
    found = queries.balances()
    assert all(amount >= 0 for amount in found.values()), found
    # the funds hold exactly what cash holds (spent money has left both), so never more
    held = {code: amount for code, amount in found.items()
            if accounts.kind_of(code) == accounts.FUND and not code.startswith("spent:")}
    assert sum(held.values()) == found.get("cash", 0), found
    assert sum(v for c, v in held.items() if accounts.is_spendable(c)) <= found.get("cash", 0)
    assert {k: v for k, v in found.items() if v} == {k: v for k, v in replay().items() if v}
    for entry in db.session.scalars(select(JournalEntry).where(JournalEntry.kind == "reserve")):
        app = int(entry.reference.split(":")[1])
        purpose = state["apps"][app][0]
        for line in entry.lines:
            if line.amount > 0:
                assert accounts.may_fund(line.account.code, purpose)
    assert verify().ok


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=steps)
def test_any_sequence_keeps_the_ledger_sound(session, steps):
    outer = db.session.begin_nested()
    state = {"n": 0, "gifts": [], "apps": {}}
    try:
        for step in steps:
            before = queries.balances()
            savepoint = db.session.begin_nested()
            try:
                apply(step, state)
            except ops.LedgerError:
                savepoint.rollback()
                assert queries.balances() == before
            else:
                savepoint.commit()
            check_invariants(state)
    finally:
        outer.rollback()
