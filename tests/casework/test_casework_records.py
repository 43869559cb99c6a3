"""Employment services and zero-employment households, medical costs, periodic review."""

from datetime import timedelta

from sqlalchemy import func, select

from charity.casework import operations, queries
from charity.casework.models import EmploymentService, MedicalCost, ReviewCycle
from charity.extensions import db
from charity.registry.models import StatusChange
from charity.timeutil import local_today
from tests.factories import (
    HouseholdFactory,
    MedicalCostFactory,
    PersonFactory,
    ReviewCycleFactory,
    UserFactory,
)


def employment_cell(person):
    rows, _ = queries.household_matrix(person.household, local_today())
    row = next(r for r in rows if r.subject.id == person.id)
    return next(c for c in row.cells if c.measure == "employment_services")


def test_three_services_meet_the_measure_and_a_job_clears_the_household(app, session):
    household = HouseholdFactory()
    person = PersonFactory(household=household, jobseeker=True)
    today = local_today()
    with app.test_request_context():
        for kind in ("training", "job_referral"):
            operations.give_service(person, kind, today, today)
        cell = employment_cell(person)
        assert cell.owed and not cell.receives and cell.count == 2
        operations.give_service(person, "job_fair", today, today)
        assert employment_cell(person).receives
        _, rows = queries.household_matrix(household, today)
        assert rows[0].cells[0].gap
        operations.give_service(person, "public_welfare_job", today, today)
        assert person.employment_status == "employed"
        _, rows = queries.household_matrix(household, today)
        assert rows[0].cells[0].owed and not rows[0].cells[0].gap


def test_employment_page_lists_zero_employment_households_of_the_street(client, auth, session):
    mine = PersonFactory(jobseeker=True)
    PersonFactory(street_name="解放碑", jobseeker=True)
    auth.login(UserFactory(role="street_officer"))
    page = client.get("/casework/employment?lang=en").get_data(as_text=True)
    assert mine.household.code in page and "解放碑" not in page
    future = (local_today() + timedelta(days=2)).isoformat()
    response = client.post(f"/casework/people/{mine.id}/services",
                           data={"kind": "training", "given_on": future})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(EmploymentService.id))) == 0


def test_out_of_catalogue_share_per_street_against_the_line(client, auth, session):
    today = local_today()
    person = MedicalCostFactory(out_of_catalogue_fen=20_000).person
    MedicalCostFactory(person__street_name="解放碑", out_of_catalogue_fen=5_000)
    assert queries.out_of_catalogue_by_street(None)[person.household.street_id] == (100_000,
                                                                                    20_000)
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")
    page = client.get("/casework/medical").get_data(as_text=True)
    assert "20.0%" in page and "5.0%" in page
    bad = client.post(f"/casework/people/{person.id}/costs", data={
        "admitted_on": today.isoformat(), "hospital": "医院", "total": "100",
        "out_of_catalogue": "150"})
    assert bad.status_code == 400
    assert "between zero and the total" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MedicalCost.id))) == 2


def test_review_changes_status_with_history_and_confirm_moves_the_date(client, auth, session):
    today = local_today()
    due = PersonFactory(name="到期者", next_review_date=today)
    confirmed = PersonFactory(name="确认者", next_review_date=today - timedelta(days=3))
    PersonFactory(name="未到期", next_review_date=today + timedelta(days=90))
    PersonFactory(name="外街到期", next_review_date=today, street_name="解放碑")
    cycle = ReviewCycleFactory(name="第四季度复核", due_by=today + timedelta(days=10))
    auth.login(UserFactory(role="street_officer"))
    page = client.get(f"/casework/reviews/{cycle.id}").get_data(as_text=True)
    assert "到期者" in page and "确认者" in page and "未到期" not in page and "外街到期" not in page
    next_year = (today + timedelta(days=365)).isoformat()
    response = client.post(f"/casework/reviews/{cycle.id}/people/{due.id}", data={
        "outcome": "suspended", "reason": "收入超标", "reviewed_on": today.isoformat(),
        "next_review_date": next_year})
    assert response.status_code == 302
    client.post(f"/casework/reviews/{cycle.id}/people/{confirmed.id}", data={
        "outcome": "confirmed", "reason": "情况属实", "reviewed_on": today.isoformat(),
        "next_review_date": next_year})
    db.session.expire_all()
    assert due.status == "suspended" and due.history[0].reason == "收入超标"
    assert confirmed.status == "enrolled" and confirmed.next_review_date.isoformat() == next_year
    again = client.post(f"/casework/reviews/{cycle.id}/people/{due.id}", data={
        "outcome": "exited", "reason": "x", "reviewed_on": today.isoformat(),
        "next_review_date": next_year})
    assert again.status_code == 400
    changes = db.session.scalar(select(func.count(StatusChange.id))
                                .where(StatusChange.person_id == due.id))
    assert changes == 1
    after = client.get(f"/casework/reviews/{cycle.id}").get_data(as_text=True)
    assert "到期者" in after  # listed now under "reviewed in this cycle"


def test_only_admins_open_cycles(client, auth, session):
    auth.login(UserFactory(role="street_officer"))
    response = client.post("/casework/reviews", data={"name": "x", "due_by": "2026-12-31"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(ReviewCycle.id))) == 0
