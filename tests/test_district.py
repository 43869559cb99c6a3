"""The attachment's reference data, the demo population, the district page and its CLI report."""

import json
from datetime import date

from sqlalchemy import func, select

from charity.audit.models import AuditEntry
from charity.demo.operations import load_demo
from charity.disaster.models import Incident
from charity.district.models import Department, DepartmentGroup, Street
from charity.district.reference import ATTACHMENT, TOTALS, attachment_counts
from charity.extensions import db
from charity.pairing.models import Cadre, Volunteer
from charity.registry import ids
from charity.registry.models import Household, Person
from donations.giving.models import Donation
from donations.stripe.models import StripeEvent
from tests.factories import PersonFactory, UserFactory, street
from tests.jobs import exported

TODAY = date(2026, 11, 29)


def test_reference_has_every_street_group_and_department(session):
    streets = db.session.scalars(select(Street).order_by(Street.position)).all()
    assert [s.name for s in streets] == [row.street for row in ATTACHMENT]
    assert streets[-1].kind == "welfare_home"
    groups = db.session.scalars(select(DepartmentGroup).order_by(DepartmentGroup.number)).all()
    assert [g.street.name for g in groups] == [row.street for row in ATTACHMENT[:11]]
    for group, row in zip(groups, ATTACHMENT, strict=False):
        assert tuple(d.name for d in group.departments) == row.departments
    assert db.session.scalar(select(func.count(Department.id))) == 66
    assert "区委办公室" in ATTACHMENT[0].departments and "区残联" in ATTACHMENT[10].departments


def test_attachment_totals_are_the_plans():
    counts = attachment_counts()
    for key, total in TOTALS.items():
        assert sum(row[key] for row in counts.values()) == total


def test_demo_population_reproduces_the_attachment(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "officer-qixinggang@songtan.test" in result.output
    report = runner.invoke(args=["report", "streets", "--json"])
    assert report.exit_code == 0
    assert json.loads(report.output) == attachment_counts()
    again = runner.invoke(args=["demo", "load"])
    assert "people added: 0" in again.output
    assert db.session.scalar(select(func.count(Person.id))) == 12018
    # The demo's online gifts were paid the way a donor pays: Stripe's signed notice, applied
    # by the webhook, one credited event per gift and nothing left waiting.
    online = db.session.scalars(select(Donation).where(Donation.channel == "online")).all()
    credited = db.session.scalars(select(StripeEvent.donation_id).where(
        StripeEvent.type == "payment_intent.succeeded", StripeEvent.outcome == "credited")).all()
    assert online and sorted(credited) == sorted(d.id for d in online)
    assert all(d.status == "succeeded" for d in online)


def test_demo_people_are_plausible(session):
    load_demo(TODAY)
    people = db.session.scalars(select(Person).limit(400)).all()
    for person in people:
        number = ids.decrypt(person.id_number_encrypted)
        checked = ids.check(number, TODAY)
        assert number.startswith("500103")
        assert checked.birth_date == person.birth_date and checked.sex == person.sex
        assert (person.dibao_class is not None) == (person.category == "dibao")
        if person.student:
            assert person.school_level is not None
    households = db.session.scalar(select(func.count(Household.id)))
    assert 6000 < households < 12018
    cadres = dict(db.session.execute(select(Cadre.rank, func.count()).group_by(Cadre.rank)).all())
    assert sum(cadres.values()) == 3578
    # the demo's cadres came in through the roster import: each with a phone and staff number
    assert db.session.scalar(select(func.count(Cadre.id)).where(
        Cadre.phone_hash.is_not(None), Cadre.staff_number.is_not(None))) == 3578
    assert 0 < cadres["district_leader"] < cadres["division_leader"] < cadres["staff"]
    # The demo's helpers signed up, confirmed and were approved by their street's officer, as
    # real ones are: each has its account, its phone sealed, and the three audit entries.
    kinds = dict(db.session.execute(select(Volunteer.kind, func.count()).where(
        Volunteer.status == "approved").group_by(Volunteer.kind)).all())
    assert kinds == {"volunteer": 900, "organisation": 7, "aid_centre": 1, "enterprise": 6}
    helpers = db.session.scalars(select(Volunteer)).all()
    assert all(v.confirmed_at and v.user_id and v.phone_hash for v in helpers)
    waiting = [v for v in helpers if v.status != "approved"]
    assert [v.status for v in waiting] == ["pending", "pending"]  # the officer's queue
    for action, count in (("volunteer.sign_up", len(helpers)),
                          ("volunteer.confirm", len(helpers)),
                          ("volunteer.approve", len(helpers) - 2)):
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == action)) == count
    # the demo flood: two households, one insurance claim paid, two reliefs proposed
    incident = db.session.scalar(select(Incident))
    assert incident.state == "open" and len(incident.households) == 2
    assert incident.households[0].insurance_paid_fen == 1_200_000
    assert sorted(r.state for h in incident.households for r in h.reliefs)[1] == "proposed"


def test_district_page_compares_roster_with_plan(client, auth):
    PersonFactory(tekun=True, street_name="大坪")
    auth.login(UserFactory(role="fund_manager"))
    page = client.get("/district/?lang=en").get_data(as_text=True)
    assert "七星岗" in page and "1658" in page and "区委机要保密局" in page
    assert 'class="num diff">1<' in page


def test_street_officer_scope_applies_to_export(client, auth):
    PersonFactory(name="外街", street_name="解放碑")
    auth.login(UserFactory(role="street_officer"))
    other = street("解放碑")
    response = exported(client, f"/registry/export?street={other.id}")
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert all(row[1] == "七星岗" for row in rows[1:])


def test_street_officer_sees_only_their_streets_figures(client, auth):
    auth.login(UserFactory(role="street_officer", street_name="解放碑"))
    page = client.get("/district/").get_data(as_text=True)
    assert "解放碑" in page and "1452" in page
    assert "七星岗" not in page and "1658" not in page
