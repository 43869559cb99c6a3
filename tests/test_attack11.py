"""Issue 11 attacked as an attacker and a careless user would: each test is a hole found,
kept shut."""

import csv
import re
import zipfile
from datetime import date
from io import BytesIO, StringIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from charity.extensions import db
from charity.main import limits, spreadsheet
from charity.registry import guardians, operations
from charity.registry import workbook as workbook_module
from charity.registry.models import Person
from charity.timeutil import local_today
from tests.factories import PASSWORD, HouseholdFactory, PersonFactory, UserFactory
from tests.jobs import exported
from tests.test_guardians import GUARDIAN, child_number, member_form
from tests.test_logins import (
    WRONG,
    _refusals,
    _try,
    fresh_counts,  # noqa: F401 (every test here starts with no counts)
)
from tests.test_roster_excel import row, upload, workbook
from tests.test_roster_uploads import SHEET, post, rebuilt

# Sign-in ------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["victim@ｓongtan.test", "victim@SONGTAN.ｔｅｓｔ",
                                     " Victim@songtan.TEST "])
def test_a_locked_account_stays_locked_under_another_spelling_of_its_email(client, session,
                                                                           variant):
    user = UserFactory(role="donor", email="victim@songtan.test")
    for _ in range(10):
        _try(client, user.email)
    assert _try(client, variant, PASSWORD).status_code == 429
    assert client.get("/donations/portal").status_code != 200


def test_spellings_of_one_email_share_its_budget(client, session):
    UserFactory(role="donor", email="victim@songtan.test")
    spellings = ["victim@songtan.test", "victim@ｓongtan.test", "victim@sｏngtan.test",
                 "victim@soｎgtan.test", "victim@sonｇtan.test"]
    codes = [_try(client, spellings[n % 5]).status_code for n in range(12)]
    assert codes == [200] * 10 + [429] * 2


@pytest.mark.parametrize("path", ["/verify", "/change"])
def test_a_signed_in_session_guesses_the_password_no_more_than_a_login(client, auth, session,
                                                                       path):
    user = UserFactory(role="donor")
    auth.login(user)
    client.get("/lang/en")
    new = "lantern-river-pocket-1987"
    data = {"password": WRONG, "new_password": new, "new_password_confirm": new}
    codes = [client.post(path, data=data).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]
    data["password"] = PASSWORD
    locked = client.post(path, data=data)
    assert locked.status_code == 429 and "locked" in locked.get_data(as_text=True)
    db.session.refresh(user)
    assert user.verify_and_update_password(PASSWORD)
    reasons = [entry.detail["reason"] for entry in _refusals()]
    assert reasons == ["current_password"] * 10 + ["locked"] * 2
    assert len(_refusals("security.lockout")) == 1


def test_a_right_current_password_still_changes_it(client, auth, session):
    user = UserFactory(role="donor")
    auth.login(user)
    client.post("/change", data={"password": WRONG, "new_password": "x",
                                 "new_password_confirm": "x"})
    new = "lantern-river-pocket-1987"
    done = client.post("/change", data={"password": PASSWORD, "new_password": new,
                                        "new_password_confirm": new})
    assert done.status_code == 302
    assert client.post("/verify", data={"password": new}).status_code == 302


def test_a_password_typed_in_the_email_field_is_not_kept_in_the_security_log(client, session):
    _try(client, "Lantern-River-Pocket-1987")
    _try(client, "Someone@ｓongtan.test")
    typed, address = _refusals()
    assert typed.detail["email"] is None
    assert "antern" not in str(typed.detail).lower()
    assert address.detail["email"] == "someone@songtan.test"


# Roster uploads -----------------------------------------------------------------------------

@pytest.fixture
def officer(client, auth):
    """A signed-in admin reading English."""
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")
    return client


