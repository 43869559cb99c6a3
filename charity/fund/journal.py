"""Posting to the journal: the primitive every fund operation goes through.

Posting locks the chain's head row (so entries form one line, and concurrent posts queue),
then the accounts it touches, checks that no account crosses zero, and appends the entry with
the hash of the one before it. It flushes; the caller commits.
"""

from collections import defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.database import utcnow
from charity.extensions import db
from charity.fund import accounts, chain
from charity.fund.models import Account, JournalEntry, JournalLine, LedgerHead


class LedgerError(ValueError):
    """A posting the ledger refuses; the message is shown to the user."""


def _head() -> LedgerHead:
    query = select(LedgerHead).where(LedgerHead.id == 1).with_for_update()
    head = db.session.scalar(query.execution_options(populate_existing=True))
    if head is None:
        head = LedgerHead(id=1, seq=0, hash=chain.GENESIS)
        db.session.add(head)
        db.session.flush()
    return head


def lock_accounts(codes) -> dict[str, Account]:
    """The accounts with these codes, row-locked and fresh, created on first use."""
    codes = sorted(set(codes))
    for code in codes:
        if accounts.kind_of(code) is None:
            raise LedgerError(_l("Unknown fund account %(code)s.", code=code))
    query = select(Account).where(Account.code.in_(codes)).order_by(Account.code)
    found = {a.code: a for a in db.session.scalars(
        query.with_for_update().execution_options(populate_existing=True))}
    for code in codes:
        if code not in found:
            found[code] = Account(code=code, kind=accounts.kind_of(code), balance=0)
            db.session.add(found[code])
    return found


def _netted(lines) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for code, amount in lines:
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise LedgerError(_l("Amounts are whole fen."))
        totals[code] += amount
    return {code: amount for code, amount in totals.items() if amount != 0}


def post(lines: list[tuple[str, int]], *, kind: str, memo: str = "",
         reference: str | None = None, user=None, subject: str | None = None,
         reverses: JournalEntry | None = None,
         posted_at: datetime | None = None) -> JournalEntry:
    """Append one balanced entry: lines of (account code, fen; debit positive) summing to zero.

    Refuses an unbalanced or empty entry, an unknown account, a reused reference, and any
    posting that would take an account across zero (money that is not there). `posted_at`
    defaults to now; loading history (a bank statement, the demo) passes the day it happened."""
    netted = _netted(lines)
    if sum(netted.values()) != 0:
        raise LedgerError(_l("A journal entry must balance: debits equal credits."))
    if not netted:
        raise LedgerError(_l("A journal entry needs at least one amount."))
    head = _head()
    if reference is not None and db.session.scalar(
            select(JournalEntry.id).where(JournalEntry.reference == reference)):
        raise LedgerError(_l("Reference %(ref)s is already in the journal.", ref=reference))
    found = lock_accounts(netted)
    for code, amount in netted.items():
        account = found[code]
        after = account.balance + amount
        if (account.kind == accounts.FUND and after > 0) or \
                (account.kind != accounts.FUND and after < 0):
            raise LedgerError(_l("Not enough money in %(code)s for this posting.", code=code))
    for code, amount in netted.items():
        found[code].balance += amount
    posted_at = posted_at or utcnow()
    ordered = sorted(netted.items())
    entry_hash = chain.entry_hash(
        seq=head.seq + 1, posted_at=posted_at, kind=kind, memo=memo, reference=reference,
        reverses_seq=reverses.seq if reverses else None, lines=ordered, prev_hash=head.hash)
    entry = JournalEntry(seq=head.seq + 1, posted_at=posted_at, kind=kind, memo=memo,
                         reference=reference, subject=subject, reverses=reverses,
                         user_id=getattr(user, "id", None), prev_hash=head.hash,
                         hash=entry_hash,
                         lines=[JournalLine(account=found[c], amount=a) for c, a in ordered])
    head.seq, head.hash = entry.seq, entry_hash
    db.session.add(entry)
    db.session.flush()
    return entry


def reverse(entry: JournalEntry, *, reason: str, user=None) -> JournalEntry:
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
                subject=entry.subject or entry.reference, reverses=entry)
