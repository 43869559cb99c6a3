"""The journal's monthly roll-up (`fund_month_total`): the lines summed per kind as disclosed
(a reversal counted as the kind of the entry it reverses), Shanghai month and account.

`journal.post()` adds each entry's lines to it in the same statement (PostgreSQL) or
transaction (SQLite) as the entry, while it holds the chain's head, so the roll-up always
equals the journal's sums and the public disclosure reads a few hundred rows instead of summing
every line. `journal_sums()` recomputes the same sums from the journal itself; `ledger verify`
and the tests compare the two.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import String, case, delete, func, insert, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from charity.extensions import db
from charity.fund.models import JournalEntry, JournalLine, MonthTotal
from charity.timeutil import SHANGHAI

TOTAL = MonthTotal.__table__


class local_month(FunctionElement):  # noqa: N801 (a SQL function, named like one)
    """'YYYY-MM' of a UTC timestamp in Shanghai time (UTC+8 all year), computed in SQL."""

    type = String()
    inherit_cache = True


@compiles(local_month)
def _local_month(element, compiler, **kw):
    # Constants as literals, not binds: GROUP BY must repeat the select's expression exactly.
    zone, pattern = literal_column("'Asia/Shanghai'"), literal_column("'YYYY-MM'")
    return compiler.process(func.to_char(func.timezone(zone, *element.clauses), pattern), **kw)


@compiles(local_month, "sqlite")
def _local_month_sqlite(element, compiler, **kw):
    return compiler.process(func.strftime(literal_column("'%Y-%m'"), *element.clauses,
                                          literal_column("'+8 hours'")), **kw)


def month_of(posted_at: datetime) -> str:
    """'YYYY-MM' of a timestamp in Shanghai time (a naive one is taken to be UTC, as stored)."""
    if posted_at.tzinfo is None:
        posted_at = posted_at.replace(tzinfo=UTC)
    return posted_at.astimezone(SHANGHAI).strftime("%Y-%m")


def disclosed_kind(kind: str, reversed_kind: str | None) -> str:
    """The kind an entry is disclosed as: a reversal as the kind of the entry it reverses."""
    return reversed_kind if kind == "reversal" and reversed_kind is not None else kind


def add(kind: str, month: str, moves: Iterable[tuple[int, int]]) -> None:
    """Add an entry's lines, (account id, fen), to the roll-up (an UPSERT; the caller holds
    the chain's head, so postings add one at a time)."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
    statement = dialect.insert(TOTAL).values(
        [{"kind": kind, "month": month, "account_id": i, "amount": a} for i, a in moves])
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[TOTAL.c.kind, TOTAL.c.month, TOTAL.c.account_id],
        set_={"amount": TOTAL.c.amount + statement.excluded.amount}))


def _in_year(month, year: int | None):
    return [] if year is None else [month >= f"{year:04d}-01", month < f"{year + 1:04d}-01"]


def _journal_query():
    original = aliased(JournalEntry)
    kind = case((JournalEntry.kind == literal_column("'reversal'"),
                 func.coalesce(original.kind, JournalEntry.kind)), else_=JournalEntry.kind)
    month = local_month(JournalEntry.posted_at)
    return (select(kind, month, JournalLine.account_id, func.sum(JournalLine.amount))
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .outerjoin(original, original.id == JournalEntry.reverses_id)
            .group_by(kind, month, JournalLine.account_id)), month


def journal_sums(year: int | None = None) -> dict[tuple[str, str, int], int]:
    """(kind as disclosed, month, account id) -> fen, summed from the journal's lines in SQL
    (the whole journal: slow on a long one, for checks only)."""
    query, month = _journal_query()
    return {(k, m, a): int(amount) for k, m, a, amount in
            db.session.execute(query.having(*_in_year(month, year)))}


def stored(year: int | None = None) -> dict[tuple[str, str, int], int]:
    """The roll-up as stored: (kind as disclosed, month, account id) -> fen."""
    query = select(TOTAL.c.kind, TOTAL.c.month, TOTAL.c.account_id, TOTAL.c.amount)
    return {(k, m, a): int(amount) for k, m, a, amount in
            db.session.execute(query.where(*_in_year(TOTAL.c.month, year)))}


def rebuild() -> None:
    """Refill the roll-up from the journal (after entries were written in bulk, not through
    `journal.post`, as the page benchmark does). The caller commits."""
    query, _month = _journal_query()
    db.session.execute(delete(TOTAL))
    db.session.execute(insert(TOTAL).from_select(["kind", "month", "account_id", "amount"],
                                                 query))
