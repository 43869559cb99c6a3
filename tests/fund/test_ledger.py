"""The ledger contract: gifts, refunds, disputes, reservations, payments and reversals."""

import json

import pytest
from sqlalchemy import select

from charity.audit.models import AppendOnlyError
from charity.extensions import db
from charity.fund import operations as ops
from charity.fund import queries
from charity.fund.models import JournalEntry
from charity.fund.verify import verify

MEASURE4 = ops.Purpose(measure=4, street="七星岗")


def test_gift_with_fee_balances_and_credits_its_designation(session):
    ops.record_gift(amount_fen=10_000, fee_fen=60, designation="measure:4", reference="pi_1")
    assert queries.balance("cash") == 9_940
    assert queries.balance("fees") == 60
    assert queries.balance("restricted:measure:4") == 9_940  # the fund bears its gift's fee
    assert queries.balance("spent:fees") == 60
    ops.record_gift(amount_fen=500, designation=None, reference="pi_2")
    assert queries.balance("unrestricted") == 500
    assert verify().ok


def test_reference_is_an_idempotency_key(session):
    ops.record_gift(amount_fen=100, designation=None, reference="pi_1")
    with pytest.raises(ops.LedgerError):
        ops.record_gift(amount_fen=100, designation=None, reference="pi_1")
    assert queries.balance("unrestricted") == 100


@pytest.mark.parametrize("lines", [[("cash", 5), ("unrestricted", -4)], [],
                                   [("cash", 5), ("nowhere", -5)], [("cash", 1.5), ("fees", -1.5)]])
def test_post_refuses_unbalanced_unknown_or_fractional(session, lines):
    with pytest.raises(ops.LedgerError):
        ops.post(lines, kind="test")


def test_no_fund_account_goes_below_zero(session):
    with pytest.raises(ops.LedgerError):
        ops.post([("unrestricted", 100), ("cash", -100)], kind="test")
    assert queries.balances().get("cash", 0) == 0


def test_refund_limited_to_what_is_left_of_the_gift(session):
    ops.record_gift(amount_fen=1_000, designation="measure:5", reference="g")
    ops.record_refund(gift_reference="g", amount_fen=400, reference="r1")
    with pytest.raises(ops.LedgerError):
        ops.record_refund(gift_reference="g", amount_fen=601, reference="r2")
    ops.record_refund(gift_reference="g", amount_fen=600, reference="r3")
    assert queries.balance("restricted:measure:5") == 0
    assert queries.balance("cash") == 0


def test_spent_restricted_money_cannot_be_refunded(session):
    ops.record_gift(amount_fen=1_000, designation="measure:4", reference="g")
    ops.reserve(7, [("restricted:measure:4", 800)], MEASURE4)
    with pytest.raises(ops.LedgerError):
        ops.record_refund(gift_reference="g", amount_fen=500, reference="r")
    ops.record_refund(gift_reference="g", amount_fen=200, reference="r")


def test_restricted_money_only_on_its_designation(session):
    ops.record_gift(amount_fen=1_000, designation="measure:5", reference="g")
    ops.record_gift(amount_fen=1_000, designation="street:解放碑", reference="h")
    with pytest.raises(ops.LedgerError):
        ops.reserve(7, [("restricted:measure:5", 100)], MEASURE4)
    with pytest.raises(ops.LedgerError):
        ops.reserve(7, [("restricted:street:解放碑", 100)], MEASURE4)
    ops.reserve(8, [("restricted:street:解放碑", 100)], ops.Purpose(4, "解放碑"))


def test_reserve_pay_and_release(session):
    ops.record_budget_transfer(amount_fen=5_000, reference="budget-2026-01")
    ops.reserve(1, [("budget", 3_000)], MEASURE4)
    ops.reserve(2, [("budget", 2_000)], MEASURE4)
    assert queries.balance("budget") == 0
    ops.pay(1, 4)
    assert queries.balance("reserved:1") == 0
    assert queries.balance("disbursed:measure:4") == 3_000
    assert queries.balance("spent:measure:4") == 3_000
    assert queries.balance("cash") == 2_000
    ops.release(2, reason="rejected")
    assert queries.balance("budget") == 2_000
    with pytest.raises(ops.LedgerError):
        ops.pay(2, 4)
    assert verify().ok


