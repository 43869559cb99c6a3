"""Intake for sudden hardship (measure 4): the yearly income line and asset limits, each rule
with the plan's numbers, the refusals of bad input (nothing written), non-roster people kept
off the roster, and an intake through application, approval and payment."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from charity.extensions import db
from charity.registry import ids, queries
from charity.registry.ids import IdNumberError
from charity.registry.models import Person
from charity.relief import checks, income_lines, intake, operations
from charity.relief.intake_models import IncomeLine, IntakeCase
from tests.factories import PersonFactory, UserFactory
from tests.factories.base import community, id_number

TODAY = date(2026, 11, 30)


@pytest.fixture
def officer(session):
    return UserFactory(role="street_officer")


def a_case(**changes) -> intake.Intake:
    """A Yuzhong family of 3 on ¥3,000 a month after a serious illness, ¥20,000 saved."""
    place = community("七星岗")
    base = intake.Intake(
        name="王小梅", id_number=id_number(date(1985, 3, 2), "F"), street_id=place.street_id,
        community_id=place.id, hukou="yuzhong", residence_permit_start=None,
        event_type="serious_illness", event_date=date(2026, 11, 20), description="突发重病住院",
        household_size=3, monthly_income_fen=300_000, financial_assets_fen=2_000_000)
    return replace(base, **changes)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_seeded_lines_are_the_former_configuration_figure(session):
    line = income_lines.for_year(2026)
    assert line.disposable_income_fen == 5_200_000
    assert line.financial_assets_fen == 1_824_000


def test_a_year_without_a_line_is_refused_naming_the_year(session, officer):
    with pytest.raises(income_lines.IncomeLineError, match="2019"):
        intake.open_case(a_case(event_date=date(2019, 5, 1)), officer, TODAY)
    assert count(IntakeCase) == 0


def test_an_eligible_household_meets_every_rule(session, officer):
    case = intake.open_case(a_case(), officer, TODAY)
    assert case.eligible and case.income_line_year == 2026
    assert not case.on_roster
    assert case.id_number_masked.startswith("5001") and "*" in case.id_number_masked
    assert ids.decrypt(case.id_number_encrypted) != case.id_number_masked


@pytest.mark.parametrize(("monthly", "holds"), [
    # ¥52,000 a year per person: 3 people × 52,000 = 156,000 a year = ¥13,000 a month.
    (1_299_999, True), (1_300_000, False)])
def test_income_must_be_strictly_below_the_line_per_person(session, officer, monthly, holds):
    case = intake.open_case(a_case(monthly_income_fen=monthly), officer, TODAY)
    assert {r["code"]: r["holds"] for r in case.eligibility}["income"] is holds


@pytest.mark.parametrize(("assets", "holds"), [(5_472_000, True), (5_472_001, False)])
def test_financial_assets_within_the_limit_per_person(session, officer, assets, holds):
    case = intake.open_case(a_case(financial_assets_fen=assets), officer, TODAY)
    assert {r["code"]: r["holds"] for r in case.eligibility}["financial_assets"] is holds


def test_a_vehicle_over_the_limit_fails_its_rule(session, officer):
    case = intake.open_case(a_case(vehicle_value_fen=1), officer, TODAY)
    assert not case.eligible


def test_the_line_of_the_event_year_is_used(session, officer):
    income_lines.save({"year": 2025, "disposable_income_fen": 100, "financial_assets_fen": 0,
                       "vehicle_value_fen": 0, "source": "test"}, officer,
                      income_lines.for_year(2025))
    case = intake.open_case(a_case(event_date=date(2025, 12, 30),
                                   financial_assets_fen=0), officer, TODAY)
    assert case.income_line_year == 2025 and not case.eligible


@pytest.mark.parametrize("changes", [
    {"monthly_income_fen": -1}, {"monthly_income_fen": 100_000_001},
    {"financial_assets_fen": -5}, {"financial_assets_fen": 10**13},
    {"event_date": date(2026, 12, 1)}, {"household_size": 0}, {"household_size": 21},
    {"hukou": "other", "residence_permit_start": date(2026, 1, 1)},
    {"hukou": "other", "residence_permit_start": None}, {"name": "  "},
])
def test_bad_input_is_refused_and_nothing_written(session, officer, changes):
    people = count(Person)
    with pytest.raises(intake.IntakeError):
        intake.open_case(a_case(**changes), officer, TODAY)
    assert count(IntakeCase) == 0 and count(Person) == people


def test_an_invalid_id_number_is_refused(session, officer):
    with pytest.raises(IdNumberError):
        intake.open_case(a_case(id_number="500103198503021230"), officer, TODAY)
    assert count(IntakeCase) == 0


def test_a_permit_of_a_year_or_more_is_enough(session, officer):
    case = intake.open_case(a_case(hukou="other", residence_permit_start=date(2025, 11, 30)),
                            officer, TODAY)
    assert case.eligible


def test_the_same_person_and_event_day_twice_is_refused_naming_the_case(session, officer):
    first = a_case()
    case = intake.open_case(first, officer, TODAY)
    with pytest.raises(intake.IntakeError, match=f"no. {case.id}"):
        intake.open_case(replace(first, name="王小梅2"), officer, TODAY)
    later = intake.open_case(replace(first, event_date=date(2026, 11, 25)), officer, TODAY)
    assert later.person_id == case.person_id


def test_a_roster_person_is_linked_by_id_number(session, officer):
    person = PersonFactory(relief_case=True)
    number = ids.decrypt(person.id_number_encrypted)
    case = intake.open_case(a_case(id_number=number), officer, TODAY)
    assert case.person_id == person.id and case.on_roster


def test_another_streets_roster_person_is_refused(session, officer):
    person = PersonFactory(street_name="解放碑")
    with pytest.raises(intake.IntakeError):
        intake.open_case(a_case(id_number=ids.decrypt(person.id_number_encrypted)), officer, TODAY)


def test_a_non_roster_person_stays_off_the_roster(session, officer):
    before = db.session.execute(queries.counts_by_street(include_inactive=True)).all()
    case = intake.open_case(a_case(), officer, TODAY)
    assert case.person.category == "sudden_hardship"
    assert case.person.status == "not_on_roster"
    after = db.session.execute(queries.counts_by_street(include_inactive=True)).all()
    assert sorted(before) == sorted(after)
    listed = db.session.scalars(queries.people(queries.PersonFilter(), None)).all()
    assert case.person not in listed


def test_a_non_roster_person_cannot_get_an_ordinary_application(session, officer):
    case = intake.open_case(a_case(), officer, TODAY)
    with pytest.raises(operations.ReliefError):
        operations.submit(case.person, "temporary_emergency", "x", TODAY, officer, grade=1)


def test_intake_to_payment_with_four_eyes(session, officer, checker, maker, funded):
    case = intake.open_case(a_case(), officer, TODAY)
    application = intake.apply(case, "temporary_emergency", 2, "住院", officer, TODAY)
    assert application.amount_fen == 200_000 and application.person_id == case.person_id
    with pytest.raises(intake.IntakeError, match=str(application.id)):
        intake.apply(case, "temporary_emergency", 2, "again", officer, TODAY)
    operations.approve(application, checker)
    operations.pay(application, maker)
    assert application.state == "paid"


def test_an_ineligible_intake_makes_no_application(session, officer):
    case = intake.open_case(a_case(monthly_income_fen=2_000_000), officer, TODAY)
    with pytest.raises(intake.IntakeError):
        intake.apply(case, "temporary_emergency", 1, "x", officer, TODAY)


def test_routes_follow_the_standards_and_committee_threshold(session, app):
    assert intake.route("temporary_expenditure", 3)["amount_fen"] == 600_000
    assert not intake.route("temporary_expenditure", 3)["committee"]
    assert intake.route("temporary_emergency", 1, one_case_one_discussion=True)["committee"]


def test_ordinary_temporary_check_reads_the_line_of_the_year(session):
    person = PersonFactory(relief_case=True)
    with pytest.raises(income_lines.IncomeLineError, match="2031"):
        checks.check(person, "temporary_emergency", date(2031, 1, 5))


def test_income_line_edits_are_bounded_and_unique(session, maker):
    good = {"year": 2027, "disposable_income_fen": 5_500_000, "financial_assets_fen": 1_900_000,
            "vehicle_value_fen": 0, "source": "渝中统计公报2026"}
    line = income_lines.save(good, maker)
    assert line.updated_by_id == maker.id
    for bad in ({"disposable_income_fen": 0}, {"disposable_income_fen": 10**12},
                {"financial_assets_fen": -1}, {"source": " "}, {"year": 1999}):
        with pytest.raises(income_lines.IncomeLineError):
            income_lines.save(good | bad | {"year": bad.get("year", 2028)}, maker)
    with pytest.raises(income_lines.IncomeLineError, match="2027"):
        income_lines.save(good, maker)
    assert count(IncomeLine) == 3


def test_intake_pages_scope_and_render(client, auth, session, officer):
    case = intake.open_case(a_case(), officer, TODAY)
    auth.login(officer)
    page = client.get(f"/relief/intake/{case.id}")
    assert page.status_code == 200 and case.id_number_masked in page.text
    assert ids.decrypt(case.id_number_encrypted) not in page.text
    assert client.get("/relief/intake/lines/new").status_code == 403


def test_another_streets_officer_gets_404(client, auth, session, officer):
    case = intake.open_case(a_case(), officer, TODAY)
    auth.login(UserFactory(role="street_officer", street_name="解放碑"))
    assert client.get(f"/relief/intake/{case.id}").status_code == 404
    assert client.get("/relief/intake/").text.count(case.id_number_masked) == 0


def test_a_non_roster_person_is_not_in_the_gap_matrix_or_pairing(session, officer):
    from charity.casework import queries as casework
    from charity.pairing import adapter

    PersonFactory(relief_case=True)
    rows_before = casework.district_matrix(None, TODAY)
    case = intake.open_case(a_case(), officer, TODAY)
    rows_after = casework.district_matrix(None, TODAY)
    assert [len(r) for r in rows_before] == [len(r) for r in rows_after]
    assert all(row[0].id != case.person_id for row in adapter._people(None))


def form_data(**changes):
    place = community("七星岗")
    return {"name": "<script>x</script>", "id_number": id_number(date(1988, 8, 8), "M"),
            "community": place.id, "hukou": "yuzhong", "event_type": "accident",
            "event_date": "2026-11-20", "description": "摔伤", "household_size": "2",
            "monthly_income": "1500", "financial_assets": "0"} | changes


@pytest.mark.parametrize("changes", [
    {"monthly_income": "-1"}, {"financial_assets": "1e400"}, {"household_size": "999"},
    {"event_date": "2030-01-01"}, {"id_number": "500103198808081234"},
    {"hukou": "other", "residence_permit_start": "2026-06-01"}])
def test_the_intake_form_refuses_bad_input_with_nothing_written(client, auth, session, officer,
                                                                changes):
    auth.login(officer)
    people = count(Person)
    response = client.post("/relief/intake/new", data=form_data(**changes))
    assert response.status_code == 400
    assert count(IntakeCase) == 0 and count(Person) == people


def test_the_intake_form_records_and_escapes(client, auth, session, officer):
    auth.login(officer)
    response = client.post("/relief/intake/new", data=form_data())
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "<script>x</script>" not in page.text and "&lt;script&gt;" in page.text
