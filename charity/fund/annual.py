"""The annual report as .xlsx, shaped for the national charity disclosure platform (慈善中国):
a summary sheet, income by month and source, spending by measure (the fund's projects), and
payments by street. Totals only, no personal data."""

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from charity.fund import disclosure
from charity.fund.views_helpers import MEASURE_NAMES
from charity.main import spreadsheet


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    spreadsheet.append(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        spreadsheet.append(sheet, row)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22


def yuan(fen: int) -> float:
    """Yuan for a spreadsheet cell (the platform's unit); the ledger itself stays in fen."""
    return round(fen / 100, 2)


def workbook(year: int, organisation: str) -> bytes:
    """The year's disclosure workbook, as bytes."""
    report = disclosure.build(year)
    book = Workbook()
    book.remove(book.active)
    _sheet(book, _("Summary"), [_("Item"), _("Value")], [
        [_("Organisation"), organisation], [_("Year"), year],
        [_("Fund name"), _("Dedicated relief fund for urban special-hardship groups")],
        [_("Income (yuan)"), yuan(report.total_in)],
        [_("Spending (yuan)"), yuan(report.total_out)],
        [_("Journal head hash"), report.head[1]],
    ])
    _sheet(book, _("Income and spending by month"),
           [_("Month"), _("Income (yuan)"), _("Spending (yuan)")],
           [[m, yuan(v[0]), yuan(v[1])] for m, v in sorted(report.months.items())])
    _sheet(book, _("Projects by measure"),
           [_("Measure"), _("Project"), _("Designated income (yuan)"), _("Spending (yuan)")],
           [[m, str(MEASURE_NAMES[m]), yuan(v[0]), yuan(v[1])]
            for m, v in sorted(report.measures.items())])
    _sheet(book, _("Payments by street"),
           [_("Street"), _("Payments"), _("Amount (yuan)")],
           [[s, v[0], yuan(v[1])] for s, v in report.streets.items()])
    return spreadsheet.xlsx_bytes(book)
