"""Posting to the journal: the primitive every fund operation goes through.

Posting first does everything it can without a lock (netting, checks, the reference), then
locks the chain's head row (so entries form one line, and concurrent posts queue), then the
accounts it touches in code order, checks that none crosses zero, and appends the entry, its
lines and the new balances with the hash of the entry before, and adds the lines to the monthly
roll-up the public disclosure reads (`charity.fund.rollup`) while it still holds the head, so
the roll-up changes in the same order and transaction as the chain. The hot path is plain SQL
statements, few and short, because the head is held until the caller commits. It flushes;
the caller commits.

The head is always the first ledger lock a transaction takes (`lock_accounts` and `post` both
take it before any account), so a transaction that posts twice never waits for an account
another transaction holds while that one waits for the head. A caller that locks its own rows
(applications, donations) does so before its first posting.
"""

from collections import defaultdict
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from charity.database import utcnow
from charity.errors import DomainError
from charity.extensions import db
from charity.fund import accounts, chain, rollup
from charity.fund.models import Account, JournalEntry, JournalLine, LedgerHead

ACCOUNT, ENTRY, LINE, HEAD = (Account.__table__, JournalEntry.__table__, JournalLine.__table__,
                              LedgerHead.__table__)


class LedgerError(DomainError):
    """A posting the ledger refuses; the message is shown to the user."""


def _known(codes) -> list[str]:
    codes = sorted(set(codes))
    for code in codes:
        if accounts.kind_of(code) is None:
            raise LedgerError(_l("Unknown fund account %(code)s.", code=code))
    return codes


def lock_accounts(codes) -> dict[str, Account]:
    """The accounts with these codes, row-locked and fresh, created on first use; the
    ledger's lock is taken first."""
    codes = _known(codes)
    _locked_head()
    _locked_balances(codes)
    query = select(Account).where(Account.code.in_(codes))
    return {a.code: a for a in db.session.scalars(
        query.execution_options(populate_existing=True))}


def _locked_balances(codes: list[str]) -> dict[str, tuple[int, int]]:
    """code -> (account id, signed balance), row-locked in code order (so two posts never
    wait on each other crosswise), creating accounts on first use."""
    query = (select(ACCOUNT.c.code, ACCOUNT.c.id, ACCOUNT.c.balance)
             .where(ACCOUNT.c.code.in_(codes)).order_by(ACCOUNT.c.code).with_for_update())
    found = {code: (id_, int(balance)) for code, id_, balance in db.session.execute(query)}
    missing = [code for code in codes if code not in found]
    if missing:  # first use; a concurrent first use of the same code is no error
        dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
        db.session.execute(dialect.insert(ACCOUNT).values(
            [{"code": c, "kind": accounts.kind_of(c), "balance": 0} for c in missing])
            .on_conflict_do_nothing())
        found = {code: (id_, int(balance)) for code, id_, balance in db.session.execute(query)}
    return found


def _netted(lines) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for code, amount in lines:
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise LedgerError(_l("Amounts are whole fen."))
        totals[code] += amount
    return {code: amount for code, amount in totals.items() if amount != 0}


def _lock_and_check(netted: dict[str, int]) -> dict[str, int]:
    """Lock the accounts and refuse any that would cross zero; return code -> account id."""
    found = _locked_balances(_known(netted))
    for code, amount in netted.items():
        after = found[code][1] + amount
        if (accounts.kind_of(code) == accounts.FUND and after > 0) or \
                (accounts.kind_of(code) != accounts.FUND and after < 0):
            raise LedgerError(_l("Not enough money in %(code)s for this posting.", code=code))
    return {code: found[code][0] for code in netted}


def _locked_head() -> tuple[int, str]:
    row = db.session.execute(select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == 1)
                             .with_for_update()).first()
    if row is None:
        db.session.execute(insert(HEAD).values(id=1, seq=0, hash=chain.GENESIS))
        return 0, chain.GENESIS
    return int(row.seq), row.hash


def _expire(ids) -> None:
    """Drop stale copies of rows changed behind the ORM's back from the session."""
    for key in [identity_key(Account, i) for i in ids] + [identity_key(LedgerHead, 1)]:
        if (stale := db.session.identity_map.get(key)) is not None:
            db.session.expire(stale)


