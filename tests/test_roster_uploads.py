"""Hostile roster uploads: a zip bomb, files that are not workbooks, XML entity tricks, too many
rows, cells beyond the forms' limits. Each is refused with a message in the user's language and
nothing is written; a dry run that says "clean" always imports."""

import time
import zipfile
from datetime import date
from io import BytesIO

import openpyxl.xml
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from charity.extensions import db
from charity.main import limits
from charity.registry import excel
from tests.factories import UserFactory, id_number
from tests.test_roster_excel import count_people, row, upload, workbook

SHEET = "xl/worksheets/sheet1.xml"
BIG_ROW = ('<row><c t="inlineStr"><is><t>{}</t></is></c></row>'.format("导" * 40)).encode()


def rebuilt(replace: dict[str, bytes], source: bytes | None = None) -> BytesIO:
    """A workbook made by openpyxl whose members in `replace` are swapped for other bytes
    (added if new)."""
    source = source or workbook([row()]).getvalue()
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(source)) as old, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new:
        for item in old.infolist():
            new.writestr(item.filename, replace.get(item.filename, old.read(item.filename)))
        for name in set(replace) - set(old.namelist()):
            new.writestr(name, replace[name])
    out.seek(0)
    return out


def bomb(megabytes: int, level: int = 1) -> BytesIO:
    """A workbook whose sheet is `megabytes` of repeated rows, packed small."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(workbook([row()]).getvalue())) as old, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as new:
        for item in old.infolist():
            if item.filename != SHEET:
                new.writestr(item.filename, old.read(item.filename))
        with new.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData>')
            chunk = BIG_ROW * (2 ** 20 // len(BIG_ROW))
            for _mb in range(megabytes):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    out.seek(0)
    return out


def post(client, file: BytesIO, name: str = "roster.xlsx", path: str = "/registry/import"):
    """Upload a file (to the street roster's import unless `path` says another); the body is
    built in memory (the test client spools a large one to a temporary file it never
    closes)."""
    boundary, body = encode_multipart({"file": FileStorage(file, name)})
    return client.post(path, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def officer(client, auth):
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")
    return client


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML


def test_real_zip_bomb_is_refused_quickly_without_unpacking(officer):
    file = bomb(183)
    assert len(file.getvalue()) < 3 * 2 ** 20  # under the upload limit: the zip is checked
    before, started = count_people(), time.monotonic()
    response = post(officer, file)
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert "unpacks to more than 50 MB" in response.get_data(as_text=True)
    assert count_people() == before


def test_small_bomb_is_refused_by_its_compression_ratio(officer):
    file = bomb(5, level=9)
    with zipfile.ZipFile(file) as archive:
        sheet = archive.getinfo(SHEET)
        assert sheet.file_size > 100 * sheet.compress_size
    file.seek(0)
    response = post(officer, file)
    assert response.status_code == 400
    assert "compressed beyond what a roster can be" in response.get_data(as_text=True)


def test_lowered_unpacked_limit_is_the_app_config(app, officer):
    app.config["IMPORT_MAX_UNPACKED"] = 2000
    try:
        response = post(officer, workbook([row()]))
    finally:
        del app.config["IMPORT_MAX_UNPACKED"]
    assert response.status_code == 400 and "unpacks to more than" in response.get_data(
        as_text=True)


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                    for i in range(1, 10))
          + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            'uniqueCount="1"><si><t>&lol9;</t></si></sst>').encode()
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            b'uniqueCount="1"><si><t>&xxe;</t></si></sst>')


def shared_strings_workbook(strings_xml: bytes) -> BytesIO:
    """A workbook whose one cell is the first of a shared string table `strings_xml` (openpyxl
    writes inline strings, so the table, its content type and the cell are put in here)."""
    book = Workbook()
    book.active.append(["户编号"])
    buffer = BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        types = archive.read("[Content_Types].xml").decode()
        sheet = archive.read(SHEET).decode()
    types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType='
                          '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                          'sharedStrings+xml"/></Types>')
    cell = sheet[sheet.index("<c "):sheet.index("</c>") + 4]
    sheet = sheet.replace(cell, '<c r="A1" t="s"><v>0</v></c>')
    return rebuilt({"[Content_Types].xml": types.encode(), SHEET: sheet.encode(),
                    "xl/sharedStrings.xml": strings_xml}, buffer.getvalue())


def not_xlsx_zip() -> BytesIO:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    out.seek(0)
    return out


@pytest.mark.parametrize("make", [
    lambda: BytesIO(b"hello"),
    lambda: BytesIO("户编号,街道\nIMP001,七星岗\n".encode()),
    not_xlsx_zip,
    lambda: shared_strings_workbook(LAUGHS),
    lambda: shared_strings_workbook(EXTERNAL),
    lambda: rebuilt({SHEET: b"<worksheet><sheetData><row>"}),
], ids=["text", "csv", "zip", "billion-laughs", "external-entity", "broken-xml"])
def test_hostile_files_are_refused_cleanly(officer, make):
    before = count_people()
    started = time.monotonic()
    response = post(officer, make())
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "not a readable .xlsx workbook" in text and "root:" not in text
    assert 'name="token"' not in text and count_people() == before


def test_too_many_rows_are_refused(app, officer):
    app.config["IMPORT_MAX_ROWS"] = 3
    try:
        rows = [row(姓名=f"行{i}", 身份证号=id_number(date(1980, 1, i + 1))) for i in range(5)]
        response = post(officer, workbook(rows))
    finally:
        del app.config["IMPORT_MAX_ROWS"]
    assert response.status_code == 400
    assert "at most 3 rows" in response.get_data(as_text=True)


def test_default_row_limit_is_fifty_thousand(app):
    assert limits.IMPORT_MAX_ROWS == 50_000 and "IMPORT_MAX_ROWS" not in app.config


@pytest.mark.parametrize("lang, changes, message", [
    ("en", {"姓名": "长" * 300}, "At most 40 characters (this has 300)"),
    ("zh_Hans_CN", {"姓名": "长" * 300}, "最多 40 个字符"),
    ("en", {"月收入(元)": 1e30}, "at most 1000000 yuan"),
    ("zh_Hans_CN", {"月收入(元)": "1e30"}, "月收入最多"),
    ("en", {"户编号": "H" * 21}, "At most 20 characters"),
    ("en", {"地址": "路" * 201}, "At most 200 characters"),
    ("en", {"户籍": "外地", "居住证起始日期": "1800-01-01"}, "between 1950-01-01 and today"),
    ("en", {"户籍": "外地", "居住证起始日期": "9999-12-31"}, "between 1950-01-01 and today"),
    ("en", {"姓名": "坏\t名"}, "control characters"),
])
def test_rows_beyond_the_forms_limits_are_errors_of_the_dry_run(client, auth, lang, changes,
                                                                  message):
    auth.login(UserFactory(role="admin"))
    client.get(f"/lang/{lang}")
    before = count_people()
    response = upload(client, [row(**changes)])
    text = response.get_data(as_text=True)
    assert text.count('class="bad-row"') == 1 and message in text
    assert 'name="token"' not in text and count_people() == before


def test_oversized_upload_says_the_limit_in_the_users_language(app, client, auth):
    auth.login(UserFactory(role="admin"))
    client.get("/lang/zh_Hans_CN")
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2 ** 20
    try:
        response = post(client, BytesIO(b"x" * (2 ** 20 + 10)))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "文件太大" in response.get_data(as_text=True)


#: Texts a workbook can hold (openpyxl refuses most control characters).
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=45).filter(
    lambda text: not ILLEGAL_CHARACTERS_RE.search(text))
incomes = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                    st.decimals(allow_nan=False, places=2, min_value=-10, max_value=10 ** 8),
                    texts)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=texts, code=st.text(alphabet="AB12-", min_size=1, max_size=25), address=texts,
       income=incomes)
def test_a_clean_dry_run_always_imports(app, session, name, code, address, income):
    with app.test_request_context("/?lang=en"):
        content = workbook([row(姓名=name, 户编号=code, 地址=address,
                               **{"月收入(元)": income})]).getvalue()
        result = excel.dry_run(content, date(2026, 11, 29))
        savepoint = db.session.begin_nested()
        try:
            if not result.errors:
                assert excel.apply(result, date(2026, 11, 29)) == 1
                db.session.flush()
        finally:
            savepoint.rollback()
