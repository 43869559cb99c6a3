"""The ledger's tables: accounts with their running balance, journal entries and their lines,
and the head of the hash chain. Entries and lines are append-only (the ORM refuses a change,
and on PostgreSQL so does a trigger); a mistake is reversed by a new entry."""

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.audit.models import AppendOnlyError
from charity.database import UTCDateTime, check_one_of, utcnow
from charity.extensions import db
from charity.fund.accounts import ASSET, EXPENSE, FUND


class Account(db.Model):
    """One account of the fund, created on first use from its code (see `fund.accounts`)."""

    __tablename__ = "fund_account"
    __table_args__ = (
        check_one_of("kind", (ASSET, EXPENSE, FUND)),
        #: Assets and expenses never go below zero, fund accounts never above (credit side).
        CheckConstraint("(kind = 'fund' AND balance <= 0) OR (kind <> 'fund' AND balance >= 0)",
                        name="balance_side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. 'cash', 'restricted:measure:4', 'reserved:17'.
    code: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: Signed running balance in fen, debit positive; `ledger verify` replays it.
    balance: Mapped[int] = mapped_column(BigInteger, default=0)


class JournalEntry(db.Model):
    """One balanced posting. Never updated or deleted."""

    __tablename__ = "journal_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Position in the hash chain, 1, 2, 3, ... without gaps.
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: What happened: gift, refund, dispute_hold, dispute_close, budget_transfer, transfer,
    #: reserve, release, payment, reversal.
    kind: Mapped[str] = mapped_column(String(30), index=True)
    memo: Mapped[str] = mapped_column(String(300), default="")
    #: Idempotency key from the caller (a payment intent, an application), unique.
    reference: Mapped[str | None] = mapped_column(String(120), unique=True)
    #: The gift (by reference) a refund or dispute belongs to.
    subject: Mapped[str | None] = mapped_column(String(120), index=True)
    #: The entry this one reverses; an entry is reversed at most once.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    lines: Mapped[list["JournalLine"]] = relationship(back_populates="entry",
                                                      order_by="JournalLine.id")
    reverses: Mapped["JournalEntry | None"] = relationship(remote_side=[id])
    user = relationship("User")


class JournalLine(db.Model):
    """One side of an entry: an account and a signed amount in fen (debit positive)."""

    __tablename__ = "journal_line"
    __table_args__ = (
        Index("ix_journal_line_account_entry", "account_id", "entry_id"),
        CheckConstraint("amount <> 0", name="nonzero"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"))
    amount: Mapped[int] = mapped_column(BigInteger)

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
    account: Mapped[Account] = relationship()


class MonthTotal(db.Model):
    """The journal summed per kind as disclosed (a reversal counted as the kind it reverses),
    Shanghai month and account: the public disclosure's roll-up, added to by every posting in
    the same transaction (`charity.fund.rollup`), so no page sums the whole journal."""

    __tablename__ = "fund_month_total"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    #: 'YYYY-MM' in Shanghai time.
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), primary_key=True)
    #: Signed sum of the lines in fen, debit positive.
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class LedgerHead(db.Model):
    """The single row holding the chain's head; locking it serialises posting."""

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint("id = 1", name="single"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class BudgetAppropriation(db.Model):
    """Money the district budget appropriates to the fund (纳入本级预算), by its document: a
    maker records it, another user approves it, and only then is it posted to the ledger."""

    __tablename__ = "budget_appropriation"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="positive"),
        CheckConstraint("measure IS NULL OR (measure BETWEEN 1 AND 10)", name="measure"),
        CheckConstraint("(approved_at IS NULL) = (entry_id IS NULL)", name="posted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The budget document's number (文号): one appropriation per document.
    document: Mapped[str] = mapped_column(String(60), unique=True)
    issued_on: Mapped[date]
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: The measure the money is for, or None for the unrestricted budget account.
    measure: Mapped[int | None]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))

    @property
    def account(self) -> str:
        """The fund account it credits: the measure's restricted fund, or `budget`."""
        return "budget" if self.measure is None else f"restricted:measure:{self.measure}"


@event.listens_for(JournalEntry, "before_update")
@event.listens_for(JournalEntry, "before_delete")
@event.listens_for(JournalLine, "before_update")
@event.listens_for(JournalLine, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AppendOnlyError("journal entries are append-only; reverse them instead")