def post(lines: list[tuple[str, int]], *, kind: str, memo: str = "",
         reference: str | None = None, user=None, subject: str | None = None,
         reverses: JournalEntry | None = None,
         posted_at: datetime | None = None) -> JournalEntry:
    """Append one balanced entry: lines of (account code, fen; debit positive) summing to zero.

    Refuses an unbalanced or empty entry, an unknown account, a reused reference, and any
    posting that would take an account across zero (money that is not there). `posted_at`
    defaults to the moment the head is locked, so the chain runs forwards in time; loading
    history (a bank statement, the demo) passes the day it happened."""
    netted = _netted(lines)
    if sum(netted.values()) != 0:
        raise LedgerError(_l("A journal entry must balance: debits equal credits."))
    if not netted:
        raise LedgerError(_l("A journal entry needs at least one amount."))
    reused = _l("Reference %(ref)s is already in the journal.", ref=reference)
    if reference is not None and db.session.scalar(
            select(exists().where(ENTRY.c.reference == reference))):
        raise LedgerError(reused)
    seq, prev_hash = _locked_head()
    ids = _lock_and_check(netted)
    posted_at, ordered = posted_at or utcnow(), sorted(netted.items())
    user_id = getattr(user, "id", None)
    entry_hash = chain.entry_hash(
        seq=seq + 1, posted_at=posted_at, kind=kind, memo=memo, reference=reference,
        subject=subject, user_id=user_id, reverses_seq=reverses.seq if reverses else None,
        lines=ordered, prev_hash=prev_hash)
    values = {"seq": seq + 1, "posted_at": posted_at, "kind": kind, "memo": memo,
              "reference": reference, "subject": subject,
              "reverses_id": reverses.id if reverses else None,
              "user_id": user_id, "prev_hash": prev_hash, "hash": entry_hash}
    totals = {"total_kind": rollup.disclosed_kind(kind, reverses.kind if reverses else None),
              "total_month": rollup.month_of(posted_at)}
    try:
        entry_id = _append(values, [(ids[c], a) for c, a in ordered], totals)
    except IntegrityError as error:  # the same reference posted concurrently
        raise LedgerError(reused) from error
    _expire(ids.values())
    entry = JournalEntry(id=entry_id, **values)
    make_transient_to_detached(entry)
    db.session.add(entry)
    return entry


#: PostgreSQL appends an entry in one statement: balances, entry, lines, roll-up and head.
APPEND_PG = text("""
WITH moved AS (
    UPDATE fund_account AS a SET balance = a.balance + m.amount
    FROM unnest(CAST(:ids AS integer[]), CAST(:amounts AS bigint[])) AS m(id, amount)
    WHERE a.id = m.id RETURNING a.id),
entry AS (
    INSERT INTO journal_entry (seq, posted_at, kind, memo, reference, subject, reverses_id,
                               user_id, prev_hash, hash)
    VALUES (:seq, :posted_at, :kind, :memo, :reference, :subject, :reverses_id, :user_id,
            :prev_hash, :hash) RETURNING id),
line AS (
    INSERT INTO journal_line (entry_id, account_id, amount)
    SELECT entry.id, m.id, m.amount
    FROM entry, unnest(CAST(:ids AS integer[]), CAST(:amounts AS bigint[])) AS m(id, amount)),
total AS (
    INSERT INTO fund_month_total AS t (kind, month, account_id, amount)
    SELECT :total_kind, :total_month, m.id, m.amount
    FROM unnest(CAST(:ids AS integer[]), CAST(:amounts AS bigint[])) AS m(id, amount)
    ON CONFLICT (kind, month, account_id) DO UPDATE SET amount = t.amount + EXCLUDED.amount)
UPDATE ledger_head SET seq = :seq, hash = :hash
WHERE id = 1 AND (SELECT count(*) FROM moved) = :count
RETURNING (SELECT id FROM entry)
""")


def _append(values: dict, moves: list[tuple[int, int]], totals: dict) -> int:
    """Move the balances, insert the entry and its lines, add them to the roll-up under
    `totals` (its kind and month), advance the head; the entry's id."""
    if db.session.get_bind().dialect.name == "postgresql":
        params = values | totals | {"posted_at": values["posted_at"].astimezone(UTC),
                           "ids": [i for i, _ in moves], "amounts": [a for _, a in moves],
                           "count": len(moves)}
        return db.session.execute(APPEND_PG, params).scalar_one()
    by_id = case(dict(moves), value=ACCOUNT.c.id)
    db.session.execute(update(ACCOUNT).where(ACCOUNT.c.id.in_(dict(moves)))
                       .values(balance=ACCOUNT.c.balance + by_id))
    entry_id = db.session.execute(insert(ENTRY).values(**values)
                                  .returning(ENTRY.c.id)).scalar_one()
    db.session.execute(insert(LINE).values(
        [{"entry_id": entry_id, "account_id": i, "amount": a} for i, a in moves]))
    rollup.add(totals["total_kind"], totals["total_month"], moves)
    db.session.execute(update(HEAD).where(HEAD.c.id == 1)
                       .values(seq=values["seq"], hash=values["hash"]))
    return entry_id


def reverse(entry: JournalEntry, *, reason: str, user=None,
            posted_at: datetime | None = None) -> JournalEntry:
    """A new entry with every line of `entry` negated; an entry is reversed at most once, and
    a reversal itself is not reversed (post the original again instead)."""
    if not reason.strip():
        raise LedgerError(_l("A reversal needs a reason."))
    if entry.reverses_id is not None:
        raise LedgerError(_l("A reversal cannot itself be reversed."))
    if db.session.scalar(select(JournalEntry.id).where(JournalEntry.reverses_id == entry.id)):
        raise LedgerError(_l("Entry %(seq)s has already been reversed.", seq=entry.seq))
    lines = [(line.account.code, -line.amount) for line in entry.lines]
    return post(lines, kind="reversal", memo=reason.strip()[:300], user=user,
                subject=entry.subject or entry.reference, reverses=entry, posted_at=posted_at)
