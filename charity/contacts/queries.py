"""Reading contacts: a person's history (with festival visits), who has not been contacted,
and the hours given per helper and per department."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select, union_all
from sqlalchemy.orm import joinedload

from charity.contacts.models import Contact
from charity.district.models import Department
from charity.extensions import db
from charity.pairing.models import Cadre, Pairing, Volunteer
from charity.registry.models import Household, Person
from charity.registry.queries import scoped
from charity.visits.models import VisitTask

#: The kind a festival visit (a campaign's task) shows under in a history.
FESTIVAL_VISIT = "festival_visit"


@dataclass(frozen=True)
class Entry:
    """One line of a person's history: a contact or help, or a festival visit."""

    day: date
    kind: str
    helper: str
    minutes: int | None
    note: str
    contact: Contact | None = None


def _helper_name(pairing: Pairing) -> str:
    return pairing.cadre.name if pairing.helper_kind == "cadre" else pairing.volunteer.name


def _by_helper(query: Select, helper: tuple[str, int] | None) -> Select:
    if helper is None:
        return query
    column = Pairing.cadre_id if helper[0] == "cadre" else Pairing.volunteer_id
    return query.where(Pairing.helper_kind == helper[0], column == helper[1])


def history(person_id: int, helper: tuple[str, int] | None = None) -> list[Entry]:
    """The person's contacts, help and festival visits, newest first; only those of
    ``helper = (kind, id)`` if given."""
    contacts = db.session.scalars(_by_helper(
        select(Contact).join(Pairing, Pairing.id == Contact.pairing_id)
        .where(Contact.person_id == person_id)
        .options(joinedload(Contact.pairing).joinedload(Pairing.cadre),
                 joinedload(Contact.pairing).joinedload(Pairing.volunteer),
                 joinedload(Contact.department)), helper)).all()
    visits = db.session.scalars(_by_helper(
        select(VisitTask).join(Pairing, Pairing.id == VisitTask.pairing_id)
        .where(VisitTask.person_id == person_id, VisitTask.status == "done"), helper)).all()
    entries = [Entry(c.happened_on, c.kind, _helper_name(c.pairing), c.minutes, c.note, c)
               for c in contacts]
    entries += [Entry(v.visited_on, FESTIVAL_VISIT, _helper_name(v.pairing), None, v.notes)
                for v in visits]
    return sorted(entries, key=lambda e: (e.day, e.contact.id if e.contact else 0),
                  reverse=True)


def last_contacts():
    """(person id, last day) of every person's latest contact, help or festival visit."""
    days = union_all(
        select(Contact.person_id.label("person_id"), Contact.happened_on.label("day")),
        select(VisitTask.person_id.label("person_id"), VisitTask.visited_on.label("day"))
        .where(VisitTask.status == "done")).subquery()
    return (select(days.c.person_id, func.max(days.c.day).label("last"))
            .group_by(days.c.person_id).subquery())


def not_contacted(scope: int | None, cutoff: date) -> Select:
    """The enrolled people with an active pairing whose last contact (festival visits count)
    was before ``cutoff``, or who were never contacted: those first, then the longest ago."""
    last = last_contacts()
    paired = select(Pairing.person_id).where(Pairing.status == "active")
    query = (select(Person).join(Household, Household.id == Person.household_id)
             .outerjoin(last, last.c.person_id == Person.id)
             .where(Person.status == "enrolled", Person.id.in_(paired),
                    or_(last.c.last.is_(None), last.c.last < cutoff))
             .options(joinedload(Person.household))
             .order_by(last.c.last.is_not(None), last.c.last, Person.id))
    return scoped(query, scope)


def last_days(person_ids) -> dict[int, date]:
    """The day of each of these people's latest contact, help or festival visit."""
    last = last_contacts()
    return dict(db.session.execute(select(last.c.person_id, last.c.last)
                                   .where(last.c.person_id.in_(list(person_ids)))).all())


def _in_period(query: Select, scope: int | None, start: date, end: date) -> Select:
    query = (query.join(Pairing, Pairing.id == Contact.pairing_id)
             .join(Person, Person.id == Contact.person_id)
             .join(Household, Household.id == Person.household_id)
             .where(Contact.happened_on >= start, Contact.happened_on <= end))
    return scoped(query, scope)


def hours_by_helper(scope: int | None, start: date, end: date) -> Select:
    """(helper kind, helper id, name, department or None, entries, people, minutes) per
    helper over the period, most minutes first."""
    helper_id = func.coalesce(Pairing.cadre_id, Pairing.volunteer_id)
    name = func.coalesce(Cadre.name, Volunteer.name)
    query = (select(Pairing.helper_kind, helper_id, name, Department.name,
                    func.count(Contact.id), func.count(func.distinct(Contact.person_id)),
                    func.sum(Contact.minutes)).select_from(Contact))
    query = (_in_period(query, scope, start, end)
             .outerjoin(Cadre, Cadre.id == Pairing.cadre_id)
             .outerjoin(Volunteer, Volunteer.id == Pairing.volunteer_id)
             .outerjoin(Department, Department.id == Cadre.department_id)
             .group_by(Pairing.helper_kind, helper_id, name, Department.name))
    return query.order_by(func.sum(Contact.minutes).desc(), Pairing.helper_kind, helper_id)


def hours_by_department(scope: int | None, start: date, end: date) -> Select:
    """(department or None for volunteers and organisations, helpers, entries, minutes) over
    the period, most minutes first."""
    helper = func.coalesce(Pairing.cadre_id, -Pairing.volunteer_id)
    query = (select(Department.name, func.count(func.distinct(helper)),
                     func.count(Contact.id), func.sum(Contact.minutes)).select_from(Contact))
    query = (_in_period(query, scope, start, end)
             .outerjoin(Cadre, Cadre.id == Pairing.cadre_id)
             .outerjoin(Department, Department.id == Cadre.department_id)
             .group_by(Department.name))
    return query.order_by(func.sum(Contact.minutes).desc(), Department.name)


def service_record(helper: tuple[str, int], start: date, end: date) -> Select:
    """A helper's contacts over the period, oldest first: the lines of their hours record."""
    query = (select(Contact).join(Pairing, Pairing.id == Contact.pairing_id)
             .where(Contact.happened_on >= start, Contact.happened_on <= end)
             .options(joinedload(Contact.person))
             .order_by(Contact.happened_on, Contact.id))
    return _by_helper(query, helper)


def departments() -> Select:
    """The district's departments a person may be referred to, by name."""
    return select(Department).order_by(Department.group_id, Department.id)




@dataclass(frozen=True)
class HoursReport:
    """The hours given over a period: per helper and per department (None: volunteers and
    organisations), and the totals, all summed from the entries."""

    start: date
    end: date
    helpers: list
    departments: list
    entries: int
    minutes: int


def hours(scope: int | None, start: date, end: date) -> HoursReport:
    """The hours report of the street ``scope`` (or the district) from ``start`` to ``end``."""
    helpers = db.session.execute(hours_by_helper(scope, start, end)).all()
    departments = db.session.execute(hours_by_department(scope, start, end)).all()
    return HoursReport(start, end, helpers, departments,
                       entries=sum(row[4] for row in helpers),
                       minutes=sum(row[6] or 0 for row in helpers))
