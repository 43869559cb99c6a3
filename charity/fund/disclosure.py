"""What the public sees of the fund: money in and out by month, measure, street and campaign,
campaign progress, and the journal's head hash. Only totals; a count below 5 is shown as
"<5" so that no one can be picked out. The money comes from the journal's monthly roll-up
(`charity.fund.rollup`, kept by every posting), never from summing the whole journal."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from charity.district.models import Street
from charity.extensions import db
from charity.fund import queries, rollup
from charity.fund.accounts import FEES_BORNE
from charity.fund.models import Account
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


def _rows(sums: dict[tuple[str, str, int], int]):
    """(kind, month, account code, amount) of each (kind as disclosed, month, account id)."""
    codes = dict(db.session.execute(select(Account.id, Account.code)).all())
    for (kind, month, account_id), amount in sorted(sums.items()):
        yield kind, month, codes[account_id], amount


def _restriction(code: str, prefix: str) -> str | None:
    return code.removeprefix(prefix) if code.startswith(prefix) else None


def build(year: int | None = None) -> Disclosure:
    """The public report of `year` (all time if None), kept per process until the journal's head
    hash or the paid applications change: the ledger is append-only and hash-chained, so the
    head names everything in it."""
    head = queries.head()
    key = (head, _paid_version())
    # one report per year (at most the years `year_arg` admits, and all time): asking for
    # years in turn must not make each request read the roll-up again
    kept = current_app.extensions.setdefault(_EXTENSION, {})
    if year in kept and kept[year][0] == key:
        return kept[year][1]
    report = _aggregate(year, head, rollup.stored(year))
    if len(kept) >= KEPT_YEARS:  # a caller that passes any year cannot grow it without end
        kept.clear()
    kept[year] = (key, report)
    return report


def _paid_version():
    return db.session.execute(select(func.count(Application.id), func.max(Application.paid_at))
                              .where(Application.state == "paid")).one()


def from_journal(year: int | None = None) -> Disclosure:
    """The report computed from the journal's own lines instead of the roll-up (summing the
    whole journal: for checks, never for a page)."""
    return _aggregate(year, queries.head(), rollup.journal_sums(year))


def _aggregate(year: int | None, head, sums) -> Disclosure:
    """Aggregate the monthly sums (and paid applications, for streets) into the public report."""
    report = Disclosure(head=head)
    for kind, month, code, amount in _rows(sums):
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
