"""The coverage-gap matrix: rules at their edges on real rows, scoping, actions, the CLI."""

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from charity.casework import gaps, queries
from charity.casework.models import Grant
from charity.eligibility import add_years
from charity.extensions import db
from charity.timeutil import local_today
from tests.factories import (
    ApplicationFactory,
    GrantFactory,
    HouseholdFactory,
    PersonFactory,
    UserFactory,
)

TODAY = date(2026, 11, 29)


def cells_of(person, today=TODAY):
    facts = queries.load_facts(today, [person.id])
    return {c.measure: c for c in gaps.person_cells(person, facts, today, queries.standards())}


def test_seventy_exactly_is_owed_the_supplement_until_granted(app, session):
    seventy = PersonFactory(birth_date=date(1956, 11, 29))
    sixty_nine = PersonFactory(birth_date=date(1956, 11, 30))
    with app.test_request_context():
        assert cells_of(seventy)["classified_supplement"].gap
        assert not cells_of(sixty_nine)["classified_supplement"].owed
        GrantFactory(person=seventy, starts_on=date(2026, 1, 1))
        cell = cells_of(seventy)["classified_supplement"]
        assert cell.owed and cell.receives and not cell.gap


def test_rent_window_alert_on_its_last_day_only_while_open(app, session):
    person = PersonFactory(dibao_class="B")
    GrantFactory(person=person, measure="temporary_assistance", starts_on=date(2025, 11, 30))
    GrantFactory(person=person, measure="rent_subsidy", starts_on=date(2025, 11, 30),
                 ends_on=date(2026, 11, 29))
    with app.test_request_context():
        last_day = cells_of(person, date(2026, 11, 29))["rent_subsidy"]
        assert last_day.owed and last_day.receives and last_day.alert == "window_ending"
        after = cells_of(person, date(2026, 11, 30))["rent_subsidy"]
        assert not after.owed and not after.gap


def test_household_with_one_working_age_member_unable_to_work_is_not_a_gap(app, session):
    household = HouseholdFactory()
    PersonFactory(household=household, able_to_work=False, employment_status="unable")
    PersonFactory(household=household, birth_date=date(1950, 1, 1), employment_status="retired")
    with app.test_request_context():
        _, rows = queries.household_matrix(household, TODAY)
        assert not rows[0].cells[0].owed and not rows[0].cells[0].gap
        PersonFactory(household=household, able_to_work=True, willing_to_work=True)
        db.session.expire(household)
        _, rows = queries.household_matrix(household, TODAY)
        assert rows[0].cells[0].gap


def test_nobody_not_enrolled_is_owed_anything(app, session):
    person = PersonFactory(status="exited", birth_date=date(1940, 1, 1))
    with app.test_request_context():
        assert not any(c.owed for c in cells_of(person).values())


def test_report_gaps_json_per_street_and_measure(runner, session):
    today = local_today()
    PersonFactory(birth_date=add_years(today, -75), street_name="化龙桥")
    result = runner.invoke(args=["report", "gaps", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["化龙桥"]["classified_supplement"] == {"owed": 1, "receiving": 0, "gaps": 1}
    assert data["七星岗"]["classified_supplement"]["owed"] == 0
    assert set(data["化龙桥"]) == set(gaps.ALL_MEASURES)


def test_gap_list_is_scoped_and_links_to_the_action(client, auth, session):
    today = local_today()
    mine = PersonFactory(name="本街老人", birth_date=add_years(today, -80))
    other = PersonFactory(name="外街老人", birth_date=add_years(today, -80), street_name="解放碑")
    auth.login(UserFactory(role="street_officer"))
    page = client.get("/casework/gaps?measure=classified_supplement&lang=en")
    text = page.get_data(as_text=True)
    assert "本街老人" in text and "外街老人" not in text and "解放碑" not in text
    assert f"/casework/people/{mine.id}?measure=classified_supplement#grant" in text
    assert client.get(f"/casework/people/{other.id}").status_code == 404
    assert client.post(f"/casework/people/{other.id}/grants", data={
        "measure": "classified_supplement", "starts_on": today.isoformat()}).status_code == 404
    assert client.get(f"/casework/households/{other.household_id}").status_code == 404


def test_recording_a_grant_closes_the_gap_and_bad_input_writes_nothing(client, auth, session):
    today = local_today()
    person = PersonFactory(birth_date=add_years(today, -80))
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    bad = client.post(f"/casework/people/{person.id}/grants", data={
        "measure": "classified_supplement", "starts_on": today.isoformat(),
        "ends_on": (today - timedelta(days=1)).isoformat()})
    assert bad.status_code == 400
    assert "The end date cannot be before the start date." in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Grant.id))) == 0
    good = client.post(f"/casework/people/{person.id}/grants", data={
        "measure": "classified_supplement", "starts_on": today.isoformat()})
    assert good.status_code == 302
    page = client.get(f"/casework/people/{person.id}").get_data(as_text=True)
    assert "Record the supplement" not in page and "Receives" in page


def test_auditors_and_donors_stay_out_of_casework(client, auth, session):
    person = PersonFactory()
    auth.login(UserFactory(role="auditor"))
    assert client.get(f"/casework/people/{person.id}").status_code == 403
    assert client.post(f"/casework/people/{person.id}/referrals", data={
        "measure": "pairing", "to_whom": "街道"}).status_code == 403
    auth.logout()
    auth.login(UserFactory(role="donor"))
    assert client.get("/casework/gaps").status_code == 403


def test_an_approved_relief_application_counts_as_received(app, session):
    student = PersonFactory(high_schooler=True)
    with app.test_request_context():
        assert cells_of(student, local_today())["free_textbooks"].gap
        ApplicationFactory(person=student, kind="free_textbooks", reason="高中教科书",
                           approved=True)
        cell = cells_of(student, local_today())["free_textbooks"]
        assert cell.owed and cell.receives
