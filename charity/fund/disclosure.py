"""What the public sees of the fund: money in and out by month, measure, street and campaign,
campaign progress, and the journal's head hash. Only totals; a count below 5 is shown as
"<5" so that no one can be picked out."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import String, case, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from charity.district.models import Street
from charity.extensions import db
from charity.fund import queries
from charity.fund.accounts import FEES_BORNE
from charity.fund.models import Account, JournalEntry, JournalLine
from charity.relief.models import Application
from charity.timeutil import SHANGHAI

#: Entries that bring money in (or take it back out, for refunds and lost disputes).
INFLOW_KINDS = ("gift", "budget_transfer", "refund", "dispute_hold", "dispute_close")
SMALL = 5
_EXTENSION = "fund_disclosure"
#: The most years' reports kept at once (the pages admit 2000 to 2100, and all time).
KEPT_YEARS = 128


def small(count: int) -> str:
    """A count as published: '<5' below five, so small groups stay anonymous."""
    return "<5" if 0 < count < SMALL else str(count)


@dataclass
class Disclosure:
    """The public figures of a year (or of all time): money in and out by month, measure, street
    and campaign, as [in, out] in fen."""

    months: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    measures: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    streets: dict[str, list] = field(default_factory=dict)
    campaigns: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    total_in: int = 0
    total_out: int = 0
    #: Of `total_in`, what the district budget appropriated (纳入本级预算).
    budget_in: int = 0
    head: tuple[int, str] = (0, "")


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


def _rows(year: int | None):
    """(kind, month, account code, amount) summed in SQL per kind, Shanghai month and account;
    a reversal counts as the kind of the entry it reverses."""
    original = aliased(JournalEntry)
    kind = case((JournalEntry.kind == literal_column("'reversal'"), original.kind),
                else_=JournalEntry.kind)
    month = local_month(JournalEntry.posted_at)
    query = (select(kind, month, Account.code, func.sum(JournalLine.amount))
             .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
             .join(Account, Account.id == JournalLine.account_id)
             .outerjoin(original, original.id == JournalEntry.reverses_id)
             .group_by(kind, month, Account.code))
    if year is not None:
        query = query.where(JournalEntry.posted_at >= datetime(year, 1, 1, tzinfo=SHANGHAI),
                            JournalEntry.posted_at < datetime(year + 1, 1, 1, tzinfo=SHANGHAI))
    for entry_kind, entry_month, code, amount in db.session.execute(query):
        yield entry_kind, entry_month, code, int(amount)


def _restriction(code: str, prefix: str) -> str | None:
    return code.removeprefix(prefix) if code.startswith(prefix) else None


def build(year: int | None = None) -> Disclosure:
    """The public report of `year` (all time if None), kept per process until the journal's head
    hash or the paid applications change: the ledger is append-only and hash-chained, so the
    head names everything in it."""
    head = queries.head()
    key = (head, _paid_version())
    # one report per year (at most the years `year_arg` admits, and all time): asking for
    # years in turn must not make each request read the journal again
    kept = current_app.extensions.setdefault(_EXTENSION, {})
    if year in kept and kept[year][0] == key:
        return kept[year][1]
    report = _aggregate(year, head)
    if len(kept) >= KEPT_YEARS:  # a caller that passes any year cannot grow it without end
        kept.clear()
    kept[year] = (key, report)
    return report


def _paid_version():
    return db.session.execute(select(func.count(Application.id), func.max(Application.paid_at))
                              .where(Application.state == "paid")).one()


def _aggregate(year: int | None, head) -> Disclosure:
    """Aggregate the journal (and paid applications, for streets) into the public report."""
    report = Disclosure(head=head)
    for kind, month, code, amount in _rows(year):
        if kind in INFLOW_KINDS and (code.startswith(("restricted:", "unrestricted", "budget"))):
            report.months[month][0] -= amount
            report.total_in -= amount
            if kind == "budget_transfer":
                report.budget_in -= amount
            if (m := _restriction(code, "restricted:measure:")) is not None:
                report.measures[int(m)][0] -= amount
            if (c := _restriction(code, "restricted:campaign:")) is not None:
                report.campaigns[int(c)] -= amount
        elif kind in INFLOW_KINDS and code == FEES_BORNE:
            # A fund bears its gift's fee: money in is shown gross, the fee as money out.
            report.months[month][0] -= amount
            report.total_in -= amount
        elif code == "fees":
            report.months[month][1] += amount
            report.total_out += amount
        elif kind == "payment" and code.startswith("disbursed:measure:"):
            report.months[month][1] += amount
            report.total_out += amount
            report.measures[int(code.rsplit(":", 1)[1])][1] += amount
    report.streets = street_payments(year)
    return report


def street_payments(year: int | None) -> dict[str, list]:
    """Paid applications per street: [number shown ('<5' when small), amount]."""
    query = (select(Street.name, func.count(Application.id), func.sum(Application.amount_fen))
             .join(Application, Application.street_id == Street.id)
             .where(Application.state == "paid").group_by(Street.name, Street.position)
             .order_by(Street.position))
    if year is not None:
        query = query.where(Application.paid_at >= datetime(year, 1, 1, tzinfo=SHANGHAI),
                            Application.paid_at < datetime(year + 1, 1, 1, tzinfo=SHANGHAI))
    return {name: [small(count), int(total or 0)] for name, count, total in
            db.session.execute(query)}
