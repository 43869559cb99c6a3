"""The attachment's reference data, the demo population, the district page and its CLI report."""

from datetime import date

from sqlalchemy import func, select

from charity.district.models import Department, DepartmentGroup, Street
from charity.district.reference import ATTACHMENT, TOTALS, attachment_counts
from charity.extensions import db
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
    # another street asked for by hand is refused, not exported (nor quietly replaced)
    assert client.post(f"/registry/export?street={other.id}").status_code == 400
    response = exported(client, "/registry/export")
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
