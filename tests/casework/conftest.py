"""Helpers for casework, visits and dashboard tests."""

from sqlalchemy import select

from charity.district.models import Department, DepartmentGroup
from charity.extensions import db
from charity.pairing.models import Cadre, Pairing
from tests import factories


def cadre_in(street_name: str, with_user: bool = False, **fields) -> Cadre:
    """A staff cadre of the department group paired with `street_name`."""
    department = db.session.scalar(
        select(Department).join(DepartmentGroup)
        .where(DepartmentGroup.street_id == factories.street(street_name).id)
        .order_by(Department.id))
    user = factories.user("cadre") if with_user else None
    cadre = Cadre(department_id=department.id, name=fields.pop("name", "张干部"),
                  rank="staff", user_id=user.id if user else None, skills=[], **fields)
    db.session.add(cadre)
    db.session.flush()
    return cadre


def pair(person, cadre, status: str = "active") -> Pairing:
    pairing = Pairing(person_id=person.id, helper_kind="cadre", cadre_id=cadre.id, status=status,
                      reasons=[])
    db.session.add(pairing)
    db.session.flush()
    return pairing