def test_reverse_once_and_not_a_reversal(session):
    gift = ops.record_gift(amount_fen=700, designation=None, reference="g")
    reversal = ops.reverse(gift, reason="entered twice")
    assert queries.balance("unrestricted") == 0 and queries.balance("cash") == 0
    with pytest.raises(ops.LedgerError):
        ops.reverse(gift, reason="again")
    with pytest.raises(ops.LedgerError):
        ops.reverse(reversal, reason="undo")
    assert verify().ok


def test_dispute_hold_then_won_or_lost(session):
    ops.record_gift(amount_fen=1_000, designation=None, reference="u")
    ops.record_gift(amount_fen=2_000, designation=None, reference="a")
    ops.record_gift(amount_fen=3_000, designation="measure:8", reference="b")
    ops.record_dispute_hold(gift_reference="a", amount_fen=2_000, fee_fen=150, reference="d1")
    ops.record_dispute_hold(gift_reference="b", amount_fen=3_000, fee_fen=150, reference="d2")
    assert queries.balance("disputed") == 5_000
    # b's fund holds nothing after its hold: unrestricted money bears b's fee
    assert queries.balance("unrestricted") == 1_000 - 150 - 150
    ops.record_dispute_close(gift_reference="a", won=True, reference="c1")
    ops.record_dispute_close(gift_reference="b", won=False, reference="c2")
    assert queries.balance("unrestricted") == 2_700
    assert queries.balance("restricted:measure:8") == 0
    assert queries.balance("cash") == 6_000 - 300 - 3_000 == queries.balance("unrestricted")
    with pytest.raises(ops.LedgerError):
        ops.record_dispute_close(gift_reference="a", won=True, reference="c3")


def test_orm_refuses_to_change_an_entry(session):
    entry = ops.record_gift(amount_fen=100, designation=None, reference="g")
    db.session.commit()
    entry.memo = "changed"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    entry = db.session.scalar(select(JournalEntry))
    db.session.delete(entry)
    with pytest.raises(AppendOnlyError):
        db.session.flush()


def test_cli_balance_and_verify(runner, session):
    ops.record_gift(amount_fen=1_234, fee_fen=34, designation="measure:4", reference="g")
    db.session.commit()
    result = runner.invoke(args=["fund", "balance", "--json"])
    assert json.loads(result.output) == {"cash": 1_200, "fees": 34, "restricted:measure:4": 1_200,
                                         "spent:fees": 34}
    result = runner.invoke(args=["ledger", "verify", "--json"])
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["ok"] and report["entries"] == 1
    assert report["head_hash"] == queries.head()[1]


def test_fees_are_borne_by_the_gifts_fund_so_funds_never_hold_more_than_cash(session):
    ops.record_gift(amount_fen=10_000, fee_fen=320, designation="measure:4", reference="g4")
    ops.record_gift(amount_fen=10_000, designation="measure:3", reference="g3")
    ops.record_dispute_hold(gift_reference="g3", amount_fen=4_000, fee_fen=150, reference="d")
    assert queries.balance("restricted:measure:4") == 9_680
    assert queries.balance("restricted:measure:3") == 10_000 - 4_000 - 150
    assert queries.balance("spent:fees") == queries.balance("fees") == 470
    assert ops.gift_remaining("g4") == 10_000 and ops.gift_remaining("g3") == 6_000
    # the measure-4 fund cannot pay more than its gift brought in, so measure 3 pays nothing
    with pytest.raises(ops.LedgerError, match="restricted:measure:4"):
        ops.reserve(1, [("restricted:measure:4", 10_000)], MEASURE4)
    ops.reserve(1, [("restricted:measure:4", 9_680)], MEASURE4)
    ops.pay(1, 4)
    assert queries.balance("cash") == queries.balance("restricted:measure:3") \
        + queries.balance("disputed")
    assert verify().ok