def _with_rows(extra_rows: str, dimension: str | None = None) -> BytesIO:
    """A one-row roster made by openpyxl, with raw `<row>` XML added to its sheet and its
    declared dimension replaced."""
    source = workbook([row()]).getvalue()
    with zipfile.ZipFile(BytesIO(source)) as old:
        sheet = old.read(SHEET).decode()
    if dimension:
        sheet = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>', sheet)
    end = sheet.index("</sheetData>")
    return rebuilt({SHEET: (sheet[:end] + extra_rows + sheet[end:]).encode()}, source)


def test_a_sheet_declared_16384_columns_wide_is_read_to_the_columns_a_roster_has(session):
    far = "".join(f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                  for n in range(3, 2003))
    small = _with_rows(far, "A1:XFD2002").getvalue()
    assert len(small) < 30_000
    rows = workbook_module.read_rows(small)
    # Before: 2,000 rows of 16,384 cells each (390 MB from a 20 kB file; 50,000 rows: 6 GB).
    assert len(rows) == 2002 and max(len(r) for r in rows) <= limits.IMPORT_MAX_COLUMNS


def test_formatting_left_below_a_roster_does_not_count_as_rows(app, officer):
    app.config["IMPORT_MAX_ROWS"] = 3
    try:
        blank = "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(3, 60))
        response = post(officer, _with_rows(blank, "A1:W59"))
    finally:
        del app.config["IMPORT_MAX_ROWS"]
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "at most 3 rows" not in text
    assert 'name="token"' in text


@pytest.mark.parametrize("grade, known", [("①", False), ("²", False), ("２", True)])
def test_a_disability_grade_written_as_a_circled_or_raised_digit_is_an_error(officer, grade,
                                                                           known):
    response = upload(officer, [row(残疾等级=grade)])
    assert response.status_code == 200
    assert ("The disability grade is 1 to 4" in response.get_data(as_text=True)) is not known


@pytest.mark.parametrize("income", ["1e999999999", "1E+999990", "9" * 5000])
def test_a_huge_income_in_exponent_form_is_told_the_bound(officer, income):
    response = upload(officer, [row(**{"月收入(元)": income})])
    assert response.status_code == 200
    assert "at most 1000000 yuan" in response.get_data(as_text=True)


# Control characters -------------------------------------------------------------------------

CONTROL = {"en": "contains a control character", "zh_Hans_CN": "含有控制字符"}


@pytest.mark.parametrize("language", ["en", "zh_Hans_CN"])
@pytest.mark.parametrize("bad", ["甲\x0b乙", "甲\x1b[31m", "甲\x08", "\x7f\x01"])
def test_a_control_character_in_a_form_is_refused_and_nothing_is_saved(client, auth, session,
                                                                       language, bad):
    person = PersonFactory(name="原名")
    auth.login(UserFactory(role="admin"))
    client.get(f"/lang/{language}")
    response = client.post(f"/registry/people/{person.id}/edit",
                           data={"name": bad, "category": person.category,
                                 "hukou": person.hukou, "reason": "改名"})
    assert response.status_code == 400
    assert CONTROL[language] in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.name == "原名"
    assert client.get("/registry/people", query_string={"q": bad}).status_code == 400


@pytest.mark.parametrize("fine", ["甲\t乙", "第一行\r\n第二行", "甲\u2028乙", "\ufffd"])
def test_tab_line_breaks_and_other_unicode_are_not_refused(client, auth, fine):
    auth.login(UserFactory(role="admin"))
    assert client.get("/registry/people", query_string={"q": fine}).status_code == 200


def test_a_record_kept_with_a_control_character_does_not_stop_its_streets_export(client, auth):
    person = PersonFactory(name="甲\x0b乙")
    auth.login(UserFactory(role="admin"))
    response = exported(client, f"/registry/export?street={person.household.street_id}")
    assert response.status_code == 200
    names = [c.value for c in load_workbook(BytesIO(response.data)).active["D"]]
    assert "甲\ufffd乙" in names


# Exports ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [" =1+1", "\u3000=HYPERLINK(\"http://e.vil/\")", "＝１＋１",
                                  "＠SUM(1)", "＋1", "－1", "  +cmd|' /C calc'!A0", "\n=1+1"])
