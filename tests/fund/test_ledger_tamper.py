"""Tampering: the database refuses a change to the journal, and `ledger verify` finds one
made behind its back (a superuser disabling the trigger, or a file edited on SQLite)."""

import json

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from charity.extensions import db
from charity.fund import operations as ops


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _journal():
    ops.record_gift(amount_fen=5_000, designation="measure:4", reference="g1")
    ops.record_gift(amount_fen=3_000, designation=None, reference="g2")
    ops.record_budget_transfer(amount_fen=9_000, reference="b1")


def _tamper(sql: str) -> None:
    if _is_postgres():
        db.session.execute(text("ALTER TABLE journal_line DISABLE TRIGGER USER"))
        db.session.execute(text("ALTER TABLE journal_entry DISABLE TRIGGER USER"))
    db.session.execute(text(sql))


@pytest.mark.parametrize("sql", [
    "UPDATE journal_line SET amount = amount * 2",
    "UPDATE journal_entry SET memo = 'edited' WHERE seq = 2",
    "DELETE FROM journal_line WHERE id = (SELECT MAX(id) FROM journal_line)",
])
def test_an_edited_journal_fails_verify(runner, session, sql):
    _journal()
    assert runner.invoke(args=["ledger", "verify", "--json"]).exit_code == 0
    _tamper(sql)
    result = runner.invoke(args=["ledger", "verify", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["ok"] is False


@pytest.mark.parametrize("sql", ["UPDATE journal_entry SET memo = 'edited'",
                                 "DELETE FROM journal_line",
                                 "UPDATE journal_line SET amount = 1"])
def test_postgres_refuses_raw_update_or_delete(session, sql):
    if not _is_postgres():
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    _journal()
    with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text(sql))


def test_moving_a_refund_to_another_gift_fails_verify(runner, session):
    ops.record_gift(amount_fen=10_000, designation="measure:4", reference="gA")
    ops.record_gift(amount_fen=10_000, designation="measure:4", reference="gB")
    ops.record_refund(gift_reference="gA", amount_fen=10_000, reference="rA")
    assert runner.invoke(args=["ledger", "verify", "--json"]).exit_code == 0
    _tamper("UPDATE journal_entry SET subject = 'gB' WHERE reference = 'rA'")
    result = runner.invoke(args=["ledger", "verify", "--json"])
    assert result.exit_code == 1
    assert "hash does not match" in " ".join(json.loads(result.output)["errors"])


def test_postgres_refuses_truncating_the_journal(session):
    if not _is_postgres():
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    _journal()
    with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("TRUNCATE journal_line, journal_entry CASCADE"))
