"""Roster import: the dry run lists every bad row and writes nothing; a clean file imports whole."""

from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from charity.audit.models import AuditEntry
from charity.extensions import db
from charity.registry import ids
from charity.registry.excel import COLUMNS
from charity.registry.models import Household, Person
from tests.factories import PersonFactory, UserFactory, community, id_number
from tests.jobs import exported

HEADERS = [h for h, _f in COLUMNS]


def workbook(rows) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h, "") for h in HEADERS])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def row(**changes):
    base = {"户编号": "IMP001", "街道": "七星岗", "社区": community("七星岗").name,
            "姓名": "导入甲", "身份证号": id_number(), "类别": "低保", "低保类别": "A",
            "残疾": "是", "残疾等级": 2, "月收入(元)": "500.5", "就业状况": "失业"}
    return base | changes


def upload(client, rows, name="roster.xlsx"):
    return client.post("/registry/import", data={"file": (workbook(rows), name)},
                       content_type="multipart/form-data")


def count_people():
    return db.session.scalar(select(func.count(Person.id)))


def test_dry_run_lists_every_bad_row_and_writes_nothing(client, auth):
    existing = PersonFactory()
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")
    good = row()
    rows = [
        good,
        row(姓名="坏号", 身份证号="500103198005170000"),
        row(姓名="重复", 身份证号=good["身份证号"]),
        row(姓名="在册", 身份证号=ids.decrypt(existing.id_number_encrypted)),
        row(姓名="无街", 街道="火星"),
        row(姓名="无社区", 社区="不存在社区"),
        row(姓名=""),
        row(姓名="怪类", 类别="富人"),
    ]
    before = count_people()
    response = upload(client, rows)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert text.count('class="bad-row"') == 7
    for message in ("check digit", "Same ID number as row 2", "already on the roster",
                    "Unknown street", "Unknown community", "This field is required",
                    "Unknown category"):
        assert message in text
    assert "Import 1 people" not in text
    assert count_people() == before


def test_clean_file_imports_after_confirmation(client, auth):
    user = UserFactory(role="street_officer")
    auth.login(user)
    rows = [row(), row(姓名="导入乙", 身份证号=id_number(sex="F"), 类别="特困",
                      低保类别="", 残疾="否", 残疾等级="")]
    before = count_people()
    response = upload(client, rows)
    assert response.status_code == 200
    assert count_people() == before
    token = response.get_data(as_text=True).split('name="token" value="')[1].split('"')[0]
    confirmed = client.post("/registry/import/confirm", data={"token": token})
    assert confirmed.status_code == 302
    assert count_people() == before + 2
    household = db.session.scalar(select(Household).where(Household.code == "IMP001"))
    assert sorted(m.name for m in household.members) == ["导入乙", "导入甲"]
    first = next(m for m in household.members if m.name == "导入甲")
    assert (first.monthly_income_fen, first.dibao_class, first.disability_grade) == (50050, "A", 2)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.import"))
    assert client.post("/registry/import/confirm", data={"token": token}).status_code == 302
    assert count_people() == before + 2


def test_street_officer_cannot_import_another_street(client, auth):
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    other = community("解放碑").name
    text = upload(client, [row(街道="解放碑", 社区=other)]).get_data(as_text=True)
    assert "only your own street" in text


def test_not_a_workbook_and_wrong_extension(client, auth):
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")
    bad = client.post("/registry/import", data={"file": (BytesIO(b"hello"), "roster.xlsx")},
                      content_type="multipart/form-data")
    assert "not a readable .xlsx" in bad.get_data(as_text=True)
    wrong = client.post("/registry/import", data={"file": (BytesIO(b"a,b"), "roster.csv")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 400
    assert "Only .xlsx" in wrong.get_data(as_text=True)


def test_export_round_trips_through_import_columns(client, auth):
    person = PersonFactory(name="出口", dibao_class="B", monthly_income_fen=12345)
    auth.login(UserFactory(role="admin"))
    street = person.household.street_id
    masked = exported(client, f"/registry/export?street={street}")
    sheet = load_workbook(BytesIO(masked.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    mine = next(r for r in rows if r[3] == "出口")
    assert mine[4] == person.id_number_masked and mine[17] == "123.45" and mine[5] == "低保"
    full = exported(client, f"/registry/export?street={street}&full=1")
    rows = list(load_workbook(BytesIO(full.data)).active.iter_rows(values_only=True))
    assert next(r for r in rows if r[3] == "出口")[4] == ids.decrypt(person.id_number_encrypted)
    exports = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "roster.export")).all()
    assert [e.detail["full_ids"] for e in exports] == [False, True]
    assert person.id in exports[1].detail["person_ids"] and exports[0].detail["person_ids"] == []


def test_checked_file_waits_encrypted_and_only_for_its_uploader(app, client, auth):
    from pathlib import Path

    auth.login(UserFactory(role="admin"))
    good = row()
    response = upload(client, [good])
    token = response.get_data(as_text=True).split('name="token" value="')[1].split('"')[0]
    [stored] = (Path(app.instance_path) / "imports").glob(f"{token}-*")
    assert good["身份证号"].encode() not in stored.read_bytes()
    assert good["姓名"].encode("utf-8") not in stored.read_bytes()
    auth.logout()
    auth.login(UserFactory(role="admin"))
    before = count_people()
    assert client.post("/registry/import/confirm", data={"token": token}).status_code == 302
    assert count_people() == before


def test_abandoned_files_are_swept(app, session):
    import os
    import time
    from pathlib import Path

    from charity.registry import uploads

    with app.test_request_context():
        token = uploads.keep(b"roster", 1)
        path = Path(app.instance_path) / "imports" / f"{token}-1.enc"
        old = time.time() - uploads.TTL - 5
        os.utime(path, (old, old))
        assert uploads.sweep() >= 1
        assert not path.exists() and uploads.take(token, 1) is None


def test_oversized_upload_is_refused(app, client, auth):
    auth.login(UserFactory(role="admin"))
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        response = client.post("/registry/import", data={
            "file": (BytesIO(b"x" * 5000), "roster.xlsx")}, content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