def test_formula_signs_behind_spaces_or_in_full_width_are_written_as_text(text):
    rows = list(csv.reader(StringIO(spreadsheet.csv_text(["name"], [[text]]))))
    assert rows[1][0] == "'" + text
    cell = load_workbook(BytesIO(spreadsheet.xlsx_bytes(spreadsheet.table(["n"], [[text]])))
                         ).active["A2"]
    assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("text", ["a=1", "甲－乙", "cmd|x", "'=1"])
def test_texts_without_a_leading_sign_are_left_alone(text):
    assert spreadsheet.csv_cell(text) == text


# Bounds -------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["1e999999999", "9E+999999", "-1e999999999"])
def test_an_amount_beyond_decimals_exponent_range_is_told_the_bounds(client, session, amount):
    for language, expected in (("en", "A gift is between ¥1 and ¥1,000,000."),
                               ("zh_Hans_CN", "单笔捐赠金额应在¥1至¥1,000,000之间。")):
        client.get(f"/lang/{language}")
        response = client.post("/donations/give", data={"amount": amount})
        if amount.startswith("-"):
            assert response.status_code == 400 and "error" in response.get_json()
        else:
            assert (response.status_code, response.get_json()) == (400, {"error": expected})


def test_an_income_beyond_decimals_exponent_range_is_refused_on_the_form(client, auth, session):
    person = PersonFactory()
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")
    response = client.post(f"/registry/people/{person.id}/edit",
                           data={"name": person.name, "category": person.category,
                                 "hukou": person.hukou, "reason": "收入",
                                 "monthly_income": "1e999999999"})
    assert response.status_code == 400
    assert "Write an amount between" in response.get_data(as_text=True)


# Guardians ----------------------------------------------------------------------------------

def test_a_child_of_the_household_is_neither_offered_nor_taken_as_a_guardian(client, auth):
    today = local_today()
    brother = PersonFactory(name="哥哥十岁", birth_date=date(today.year - 10, 1, 1))
    adult = PersonFactory(name="母亲", household=brother.household)
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    url = f"/registry/households/{brother.household_id}/members/new"
    form = client.get(url).get_data(as_text=True)
    assert f'value="{adult.id}"' in form and f'value="{brother.id}"' not in form
    data = member_form(**GUARDIAN | {"guardian_phone": "", "guardian_person": str(brother.id)})
    assert client.post(url, data=data).status_code == 400
    assert db.session.scalar(select(Person).where(Person.name == "小女儿")) is None


def test_the_enrolment_itself_refuses_a_guardian_under_eighteen(app, session):
    today = local_today()
    sister = PersonFactory(birth_date=date(today.year - 17, 1, 1))
    details = guardians.GuardianDetails(name="姐姐", relation="姐姐", person_id=sister.id,
                                        consent_on=today)
    with app.test_request_context("/?lang=en"), pytest.raises(operations.GuardianError) as error:
        operations.enrol(sister.household, child_number(), today, "test", guardian=details)
    assert ("person_id", "The guardian must be an adult (18 or older).") in error.value.problems


# Two-factor rescue --------------------------------------------------------------------------

@pytest.mark.parametrize("choice", ["help", "email"])
def test_the_two_factor_rescue_sends_nothing_and_lets_nobody_in(client, session, choice):
    admin = UserFactory(role="admin")
    client.get("/lang/en")
    assert "/tf-validate" in _try(client, admin.email, PASSWORD).headers["Location"]
    page = client.get("/tf-rescue").get_data(as_text=True)
    assert 'value="email"' not in page
    response = client.post("/tf-rescue", data={"help_setup": choice})
    assert response.status_code == 200
    if choice == "help":
        assert "Ask an administrator of the platform" in response.get_data(as_text=True)
    assert client.get("/fund/").status_code == 302


@pytest.mark.parametrize("typed", [" careless@songtan.test ", "careless@songtan.test\n",
                                   "\tCareless@Songtan.test"])
