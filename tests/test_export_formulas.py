"""Exports never hand a spreadsheet a formula: a text starting with `=`, `+`, `-`, `@`, a tab or
a carriage return is written as text in every .xlsx and .csv; numbers stay numbers."""

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from charity.district.models import Street
from charity.extensions import db
from charity.fund import annual
from charity.main import spreadsheet
from charity.timeutil import local_today
from tests.factories import PairingFactory, PersonFactory, UserFactory
from tests.jobs import exported

HOSTILE = ['=HYPERLINK("http://e.vil/","x")', "+1+cmd|' /C calc'!A0", "-2+3",
           "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes, expected: list[str]) -> None:
    found = cells(content)
    assert all(cell.data_type != "f" for cell in found)
    expected = {text.replace("\r", "\n") for text in expected}  # XML reads a bare CR as LF
    quoted = {cell.value: cell for cell in found if cell.value in expected}
    assert set(quoted) == expected  # the text itself is kept, as text
    assert all(cell.quotePrefix and cell.data_type == "s" for cell in quoted.values())


def test_helper_writes_risky_texts_as_text_and_keeps_numbers():
    book = spreadsheet.table(["name", "amount"], [[text, -12.5] for text in HOSTILE] + [["ok", 3]])
    found = cells(spreadsheet.xlsx_bytes(book))
    assert all(cell.data_type != "f" for cell in found)
    amounts = [cell for cell in found if cell.column == 2 and cell.row > 1]
    assert [c.value for c in amounts] == [-12.5] * len(HOSTILE) + [3]
    assert all(c.data_type == "n" for c in amounts)
    rows = list(csv.reader(io.StringIO(spreadsheet.csv_text(["name", "n"],
                                                            [[t, -3] for t in HOSTILE]))))
    assert all(r[0].startswith("'") and r[0][1:] in HOSTILE for r in rows[1:])
    assert all(r[1] == "-3" for r in rows[1:])


def test_roster_export_writes_hostile_names_as_text(client, auth):
    people = [PersonFactory(name=text[:40]) for text in HOSTILE]
    people[0].household.address = HOSTILE[0]
    auth.login(UserFactory(role="admin"))
    response = exported(client, f"/registry/export?street={people[0].household.street_id}")
    assert response.status_code == 200
    assert_no_formula(response.data, [p.name for p in people] + [HOSTILE[0]])


def hostile_streets() -> list[str]:
    """A live pairing in each of six streets, whose names are then the hostile texts."""
    streets = db.session.scalars(select(Street).order_by(Street.id).limit(len(HOSTILE))).all()
    for place, text in zip(streets, HOSTILE, strict=True):
        PairingFactory(street_name=place.name)
        place.name = text
    db.session.flush()
    return HOSTILE


def test_pairing_exports_write_hostile_texts_as_text(client, auth):
    names = hostile_streets()
    auth.login(UserFactory(role="admin"))
    assert_no_formula(exported(client, "/pairing/export.xlsx").data, names)
    rows = list(csv.reader(io.StringIO(exported(client, "/pairing/export.csv").data.decode(
        "utf-8-sig"), newline="")))
    assert sorted(r[1] for r in rows[1:]) == sorted("'" + name for name in names)


def test_cli_pairing_export_writes_hostile_texts_as_text(runner, tmp_path):
    hostile_streets()
    output = tmp_path / "pairings.xlsx"
    assert runner.invoke(args=["match", "export", "--format", "xlsx", "--output",
                               str(output)]).exit_code == 0
    assert_no_formula(output.read_bytes(), HOSTILE)
    exported = runner.invoke(args=["match", "export", "--format", "csv"]).stdout
    assert "'=HYPERLINK(" in exported and "\n=" not in exported


def test_annual_report_writes_hostile_texts_as_text(app, session):
    with app.test_request_context("/?lang=en"):
        content = annual.workbook(local_today().year, HOSTILE[0])
    assert_no_formula(content, [HOSTILE[0]])
