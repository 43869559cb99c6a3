"""The rent subsidy's pages: a street officer records a lease and a class A window and proposes
a schedule; absurd input is refused with a message; another street's person is 404."""

from datetime import date

from sqlalchemy import func, select

from charity.extensions import db
from charity.relief import rent
from charity.relief.models import Application
from charity.relief.rent_models import DibaoClassValidity, RentMonth, Tenancy
from tests.factories import PersonFactory, UserFactory

WINDOW = {"valid_from": "2026-01-01", "valid_until": "2027-12-31"}


def officer_at(client, auth, person) -> str:
    """Sign a street officer of the home street in; the person's rent page address."""
    auth.login(UserFactory(role="street_officer"))
    return f"/relief/rent/person/{person.id}"


def test_officer_records_a_lease_a_window_and_a_schedule(client, auth, session):
    person = PersonFactory(dibao_class="A")
    base = officer_at(client, auth, person)
    assert client.get(base).status_code == 200
    assert client.post(f"{base}/class-validity", data=WINDOW).status_code == 302
    response = client.post(f"{base}/tenancy", data={
        "unit": "B栋 3-2", "address": "和平路 12号", "monthly_rent": "450",
        "starts_on": "2027-01-01", "ends_on": "2027-12-31"})
    assert response.status_code == 302
    lease = db.session.scalar(select(Tenancy).where(Tenancy.household_id == person.household_id))
    assert lease.monthly_rent_fen == 45_000
    response = client.post(f"{base}/schedule", data={
        "tenancy_id": lease.id, "first_month": "2027-01", "last_month": "2027-12",
        "reason": "公租房租金"})
    assert response.status_code == 302
    application = db.session.scalar(select(Application).where(
        Application.person_id == person.id))
    assert application.amount_fen == 12 * 45_000 and application.state == "submitted"
    page = client.get(base).get_data(as_text=True)
    assert "2027-12" in page and "B栋 3-2" in page


def test_absurd_input_is_refused_with_a_message(client, auth, session):
    officer = UserFactory(role="street_officer")
    person = PersonFactory(dibao_class="A")
    auth.login(officer)
    base = f"/relief/rent/person/{person.id}"
    for rent_yuan in ("-5", "0", "99999999", "1e400"):
        response = client.post(f"{base}/tenancy", data={
            "unit": "B", "address": "A", "monthly_rent": rent_yuan,
            "starts_on": "2027-01-01", "ends_on": "2027-12-31"})
        assert response.status_code == 400
    response = client.post(f"{base}/tenancy", data={
        "unit": "B", "address": "A", "monthly_rent": "450",
        "starts_on": "2027-06-01", "ends_on": "2027-01-01"})
    assert response.status_code == 400 and "结束须晚于开始" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Tenancy.id))) == 0
    lease = rent.record_tenancy(person.household, unit="B", address="A", monthly_rent_fen=100,
                                starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30),
                                user=officer)
    response = client.post(f"{base}/schedule", data={
        "tenancy_id": lease.id, "first_month": "2027-05", "last_month": "2027-09",
        "reason": "x"})
    assert response.status_code == 400 and "月份须在租约期内" in response.get_data(as_text=True)
    response = client.post(f"{base}/schedule", data={
        "tenancy_id": lease.id, "first_month": "2027-13", "last_month": "2027-09",
        "reason": "x"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(RentMonth.id))) == 0


def test_another_streets_person_is_404(client, auth, session):
    base = officer_at(client, auth, PersonFactory(dibao_class="A",
                                                  household__street_name="解放碑"))
    assert client.get(base).status_code == 404
    assert client.post(f"{base}/class-validity", data=WINDOW).status_code == 404
    assert db.session.scalar(select(func.count(DibaoClassValidity.id))) == 0


def test_a_lease_of_another_household_cannot_be_scheduled(client, auth, session):
    officer = UserFactory(role="street_officer")
    person, other = PersonFactory(dibao_class="A"), PersonFactory(dibao_class="A")
    lease = rent.record_tenancy(other.household, unit="B", address="A", monthly_rent_fen=100,
                                starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30),
                                user=officer)
    auth.login(officer)
    response = client.post(f"/relief/rent/person/{person.id}/schedule", data={
        "tenancy_id": lease.id, "first_month": "2027-01", "last_month": "2027-02",
        "reason": "x"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(RentMonth.id))) == 0
