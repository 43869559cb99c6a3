"""The journal's monthly roll-up (`charity.fund.rollup`): every posting adds to it, so it always
equals the journal's own sums per kind as disclosed, Shanghai month and account; the public
disclosure read from it shows the same figures as summing the journal; `ledger verify` finds
a roll-up changed behind the ledger's back."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from charity.fund import disclosure, rollup
from charity.fund import operations as ops
from charity.fund.accounts import Purpose
from charity.fund.journal import reverse
from charity.fund.verify import verify

#: Near the month's end in UTC: 16:30 on 31 January is already February in Shanghai.
FEBRUARY_IN_SHANGHAI = datetime(2026, 1, 31, 16, 30, tzinfo=UTC)
JANUARY_IN_SHANGHAI = datetime(2026, 1, 31, 15, 59, tzinfo=UTC)
NEW_YEAR_IN_SHANGHAI = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)


def _figures(report: disclosure.Disclosure) -> tuple:
    return (dict(report.months), dict(report.measures), dict(report.campaigns),
            report.total_in, report.total_out, report.budget_in)


def _times(rng: random.Random, count: int) -> list[datetime]:
    """Random moments around the turn of the year and of January, in time order, with the
    moments just before and after Shanghai's midnight among them."""
    start = datetime(2025, 12, 20, tzinfo=UTC)
    found = [start + timedelta(minutes=rng.randrange(60 * 24 * 50)) for _ in range(count)]
    return sorted(found + [NEW_YEAR_IN_SHANGHAI, JANUARY_IN_SHANGHAI, FEBRUARY_IN_SHANGHAI])


def _post_randomly(rng: random.Random) -> None:
    """Gifts (some with fees, some reversed, some refunded), budget money, reservations paid
    out or released (a release is a reversal of a reservation)."""
    gifts, reserved = [], []
    for n, moment in enumerate(_times(rng, 30)):
        choice = rng.random()
        if choice < 0.45 or not gifts:
            designation = rng.choice(("measure:4", "measure:3", None))
            amount = rng.randrange(1_000, 50_000)
            gifts.append((ops.record_gift(amount_fen=amount, designation=designation,
                                          fee_fen=rng.choice((0, 0, 30)), reference=f"g{n}",
                                          posted_at=moment), amount))
        elif choice < 0.55:
            ops.record_budget_transfer(amount_fen=rng.randrange(1_000, 9_000), reference=f"b{n}")
        elif choice < 0.65:
            entry, _amount = gifts.pop(rng.randrange(len(gifts)))
            reverse(entry, reason="entered twice", posted_at=moment)
        elif choice < 0.75:
            entry, amount = gifts.pop(rng.randrange(len(gifts)))
            ops.record_refund(gift_reference=entry.reference, amount_fen=amount // 2,
                              reference=f"r{n}", posted_at=moment)
        elif choice < 0.9:
            ops.reserve(n, [("unrestricted", 100)], Purpose(4, "七星岗"), posted_at=moment)
            reserved.append(n)
        elif reserved:
            application = reserved.pop(rng.randrange(len(reserved)))
            if rng.random() < 0.5:
                ops.pay(application, 4, posted_at=moment)
            else:
                ops.release(application, reason="rejected", posted_at=moment)


@pytest.mark.parametrize("seed", range(3))
def test_the_rollup_equals_the_journal_and_the_disclosure_is_unchanged(session, seed):
    ops.record_gift(amount_fen=1_000_000, designation=None, reference="seed")
    _post_randomly(random.Random(seed))
    session.flush()
    assert rollup.stored() == rollup.journal_sums()
    for year in (None, 2025, 2026):
        assert rollup.stored(year) == rollup.journal_sums(year)
        assert _figures(disclosure.build(year)) == _figures(disclosure.from_journal(year))
    assert verify().ok, verify().errors


def test_a_posting_counts_in_its_shanghai_month(session):
    gift = ops.record_gift(amount_fen=12_345, designation="measure:4", reference="late",
                           posted_at=FEBRUARY_IN_SHANGHAI)
    ops.record_gift(amount_fen=1_000, designation="measure:4", reference="early",
                    posted_at=JANUARY_IN_SHANGHAI)
    ops.record_gift(amount_fen=700, designation="measure:4", reference="new-year",
                    posted_at=NEW_YEAR_IN_SHANGHAI)
    report = disclosure.build(2026)
    assert report.months["2026-02"][0] == 12_345
    assert report.months["2026-01"][0] == 1_700
    assert "2025-12" not in report.months and disclosure.build(2025).total_in == 0
    # A reversal in March takes the gift back out as a gift, in March.
    reverse(gift, reason="bounced", posted_at=datetime(2026, 3, 1, tzinfo=UTC))
    report = disclosure.build(2026)
    assert report.months["2026-03"][0] == -12_345 and report.measures[4][0] == 1_700
    assert {k for k, _m, _a in rollup.stored()} == {"gift"}


def test_verify_finds_a_rollup_changed_behind_the_ledgers_back(session):
    ops.record_gift(amount_fen=5_000, designation="measure:4", reference="g1")
    assert verify().ok
    session.execute(text("UPDATE fund_month_total SET amount = amount + 1"))
    errors = verify().errors
    assert errors and all(error.startswith("monthly total gift ") for error in errors)
    assert rollup.stored() != rollup.journal_sums()


def test_rebuild_refills_the_rollup_from_the_journal(session):
    ops.record_gift(amount_fen=5_000, designation="measure:4", reference="g1",
                    posted_at=FEBRUARY_IN_SHANGHAI)
    kept = rollup.stored()
    session.execute(text("DELETE FROM fund_month_total"))
    assert rollup.stored() == {}
    rollup.rebuild()
    assert rollup.stored() == kept == rollup.journal_sums()
