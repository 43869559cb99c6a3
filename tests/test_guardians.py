"""Children under 14 are enrolled only with a guardian recorded with consent; ID numbers whose
area code is not in stdnum's table are refused, on the forms and in the roster import."""

import logging
from datetime import date

import pytest
from sqlalchemy import func, select

from charity.audit.models import AuditEntry
from charity.extensions import db
from charity.registry import guardians, operations
from charity.registry.ids import with_check_digit
from charity.registry.models import Guardian, Person
from charity.timeutil import local_today
from tests.factories import HouseholdFactory, PersonFactory, UserFactory, id_number
from tests.jobs import exported as export
from tests.test_log_scrubbing import errors_answered  # noqa: F401 (a fixture)
from tests.test_registry import new_household_form
from tests.test_roster_excel import count_people, row, upload


def child_number(years: int = 8) -> str:
    today = local_today()
    return id_number(date(today.year - years, 1, 1), sex="F")


GUARDIAN = {"guardian_name": "王母", "guardian_relation": "母亲",
            "guardian_phone": "138 0013 8000", "guardian_consent": "y"}


def member_form(**changes):
    return {"id_number": child_number(), "name": "小女儿", "category": "dibao",
            "hukou": "yuzhong", "employment_status": "child"} | changes


@pytest.mark.parametrize("lang, message", [
    ("en", "A child under 14 is enrolled only with a guardian"),
    ("zh_Hans_CN", "未满14周岁的儿童须登记监护人")])
def test_child_without_guardian_is_refused_and_nothing_written(client, auth, lang, message):
    household = HouseholdFactory()
    auth.login(UserFactory(role="street_officer"))
    client.get(f"/lang/{lang}")
    response = client.post(f"/registry/households/{household.id}/members/new",
                           data=member_form())
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Person).where(Person.name == "小女儿")) is None


def test_child_guardian_without_consent_or_phone_is_refused(client, auth):
    household = HouseholdFactory()
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    data = member_form(**GUARDIAN | {"guardian_consent": "", "guardian_phone": ""})
    text = client.post(f"/registry/households/{household.id}/members/new",
                       data=data).get_data(as_text=True)
    assert "consent is required" in text and "phone number" in text
    assert db.session.scalar(select(func.count(Guardian.id))) == 0


def test_child_first_member_of_a_new_household_needs_a_guardian(client, auth):
    auth.login(UserFactory(role="street_officer"))
    form = new_household_form(id_number=child_number(5), employment_status="child")
    assert client.post("/registry/households/new", data=form).status_code == 400
    assert client.post("/registry/households/new", data=form | GUARDIAN).status_code == 302


def test_child_with_guardian_is_enrolled_and_the_phone_kept_encrypted(client, auth):
    household = HouseholdFactory()
    officer = UserFactory(role="street_officer")
    auth.login(officer)
    response = client.post(f"/registry/households/{household.id}/members/new",
                           data=member_form(**GUARDIAN))
    assert response.status_code == 302
    child = db.session.scalar(select(Person).where(Person.name == "小女儿"))
    guardian = child.guardian
    assert (guardian.name, guardian.relation, guardian.consent_on) == ("王母", "母亲",
                                                                       local_today())
    assert guardian.recorded_by_id == officer.id
    assert "0013" not in guardian.phone_encrypted and guardians.phone(guardian) == "138 0013 8000"
    assert guardian.phone_masked == "138******00"
    page = client.get(f"/registry/people/{child.id}").get_data(as_text=True)
    assert "王母" in page and "138******00" in page and "138 0013 8000" not in page
    revealed = client.post(f"/registry/people/{child.id}/id-number").get_data(as_text=True)
    assert "138 0013 8000" in revealed
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "person.view_guardian_phone", AuditEntry.object_id == str(child.id)))


def test_role_without_full_id_right_sees_the_guardian_phone_masked(client, auth):
    child = PersonFactory()
    db.session.add(Guardian(person=child, name="李父", relation="父亲", consent_on=local_today(),
                            phone_encrypted="x", phone_masked="139******11"))
    db.session.flush()
    auth.login(UserFactory(role="fund_manager"))
    page = client.get(f"/registry/people/{child.id}").get_data(as_text=True)
    assert "李父" in page and "139******11" in page
    assert client.post(f"/registry/people/{child.id}/id-number").status_code == 403


def test_a_member_of_the_household_can_be_the_guardian_without_a_phone(client, auth):
    mother = PersonFactory(name="母亲甲")
    auth.login(UserFactory(role="street_officer"))
    data = member_form(**GUARDIAN | {"guardian_phone": "", "guardian_person": str(mother.id)})
    response = client.post(f"/registry/households/{mother.household_id}/members/new", data=data)
    assert response.status_code == 302
    child = db.session.scalar(select(Person).where(Person.name == "小女儿"))
    assert child.guardian.guardian_person_id == mother.id and child.guardian.phone_masked is None


