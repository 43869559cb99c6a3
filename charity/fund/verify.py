"""`ledger verify`: recheck every entry's balance, every account against a replay of the
lines, the whole hash chain, and the monthly roll-up the disclosure reads against the lines'
sums (computed here in Python, not by the SQL that back-filled it), reading the database as it
is (not through the ORM's guards), so that a row changed behind the application's back is found."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from charity.extensions import db
from charity.fund import chain, rollup
from charity.fund.models import Account, JournalEntry, JournalLine, LedgerHead, MonthTotal


@dataclass
class Report:
    """What `ledger verify` found: how far the chain goes, and every inconsistency."""

    entries: int = 0
    head_seq: int = 0
    head_hash: str = chain.GENESIS
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the ledger checked out with no error."""
        return not self.errors

    def as_dict(self) -> dict:
        """The report as `ledger verify --json` prints it."""
        return {"ok": self.ok, "entries": self.entries, "head_seq": self.head_seq,
                "head_hash": self.head_hash, "errors": self.errors}


def _lines_by_entry() -> dict[int, list[tuple[str, int]]]:
    rows = db.session.execute(select(JournalLine.entry_id, Account.code, JournalLine.amount)
                              .join(Account, Account.id == JournalLine.account_id))
    lines: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for entry_id, code, amount in rows:
        lines[entry_id].append((code, int(amount)))
    return lines


def verify() -> Report:
    """Check zero sums, the chain (sequence, links, hashes), the head, every balance and the
    monthly roll-up."""
    report = Report()
    lines = _lines_by_entry()
    replay: dict[str, int] = defaultdict(int)
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    ids = db.session.execute(select(JournalEntry.id, JournalEntry.seq, JournalEntry.kind)).all()
    seq_of, kind_of = {i: s for i, s, _k in ids}, {i: k for i, _s, k in ids}
    previous = chain.GENESIS
    for entry in db.session.execute(select(JournalEntry.__table__).order_by("seq")):
        report.entries += 1
        entry_lines = lines.get(entry.id, [])
        if entry.seq != report.entries:
            report.errors.append(f"entry {entry.id}: seq {entry.seq}, expected {report.entries}")
        if sum(a for _, a in entry_lines) != 0 or not entry_lines:
            report.errors.append(f"entry {entry.seq}: lines do not sum to zero")
        if entry.prev_hash != previous:
            report.errors.append(f"entry {entry.seq}: previous hash does not link")
        expected = chain.entry_hash(
            seq=entry.seq, posted_at=entry.posted_at, kind=entry.kind, memo=entry.memo,
            reference=entry.reference, subject=entry.subject, user_id=entry.user_id,
            reverses_seq=seq_of.get(entry.reverses_id),
            lines=entry_lines, prev_hash=entry.prev_hash)
        if expected != entry.hash:
            report.errors.append(f"entry {entry.seq}: hash does not match its content")
        disclosed = (rollup.disclosed_kind(entry.kind, kind_of.get(entry.reverses_id)),
                     rollup.month_of(entry.posted_at))
        for code, amount in entry_lines:
            replay[code] += amount
            totals[(*disclosed, code)] += amount
        previous = entry.hash
        report.head_seq, report.head_hash = entry.seq, entry.hash
    head = db.session.get(LedgerHead, 1)
    if head is not None and (head.seq, head.hash) != (report.head_seq, report.head_hash):
        report.errors.append("the stored head is not the last entry")
    for code, stored in db.session.execute(select(Account.code, Account.balance)):
        if int(stored) != replay.get(code, 0):
            report.errors.append(f"account {code}: balance {stored}, replay {replay.get(code, 0)}")
    _check_totals(report, totals)
    return report


def _check_totals(report: Report, totals: dict[tuple[str, str, str], int]) -> None:
    """The roll-up (`fund_month_total`) against the lines' sums per kind, month and account."""
    stored = {(kind, month, code): int(amount) for kind, month, code, amount in db.session.execute(
        select(MonthTotal.kind, MonthTotal.month, Account.code, MonthTotal.amount)
        .join(Account, Account.id == MonthTotal.account_id))}
    for key in sorted(stored.keys() | totals.keys()):
        if stored.get(key, 0) != totals.get(key, 0):
            report.errors.append(f"monthly total {' '.join(key)}: {stored.get(key, 0)}, "
                                 f"lines {totals.get(key, 0)}")
