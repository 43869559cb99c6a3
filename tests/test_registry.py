"""Registry screens: scoping by street, masking and audit of full views, forms and history."""

from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.extensions import db
from charity.registry import ids
from charity.registry.models import Person
from tests.factories import HouseholdFactory, PersonFactory, UserFactory, community, id_number


def test_registry_needs_login(client):
    response = client.get("/registry/people")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_donor_cannot_open_the_registry(client, auth):
    auth.login(UserFactory(role="donor"))
    assert client.get("/registry/people").status_code == 403


def test_street_officer_sees_only_their_street(client, auth):
    mine = PersonFactory(name="本街居民")
    other = PersonFactory(name="外街居民", street_name="解放碑")
    auth.login(UserFactory(role="street_officer"))
    listing = client.get("/registry/people").get_data(as_text=True)
    assert "本街居民" in listing and "外街居民" not in listing
    searched = client.get("/registry/people?q=外街").get_data(as_text=True)
    assert "外街居民" not in searched
    by_street = client.get(f"/registry/people?street={other.household.street_id}")
    assert "外街居民" not in by_street.get_data(as_text=True)
    assert client.get(f"/registry/people/{mine.id}").status_code == 200
    assert client.get(f"/registry/people/{other.id}").status_code == 404
    assert client.get(f"/registry/households/{other.household_id}").status_code == 404
    assert client.post(f"/registry/people/{other.id}/id-number").status_code == 404


def test_filters_by_category_and_flag(client, auth):
    PersonFactory(name="甲", tekun_orphan=True)
    PersonFactory(name="乙", category="dibao")
    auth.login(UserFactory(role="admin"))
    page = client.get("/registry/people?category=tekun&flag=orphan").get_data(as_text=True)
    assert "甲" in page and ">乙<" not in page


def test_masked_id_shown_and_full_view_audited(client, auth):
    person = PersonFactory()
    number = ids.decrypt(person.id_number_encrypted)
    user = UserFactory(role="street_officer")
    auth.login(user)
    page = client.get(f"/registry/people/{person.id}").get_data(as_text=True)
    assert person.id_number_masked in page and number not in page
    revealed = client.post(f"/registry/people/{person.id}/id-number").get_data(as_text=True)
    assert number in revealed
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.view_id"))
    assert entry.user_id == user.id and entry.object_id == str(person.id)


def test_auditor_reads_the_ledger_not_the_registry(client, auth):
    """Auditors read the ledger, the approvals and the audit log; nothing else."""
    person = PersonFactory()
    auth.login(UserFactory(role="auditor"))
    for page in (f"/registry/people/{person.id}", "/registry/people", "/district/",
                 "/pairing/",
                 "/casework/gaps"):
        assert client.get(page).status_code == 403, page
    assert client.post("/pairing/export.csv").status_code == 403
    assert client.post(f"/registry/export?street={person.household.street_id}").status_code == 403
    assert client.post(f"/registry/people/{person.id}/id-number").status_code == 403
    for page in ("/fund/journal", "/audit/", "/relief/"):
        assert client.get(page).status_code == 200, page
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "person.view_id")) is None


def new_household_form(**changes):
    data = {"code": "QXG-NEW-1", "community": community("七星岗").id, "address": "金汤街1号",
            "id_number": id_number(), "name": "新居民", "category": "dibao",
            "hukou": "yuzhong", "employment_status": "unemployed", "monthly_income": "320.50"}
    return data | changes


def test_create_household_and_person(client, auth):
    auth.login(UserFactory(role="street_officer"))
    response = client.post("/registry/households/new", data=new_household_form())
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.name == "新居民"))
    assert person.monthly_income_fen == 32050
    assert person.history[0].status == "enrolled"


def test_bad_id_number_is_refused_with_a_message_and_nothing_written(client, auth):
    auth.login(UserFactory(role="street_officer"))
    form = new_household_form(id_number="500103198005170000")
    response = client.post("/registry/households/new", data=form)
    assert response.status_code == 400
    assert "校验码" in response.get_data(as_text=True)
    assert db.session.scalar(select(Person).where(Person.name == "新居民")) is None


def test_duplicate_id_number_is_refused(client, auth):
    existing = PersonFactory()
    auth.login(UserFactory(role="admin"))
    form = new_household_form(id_number=ids.decrypt(existing.id_number_encrypted))
    client.get("/lang/en")
    response = client.post("/registry/households/new", data=form)
    assert response.status_code == 400
    assert "already on the roster" in response.get_data(as_text=True)
    assert db.session.scalar(select(Person).where(Person.name == "新居民")) is None


def test_form_errors_in_english(client, auth):
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    response = client.post("/registry/households/new",
                           data=new_household_form(hukou="other", name=""))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This field is required." in text
    assert "needs the permit" in text


def test_status_change_keeps_history(client, auth):
    person = PersonFactory()
    auth.login(UserFactory(role="street_officer"))
    response = client.post(f"/registry/people/{person.id}/status", data={
        "status": "suspended", "reason": "外出务工", "effective_date": "2026-11-01",
        "next_review_date": "2027-05-01"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.status == "suspended"
    assert person.next_review_date.isoformat() == "2027-05-01"
    assert [c.status for c in person.history][:1] == ["suspended"]


def test_status_change_without_reason_changes_nothing(client, auth):
    person = PersonFactory()
    auth.login(UserFactory(role="street_officer"))
    response = client.post(f"/registry/people/{person.id}/status", data={
        "status": "exited", "reason": "", "effective_date": "2026-11-01"})
    assert response.status_code == 400
    db.session.refresh(person)
    assert person.status == "enrolled"


def test_edit_person(client, auth):
    person = PersonFactory(name="旧名")
    auth.login(UserFactory(role="street_officer"))
    page = client.get(f"/registry/people/{person.id}/edit")
    assert page.status_code == 200
    response = client.post(f"/registry/people/{person.id}/edit", data={
        "name": "新名", "category": "dibao", "dibao_class": "A", "hukou": "yuzhong",
        "employment_status": "unemployed", "disabled": "y", "disability_grade": "2"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.name, person.dibao_class, person.disability_grade) == ("新名", "A", 2)


def test_add_member_to_household(client, auth):
    household = HouseholdFactory()
    auth.login(UserFactory(role="street_officer"))
    response = client.post(f"/registry/households/{household.id}/members/new", data={
        "id_number": id_number(sex="F"), "name": "女儿", "category": "dibao",
        "hukou": "yuzhong", "employment_status": "student", "student": "y",
        "school_level": "senior_high"})
    assert response.status_code == 302
    db.session.refresh(household)
    assert [m.name for m in household.members] == ["女儿"]
    assert household.members[0].sex == "F"


def test_pagination_over_many_people(client, auth):
    household = HouseholdFactory()
    PersonFactory.create_batch(60, household=household)
    auth.login(UserFactory(role="admin"))
    assert client.get("/registry/people").status_code == 200
    assert "60 people found" in client.get("/registry/people?lang=en").get_data(as_text=True)
    assert "Page 1 of 2" in client.get("/registry/people?lang=en").get_data(as_text=True)
    assert client.get("/registry/people?page=2").status_code == 200
