"""Opening an uploaded roster workbook safely: the zip's own sizes are checked before openpyxl
reads a byte of XML (a zip bomb is refused on its declared sizes, which Python's zipfile, and so
openpyxl, never reads past), the XML is parsed by defusedxml (openpyxl uses it when it is
installed: no external entities, no entity bombs), and reading stops past the row limit. A
workbook listing more than `IMPORT_MAX_SHEETS` sheets is refused before openpyxl opens each.
Only the first `IMPORT_MAX_COLUMNS` columns are read, whatever width the sheet declares or a row
reaches, and blank rows (formatting left below a table) are not counted against the row limit."""

import posixpath
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


#: The attribute of a workbook's <sheet> naming its part in the relationships.
RELATION_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


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


def _too_large() -> WorkbookRefused:
    """The refusal of a workbook that unpacks (or would be read) beyond the limit."""
    return WorkbookRefused(_l("This workbook unpacks to more than %(mb)s MB; split it into "
                              "smaller files.", mb=_limit("IMPORT_MAX_UNPACKED") // 2 ** 20))


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip whose members unpack too large, or at a bomb's ratio."""
    if sum(m.file_size for m in members) > _limit("IMPORT_MAX_UNPACKED"):
        raise _too_large()
    ratio = _limit("IMPORT_MAX_RATIO")
    if any(m.file_size > ratio * max(m.compress_size, 1) for m in members):
        raise WorkbookRefused(_l("This workbook is compressed beyond what a roster can be; "
                                 "it was not opened."))


def _xml(archive: zipfile.ZipFile, name: str):
    """A member of the archive parsed by defusedxml; `WorkbookRefused` if it is unreadable."""
    try:
        return ElementTree.fromstring(archive.read(name))
    except Exception:  # noqa: BLE001 (zipfile and defusedxml raise many kinds for a bad file)
        raise WorkbookRefused(_l("This file is not a readable .xlsx workbook.")) from None


def _named(root, name: str) -> list:
    """The elements of `root` called `name`, whatever their namespace."""
    return [e for e in root.iter() if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1] == name]


def _check_sheets(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook listing more sheets than `IMPORT_MAX_SHEETS`, or whose listings add
    up to more XML than `IMPORT_MAX_UNPACKED` (openpyxl reads each listed sheet to learn its
    size, so one large sheet listed fifty times is read fifty times)."""
    sheets = _named(_xml(archive, "xl/workbook.xml"), "sheet")
    if len(sheets) > _limit("IMPORT_MAX_SHEETS"):
        raise WorkbookRefused(_l("This workbook has %(count)s sheets; a roster has at most "
                                 "%(most)s. Copy the roster's sheet into a new workbook.",
                                 count=len(sheets), most=_limit("IMPORT_MAX_SHEETS")))
    rels = "xl/_rels/workbook.xml.rels"
    targets = {r.get("Id"): posixpath.normpath(posixpath.join("xl", r.get("Target") or ""))
               .lstrip("/") for r in
               (_named(_xml(archive, rels), "Relationship") if rels in archive.namelist() else [])}
    sizes = {m.filename: m.file_size for m in archive.infolist()}
    read = sum(sizes.get(targets.get(sheet.get(RELATION_ID), ""), 0) for sheet in sheets)
    if read > _limit("IMPORT_MAX_UNPACKED"):
        raise _too_large()


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