def test_spaces_around_the_email_a_keyboard_added_do_not_refuse_the_right_password(client,
                                                                                 session,
                                                                                 typed):
    UserFactory(role="donor", email="careless@songtan.test")
    response = _try(client, typed, PASSWORD)
    assert response.status_code == 302
    assert client.get("/donations/portal").status_code == 200


@pytest.mark.parametrize("path", ["/verify", "/change"])
@pytest.mark.parametrize("password", [5, ["x"], None])
def test_a_password_sent_as_json_that_is_no_text_is_refused_not_a_500(client, auth, session,
                                                                       path, password):
    auth.login(UserFactory(role="donor"))
    response = client.post(path, json={"password": password, "new_password": password,
                                       "new_password_confirm": password})
    assert response.status_code == 400


@pytest.mark.parametrize("email", [5, ["x@songtan.test", "y@songtan.test"], {"a": 1}, None])
def test_an_email_sent_as_json_that_is_no_text_is_refused_not_a_500(client, session, email):
    assert client.post("/login", json={"email": email, "password": "x"}).status_code == 400


def test_a_consent_dated_before_the_child_was_born_is_refused(client, auth):
    household = HouseholdFactory()
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    born = date(local_today().year - 8, 1, 1)  # child_number()'s
    data = member_form(**GUARDIAN | {"guardian_consent_on": "1960-05-01"})
    response = client.post(f"/registry/households/{household.id}/members/new", data=data)
    assert response.status_code == 400
    assert f"between {born.isoformat()} and today" in response.get_data(as_text=True)
    assert db.session.scalar(select(Person).where(Person.name == "小女儿")) is None
    rows = [row(姓名="孩子", 身份证号=child_number(), 监护人姓名="王母", 监护人关系="母亲",
                监护人电话="13800138000", 监护同意日期="1960-05-01")]
    assert f"between {born.isoformat()} and today" in upload(client, rows).get_data(as_text=True)


def _listed(times: int, source: bytes) -> dict[str, bytes]:
    """The workbook's listing and relationships with its one sheet listed `times` more times."""
    with zipfile.ZipFile(BytesIO(source)) as old:
        book = old.read("xl/workbook.xml").decode()
        rels = old.read("xl/_rels/workbook.xml.rels").decode()
    book = book.replace("</sheets>", "".join(
        f'<sheet name="S{n}" sheetId="{n + 10}" r:id="rIdX{n}"/>' for n in range(times))
        + "</sheets>")
    rels = rels.replace("</Relationships>", "".join(
        f'<Relationship Id="rIdX{n}" Target="/xl/worksheets/sheet1.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        for n in range(times)) + "</Relationships>")
    return {"xl/workbook.xml": book.encode(), "xl/_rels/workbook.xml.rels": rels.encode()}


@pytest.mark.parametrize("language, message", [
    ("en", "This workbook has 2001 sheets; a roster has at most 50."),
    ("zh_Hans_CN", "此工作簿有2001个工作表；名册最多50个。")])
def test_a_workbook_listing_one_sheet_thousands_of_times_is_refused_unopened(client, auth,
                                                                              language,
                                                                              message):
    source = workbook([row()]).getvalue()
    # Each listing is opened and read by openpyxl: 20,000 of them took 15 s (linear).
    auth.login(UserFactory(role="admin"))
    client.get(f"/lang/{language}")
    before = db.session.scalar(select(func.count(Person.id)))
    response = post(client, rebuilt(_listed(2000, source), source))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Person.id))) == before


def test_a_large_sheet_listed_a_few_times_is_refused_on_what_would_be_read(app, officer):
    source = workbook([row()]).getvalue()
    with zipfile.ZipFile(BytesIO(source)) as old:
        sheet = len(old.read(SHEET))
    app.config["IMPORT_MAX_UNPACKED"] = sheet * 30  # the file itself unpacks to less
    try:
        response = post(officer, rebuilt(_listed(40, source), source))
    finally:
        del app.config["IMPORT_MAX_UNPACKED"]
    assert response.status_code == 400
    assert "unpacks to more than" in response.get_data(as_text=True)
