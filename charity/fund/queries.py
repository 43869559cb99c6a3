"""Reading the ledger: balances as people read them, entries, and monthly flows."""

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from charity.extensions import db
from charity.fund import accounts
from charity.fund.models import Account, JournalEntry, JournalLine


def balance(code: str) -> int:
    """An account's balance: for fund accounts the money available (never negative), for
    cash the money in the bank, for expenses the total spent. Zero for an unused code."""
    signed = db.session.scalar(select(Account.balance).where(Account.code == code)) or 0
    return accounts.natural(code, signed)


def balances() -> dict[str, int]:
    """Every account's balance by code, as `balance` reads it."""
    rows = db.session.execute(select(Account.code, Account.balance).order_by(Account.code))
    return {code: accounts.natural(code, signed) for code, signed in rows}


def spendable() -> dict[str, int]:
    """Fund accounts an application may draw on, with the money in them (non-zero only)."""
    return {code: amount for code, amount in balances().items()
            if accounts.is_spendable(code) and amount > 0}


def entries(kind: str | None = None) -> Select:
    """Journal entries, newest first, with their lines."""
    query = select(JournalEntry).options(
        selectinload(JournalEntry.lines).selectinload(JournalLine.account),
        selectinload(JournalEntry.user)).order_by(JournalEntry.seq.desc())
    return query.where(JournalEntry.kind == kind) if kind else query


def head() -> tuple[int, str]:
    """(seq, hash) of the journal's last entry; (0, genesis) for an empty journal."""
    from charity.fund.chain import GENESIS

    row = db.session.execute(select(JournalEntry.seq, JournalEntry.hash)
                             .order_by(JournalEntry.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)