def test_member_of_another_household_cannot_be_the_guardian(app, session):
    stranger = PersonFactory()
    household = HouseholdFactory()
    details = guardians.GuardianDetails(name="外人", relation="邻居", person_id=stranger.id,
                                        consent_on=local_today())
    with app.test_request_context("/?lang=en"), pytest.raises(operations.GuardianError) as error:
        operations.enrol(household, child_number(), local_today(), "test", guardian=details)
    assert ("person_id", "The guardian must be a member of this household.") in \
        error.value.problems


def test_fourteen_on_the_day_needs_no_guardian(app, session):
    today = local_today()
    born = date(today.year - 14, today.month, min(today.day, 28))
    with app.test_request_context("/?lang=en"):
        person = operations.enrol(HouseholdFactory(), id_number(born), today, "test",
                                  name="十四岁", category="dibao")
    assert person.guardian is None and not guardians.needs_guardian(born, today)
    assert guardians.needs_guardian(date(born.year + 1, born.month, born.day), today)


@pytest.mark.parametrize("number, message", [
    (with_check_digit("00000019800517001"), "000000 is not a county code"),
    (with_check_digit("99999919800517001"), "999999 is not a county code"),
    (child_number(3), "A child under 14 is enrolled only with a guardian")])
def test_new_household_refuses_unknown_area_code_and_lone_child(client, auth, number, message):
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    response = client.post("/registry/households/new",
                           data=new_household_form(id_number=number))
    assert (response.status_code, message in response.get_data(as_text=True)) == (400, True)
    assert db.session.scalar(select(func.count(Person.id)).where(Person.name == "新居民")) == 0


def test_import_child_without_guardian_columns_is_an_error_of_the_dry_run(client, auth):
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")
    before = count_people()
    rows = [row(姓名="孩子", 身份证号=child_number(), 就业状况="儿童"),
            row(姓名="无区", 身份证号=with_check_digit("00000019800517001"))]
    text = upload(client, rows).get_data(as_text=True)
    assert text.count('class="bad-row"') == 2
    assert "监护人姓名" in text and "A child under 14 is enrolled only with a guardian" in text
    assert "000000 is not a county code" in text
    assert count_people() == before


def test_import_child_with_guardian_columns_imports_with_the_guardian(client, auth):
    auth.login(UserFactory(role="admin"))
    rows = [row(姓名="孩子", 身份证号=child_number(), 就业状况="儿童", 监护人姓名="王母",
                监护人关系="母亲", 监护人电话="13800138000", 监护同意日期="2026-01-05")]
    response = upload(client, rows)
    token = response.get_data(as_text=True).split('name="token" value="')[1].split('"')[0]
    assert client.post("/registry/import/confirm", data={"token": token}).status_code == 302
    child = db.session.scalar(select(Person).where(Person.name == "孩子"))
    assert child.guardian.name == "王母" and child.guardian.consent_on == date(2026, 1, 5)
    assert guardians.phone(child.guardian) == "13800138000"
    exported = export(client, f"/registry/export?street={child.household.street_id}")
    from io import BytesIO

    from openpyxl import load_workbook
    rows = list(load_workbook(BytesIO(exported.data)).active.iter_rows(values_only=True))
    line = next(r for r in rows if r[3] == "孩子")
    assert list(line[-4:]) == ["王母", "母亲", "138******00", "2026-01-05"]


def test_import_guardian_consent_in_the_future_is_an_error(client, auth):
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")
    rows = [row(姓名="孩子", 身份证号=child_number(), 监护人姓名="王母", 监护人关系="母亲",
                监护人电话="13800138000", 监护同意日期="9999-12-31")]
    text = upload(client, rows).get_data(as_text=True)
    born = f"{local_today().year - 8}-01-01"  # child_number()'s: no consent before the birth
    assert text.count('class="bad-row"') == 1 and f"between {born} and today" in text


@pytest.mark.usefixtures("errors_answered")
def test_an_error_with_a_guardian_loaded_logs_neither_name_nor_phone(client, auth, caplog,
                                                                     monkeypatch):
    child = PersonFactory()
    db.session.add(Guardian(person=child, name="监护保密", relation="祖母",
                            consent_on=local_today(), phone_encrypted="x",
                            phone_masked="137******42"))
    db.session.flush()
    auth.login(UserFactory(role="admin"))

    def broken(template, **context):
        guardian = context["person"].guardian
        raise RuntimeError(f"failed for {guardian.name} at {guardian.phone_masked}")

    monkeypatch.setattr("charity.registry.views.render_template", broken)
    with caplog.at_level(logging.ERROR):
        assert client.get(f"/registry/people/{child.id}").status_code == 500
    assert "RuntimeError: failed for" in caplog.text
    assert "监护保密" not in caplog.text and "137******42" not in caplog.text
