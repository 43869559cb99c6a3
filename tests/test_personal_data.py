"""Health details and masking: each view of a person's health or disability details is audited
like a full ID view, and roles without the full-ID right never see a birth date (the masked ID
beside it would leave a handful of candidate numbers): the birth year at most."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from charity.audit.models import AuditEntry
from tests.factories import (
    MedicalCostFactory,
    PairingFactory,
    PersonFactory,
    UserFactory,
    VisitCampaignFactory,
)
from tests.jobs import exported

BORN = date(1979, 11, 23)
#: How a birth date could be printed: on a page, in an ID number, in Chinese.
BIRTH_DATE_FORMS = ("1979-11-23", "19791123", "1979年11月23日", "23/11/1979", "11/23/1979")


def health_views(session, person_id=None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == "person.view_health")
    if person_id is not None:
        query = query.where(AuditEntry.object_id == str(person_id))
    return list(session.scalars(query.order_by(AuditEntry.id)))


@pytest.mark.parametrize("role", ["admin", "fund_manager", "approver", "street_officer"])
def test_each_view_of_a_persons_health_details_is_audited(client, session, auth, role):
    person = PersonFactory(disabled=True, disability_grade=2, seriously_ill=True,
                           special_disease="thalassemia")
    MedicalCostFactory(person=person)
    viewer = UserFactory(role=role)
    auth.login(viewer)
    client.get("/lang/en")
    registry = client.get(f"/registry/people/{person.id}").get_data(as_text=True)
    assert "grade 2" in registry and "Seriously ill" in registry
    casework = client.get(f"/casework/people/{person.id}").get_data(as_text=True)
    assert "渝中区人民医院" in casework
    client.get(f"/registry/people/{person.id}")
    views = health_views(session, person.id)
    assert [(v.user_id, v.detail["page"]) for v in views] == [
        (viewer.id, "registry.person"), (viewer.id, "casework.person"),
        (viewer.id, "registry.person")]
    assert all(v.object_type == "person" and v.ip == "127.0.0.1" for v in views)


def test_the_edit_form_shows_health_details_and_is_audited_too(client, session, auth):
    person = PersonFactory(disabled=True, disability_grade=2)
    editor = UserFactory(role="street_officer")
    auth.login(editor)
    assert client.get(f"/registry/people/{person.id}/edit").status_code == 200
    [view] = health_views(session, person.id)
    assert (view.user_id, view.detail["page"]) == (editor.id, "registry.edit")


def test_a_helper_viewing_a_visit_task_is_audited(client, session, auth):
    pairing = PairingFactory(person__seriously_ill=True, cadre__with_user=True)
    task = VisitCampaignFactory().tasks[0]
    auth.login(pairing.cadre.user)
    client.get("/lang/en")
    assert "Seriously ill" in client.get(f"/visits/tasks/{task.id}").get_data(as_text=True)
    [view] = health_views(session, pairing.person_id)
    assert (view.user_id, view.detail["page"]) == (pairing.cadre.user_id, "visits.task")


def test_a_list_picked_by_health_names_everyone_it_shows(client, session, auth):
    ill = [PersonFactory(seriously_ill=True) for _ in range(2)]
    well = PersonFactory()
    officer = UserFactory(role="street_officer")
    auth.login(officer)
    assert client.get("/registry/people").status_code == 200
    assert health_views(session) == []
    assert client.get("/registry/people?flag=seriously_ill").status_code == 200
    [listed] = health_views(session)
    assert listed.object_type == "person_list" and listed.detail["picked_by"] == "seriously_ill"
    assert set(listed.detail["person_ids"]) >= {p.id for p in ill}
    assert well.id not in listed.detail["person_ids"]


def test_the_list_of_special_diseases_without_aid_is_audited(client, session, auth):
    ill = PersonFactory(special_disease="cml")
    auth.login(UserFactory(role="street_officer"))
    page = client.get("/casework/gaps?measure=special_disease_aid").get_data(as_text=True)
    assert ill.name in page
    [listed] = health_views(session)
    assert listed.detail["picked_by"] == "special_disease_aid"
    assert ill.id in listed.detail["person_ids"]


def test_nothing_is_audited_for_a_person_one_may_not_see(client, session, auth):
    elsewhere = PersonFactory(street_name="解放碑", seriously_ill=True)
    auth.login(UserFactory(role="street_officer"))
    assert client.get(f"/registry/people/{elsewhere.id}").status_code == 404
    assert health_views(session) == []


def _assert_no_birth_date(text: str, where: str) -> None:
    found = [form for form in BIRTH_DATE_FORMS if form in text]
    assert found == [], (where, found)


def test_without_the_full_id_right_the_registry_shows_the_birth_year_only(client, session,
                                                                           auth):
    person = PersonFactory(birth_date=BORN)
    auth.login(UserFactory(role="fund_manager"))
    for language in ("en", "zh_Hans_CN"):
        client.get(f"/lang/{language}")
        for path in (f"/registry/people/{person.id}", f"/registry/households/{person.household_id}",
                     f"/registry/people?q={person.name}", f"/casework/people/{person.id}",
                     f"/casework/households/{person.household_id}"):
            page = client.get(path).get_data(as_text=True)
            _assert_no_birth_date(page, path)
    page = client.get(f"/registry/people/{person.id}").get_data(as_text=True)
    assert person.id_number_masked in page and "1979" in page and "出生年份" in page


@pytest.mark.parametrize("role", ["admin", "approver", "street_officer"])
def test_roles_with_the_full_id_right_still_see_the_birth_date(client, session, auth, role):
    person = PersonFactory(birth_date=BORN)
    auth.login(UserFactory(role=role))
    assert "1979-11-23" in client.get(f"/registry/people/{person.id}").get_data(as_text=True)


def test_helpers_see_no_birth_date_on_their_tasks_and_pairings(client, session, auth):
    pairing = PairingFactory(person__birth_date=BORN, cadre__with_user=True)
    task = VisitCampaignFactory().tasks[0]
    auth.login(pairing.cadre.user)
    for path in ("/visits/", f"/visits/tasks/{task.id}", "/my/pairings"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_no_birth_date(response.get_data(as_text=True), path)


def test_pairing_pages_and_exports_carry_no_birth_date(client, session, auth):
    person = PersonFactory(birth_date=BORN)
    PairingFactory(person=person)
    auth.login(UserFactory(role="fund_manager"))
    for path in ("/pairing/", "/pairing/pairings", "/pairing/export.csv"):
        response = exported(client, path) if "export" in path else client.get(path)
        assert response.status_code == 200, path
        _assert_no_birth_date(response.get_data(as_text=True), path)
    for path in ("/pairing/export.xlsx", f"/registry/export?street={person.household.street_id}"):
        response = exported(client, path)
        assert response.status_code == 200, path
        sheet = load_workbook(BytesIO(response.data), read_only=True).active
        cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
        _assert_no_birth_date(cells, path)
        assert "1979, 11, 23" not in cells and "1979-11-23" not in cells
