"""Exports (.csv and .xlsx) that a spreadsheet opens as data, never as formulas (OWASP "CSV
injection"): a text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written
as text. Numbers stay numbers, negative ones too; only strings are touched. Every export in
the app writes its rows through this module."""

import csv
from collections.abc import Iterable, Sequence
from io import BytesIO, StringIO

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

#: What a spreadsheet may take as the start of a formula (or of a hidden one).
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def risky(value) -> bool:
    """Whether `value` is a text a spreadsheet could run as a formula."""
    return isinstance(value, str) and value.startswith(RISKY_STARTS)


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
    sheet.append(list(values))
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
