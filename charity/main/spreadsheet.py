"""Exports (.csv and .xlsx) that a spreadsheet opens as data, never as formulas (OWASP "CSV
injection"): a text that starts with `=`, `+`, `-`, `@` (or their full-width forms, spaces
before them or not), a tab, a carriage return or a line feed is written as text. Numbers stay
numbers, negative ones too; only strings are touched. A control character no .xlsx can hold (a
record kept before such characters were refused) is written as U+FFFD, so one record never stops
an export. Every export in the app writes its rows through this module."""

import csv
from collections.abc import Iterable, Sequence
from io import BytesIO, StringIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

#: What a spreadsheet may take as the start of a formula (or of a hidden one), the full-width
#: forms included (Excel in Chinese and Japanese reads `＝１＋１` as typed as a formula).
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
#: Spaces a spreadsheet may skip before a formula's sign (ASCII and ideographic).
LEADING_SPACES = " \u3000"


def risky(value) -> bool:
    """Whether `value` is a text a spreadsheet could run as a formula, spaces before its sign
    or not."""
    return isinstance(value, str) and (value.startswith(RISKY_STARTS) or
                                       value.lstrip(LEADING_SPACES).startswith(RISKY_STARTS))


def csv_cell(value):
    """A value for a CSV cell: a risky text gets a leading single quote (which spreadsheets
    show as text and do not evaluate); anything else is unchanged."""
    return "'" + value if risky(value) else value


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> str:
    """CSV text with a header, every cell through `csv_cell`."""
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(v) for v in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue()


def append(sheet: Worksheet, values: Sequence) -> None:
    """Append a row to a sheet; a risky text is stored as a string with Excel's quote prefix
    (openpyxl would otherwise take a text starting with `=` for a formula). The text itself is
    unchanged, so an exported roster imports again as it was."""
    values = [ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v
              for v in values]
    sheet.append(values)
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if risky(value):
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True


def table(header: Sequence, rows: Iterable[Sequence], title: str | None = None) -> Workbook:
    """A one-sheet workbook with a header and rows, every row through `append`."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    append(sheet, header)
    for row in rows:
        append(sheet, row)
    return book


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
