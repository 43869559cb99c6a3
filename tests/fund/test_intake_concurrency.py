"""Concurrency on PostgreSQL: two tabs taking in the same ID number for the same event day at
once open one case; the other is refused with a message (the database's unique constraint),
and one person record is made, not two."""

from datetime import date

from sqlalchemy import func, select

from charity.extensions import db
from charity.registry.models import Person
from charity.relief import intake
from charity.relief.intake_models import IntakeCase
from tests.committed import at_once, committed_data, empty
from tests.factories import UserFactory
from tests.fund.test_intake import a_case


def clean() -> None:
    empty("relief_intake, audit_entry",
          "DELETE FROM person WHERE status = 'not_on_roster'",
          "DELETE FROM household WHERE code LIKE 'LS%'",
          "DELETE FROM \"user\" WHERE email LIKE 'intake-race-%'")


def test_two_tabs_open_one_case(app):
    with committed_data(app, clean, "concurrency needs PostgreSQL (SQLite has one writer)"):
        race(app)


def race(app):
    """Two threads open the same intake at once; one case and one person are written."""
    officer = UserFactory(role="street_officer", email="intake-race-1@songtan.test")
    case = a_case(event_type="accident", description="工伤")
    officer_id = officer.id
    db.session.commit()
    def open_it():
        intake.open_case(case, db.session.get(type(officer), officer_id), date(2026, 11, 30))

    outcomes = at_once(app, [open_it, open_it], intake.IntakeError)
    assert sorted(outcomes)[-1] == "ok" and sorted(outcomes)[0] != "ok", outcomes
    assert db.session.scalar(select(func.count()).select_from(IntakeCase)) == 1
    assert db.session.scalar(select(func.count()).where(
        Person.status == "not_on_roster").select_from(Person)) == 1
