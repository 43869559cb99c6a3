"""Loading the attachment into the database."""

from sqlalchemy import select

from charity.district.models import Department, DepartmentGroup, Street
from charity.district.reference import ATTACHMENT
from charity.extensions import db


def load_reference() -> dict[str, Street]:
    """Create the 11 streets, the welfare home, the 11 groups and their departments; idempotent."""
    streets = {s.name: s for s in db.session.scalars(select(Street))}
    for position, row in enumerate(ATTACHMENT, start=1):
        street = streets.get(row.street)
        if street is None:
            kind = "street" if row.number else "welfare_home"
            street = Street(name=row.street, name_en=row.street_en, kind=kind, position=position)
            db.session.add(street)
            streets[row.street] = street
        if row.number is None:
            continue
        db.session.flush()
        group = db.session.scalar(select(DepartmentGroup).filter_by(number=row.number))
        if group is None:
            group = DepartmentGroup(number=row.number, street=street)
            db.session.add(group)
            db.session.flush()
        known = {d.name for d in group.departments}
        for index, name in enumerate(row.departments, start=1):
            if name not in known:
                db.session.add(Department(group=group, name=name, position=index))
    db.session.flush()
    return streets
