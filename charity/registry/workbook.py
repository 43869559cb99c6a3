"""Opening an uploaded roster workbook safely: the zip's own sizes are checked before openpyxl
reads a byte of XML (a zip bomb is refused on its declared sizes, which Python's zipfile, and so
openpyxl, never reads past), the XML is parsed by defusedxml (openpyxl uses it when it is
installed: no external entities, no entity bombs), and reading stops past the row limit. A
workbook listing more than `IMPORT_MAX_SHEETS` sheets is refused before openpyxl opens each.
Only the first `IMPORT_MAX_COLUMNS` columns are read, whatever width the sheet declares or a row
reaches, and blank rows (formatting left below a table) are not counted against the row limit."""

import zipfile
from io import BytesIO

from defusedxml import ElementTree
from flask import current_app
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from charity.errors import DomainError
from charity.main import limits


class WorkbookRefused(DomainError):
    """The upload is not a workbook the import will open; the message says why."""


def _limit(name: str) -> int:
    return current_app.config.get(name, getattr(limits, name))


def check_archive(content: bytes) -> None:
    """Refuse what is not an .xlsx zip, or unpacks too large or at a bomb's ratio, or lists
    more sheets than a roster has reason to."""
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise WorkbookRefused(_l("This file is not a readable .xlsx workbook.")) from None
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise WorkbookRefused(_l("This file is not a readable .xlsx workbook."))
        _check_sizes(members)
        _check_sheets(archive)


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip whose members unpack too large, or at a bomb's ratio."""
    unpacked = sum(m.file_size for m in members)
    if unpacked > _limit("IMPORT_MAX_UNPACKED"):
        raise WorkbookRefused(_l("This workbook unpacks to more than %(mb)s MB; split it "
                                 "into smaller files.",
                                 mb=_limit("IMPORT_MAX_UNPACKED") // 2 ** 20))
    ratio = _limit("IMPORT_MAX_RATIO")
    if any(m.file_size > ratio * max(m.compress_size, 1) for m in members):
        raise WorkbookRefused(_l("This workbook is compressed beyond what a roster can be; "
                                 "it was not opened."))


def _check_sheets(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook listing more sheets than `IMPORT_MAX_SHEETS` (read with defusedxml,
    before openpyxl opens each one listed)."""
    try:
        root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except Exception:  # noqa: BLE001 (zipfile and defusedxml raise many kinds for a bad file)
        raise WorkbookRefused(_l("This file is not a readable .xlsx workbook.")) from None
    sheets = sum(1 for element in root.iter()
                 if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "sheet")
    if sheets > _limit("IMPORT_MAX_SHEETS"):
        raise WorkbookRefused(_l("This workbook has %(count)s sheets; a roster has at most "
                                 "%(most)s. Copy the roster's sheet into a new workbook.",
                                 count=sheets, most=_limit("IMPORT_MAX_SHEETS")))


def read_rows(content: bytes) -> list[tuple]:
    """The first sheet's rows as tuples of values, header first; raises `WorkbookRefused`."""
    check_archive(content)
    most, filled = _limit("IMPORT_MAX_ROWS"), 0
    rows = []
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.active
            sheet.reset_dimensions()  # the declared size is the file's word: read what it has
            for values in sheet.iter_rows(max_col=_limit("IMPORT_MAX_COLUMNS"),
                                          values_only=True):
                if not any(v is not None and str(v).strip() for v in values):
                    rows.append(())  # kept, so that later rows keep their numbers
                    continue
                rows.append(values)
                filled += 1
                if filled > most + 1:
                    raise WorkbookRefused(_l("A roster has at most %(rows)s rows; split this "
                                             "file.", rows=most))
        finally:
            book.close()
    except WorkbookRefused:
        raise
    except Exception:  # noqa: BLE001 (openpyxl and defusedxml raise many kinds for a bad file)
        raise WorkbookRefused(_l("This file is not a readable .xlsx workbook.")) from None
    return rows
