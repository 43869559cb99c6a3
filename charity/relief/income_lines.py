"""The yearly income lines and asset limits of measure 4: reading the line for a year (refused
with a message naming the year when staff have not entered it) and staff's edits, audited."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.audit.operations import record
from charity.eligibility import DEFAULTS
from charity.errors import DomainError
from charity.extensions import db
from charity.relief.intake_models import IncomeLine

#: The most a yearly per-capita income line or an asset limit may be: ¥10,000,000.
MAX_LINE_FEN = 1_000_000_000


class IncomeLineError(DomainError):
    """No line for the year, or an edit the table refuses; the message is shown to the user."""


def for_year(year: int) -> IncomeLine:
    """The line for events of `year`; refused (never a default) when staff have not set it."""
    line = db.session.scalar(select(IncomeLine).where(IncomeLine.year == year))
    if line is None:
        raise IncomeLineError(_l("No income line for %(year)s: fund or district staff must "
                                 "enter it before eligibility can be checked.", year=year))
    return line


def all_lines() -> list[IncomeLine]:
    """Every year's line, newest first."""
    return list(db.session.scalars(select(IncomeLine).order_by(IncomeLine.year.desc())))


def _check(values: dict) -> None:
    if not 2000 <= values["year"] <= 2100:
        raise IncomeLineError(_l("The year must be between 2000 and 2100."))
    if not 0 < values["disposable_income_fen"] <= MAX_LINE_FEN:
        raise IncomeLineError(_l("The income line must be above zero and at most "
                                 "¥10,000,000."))
    for key in ("financial_assets_fen", "vehicle_value_fen"):
        if not 0 <= values[key] <= MAX_LINE_FEN:
            raise IncomeLineError(_l("An asset limit must be between ¥0 and ¥10,000,000."))
    if not values["source"].strip():
        raise IncomeLineError(_l("Name the document the figures come from."))


def save(values: dict, user, line: IncomeLine | None = None) -> IncomeLine:
    """Add a year's line (refused if the year has one) or change `line`; audited with the
    figures before and after."""
    _check(values)
    taken = db.session.scalar(select(IncomeLine).where(IncomeLine.year == values["year"]))
    if taken is not None and taken is not line:
        raise IncomeLineError(_l("The year %(year)s already has a line; edit it instead.",
                                 year=values["year"]))
    before = None if line is None else {k: getattr(line, k) for k in values}
    line = line or IncomeLine()
    for key, value in values.items():
        setattr(line, key, value.strip() if isinstance(value, str) else value)
    line.updated_by_id = user.id
    db.session.add(line)
    db.session.flush()
    record("relief.income_line", "income_line", line.id, user=user, before=before,
           after={k: getattr(line, k) for k in values})
    return line


def fill_missing(today: date) -> None:
    """The year of `today`'s and the year before's income lines, where missing, for the demo
    and the tests: the former configuration figure, marked as the demo's (staff enter the
    bulletin's real figure)."""
    for year in (today.year - 1, today.year):
        if db.session.scalar(select(IncomeLine.id).where(IncomeLine.year == year)) is None:
            db.session.add(IncomeLine(
                year=year, disposable_income_fen=DEFAULTS["local_disposable_income_fen"],
                financial_assets_fen=1_824_000, vehicle_value_fen=0,
                source="演示数据：原配置值，待以统计公报核实"))
    db.session.flush()
