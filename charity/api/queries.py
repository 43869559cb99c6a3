"""What the API lets out: pairing and visit figures per street and department, the gap matrix
per street and measure, the fund's disclosure, and one street's people (masked)."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from charity.casework import queries as casework
from charity.casework import snapshot
from charity.disclosure.coverage import visit_counts, visits_by_street
from charity.district.models import Department, Street
from charity.extensions import db
from charity.fund import disclosure
from charity.pairing import queries as pairing
from charity.pairing.models import Cadre, Pairing
from charity.registry.models import CATEGORIES, STATUSES, Household, Person

PAGE_SIZE = 100


def streets(today: date) -> list[dict]:
    """Per street: people enrolled, with an active cadre, with an active volunteer (as
    `/pairing/` counts them), visits this year; read from the records at the moment asked."""
    visits = visits_by_street(today.year)
    enrolled = dict(db.session.execute(
        select(Household.street_id, func.count(Person.id)).join(Person.household)
        .where(Person.status == "enrolled", Person.category.in_(CATEGORIES))
        .group_by(Household.street_id)).all())
    helpers = {sid: (cadre, volunteer) for sid, cadre, volunteer
               in db.session.execute(pairing.helpers_by_street())}
    return [{"street": street.name, "enrolled": enrolled.get(street.id, 0),
             "with_cadre": helpers.get(street.id, (0, 0))[0],
             "with_volunteer": helpers.get(street.id, (0, 0))[1],
             "visits_this_year": visits.get(street.name, 0)}
            for street in db.session.scalars(select(Street).order_by(Street.position))]


def _through_the_cadre(query, model):
    """A visit's row joined to the department of the cadre whose pairing it was made in."""
    return (query.join(Pairing, Pairing.id == model.pairing_id)
            .join(Cadre, Cadre.id == Pairing.cadre_id)
            .join(Department, Department.id == Cadre.department_id))


def _department_visits(year: int) -> dict[str, int]:
    return visit_counts(year, Department.name, _through_the_cadre)


def departments(today: date) -> list[dict]:
    """Per department: its cadres, their live pairings, and visits made this year."""
    cadres = dict(db.session.execute(select(Cadre.department_id, func.count(Cadre.id))
                                     .group_by(Cadre.department_id)).all())
    live = dict(db.session.execute(
        select(Cadre.department_id, func.count(Pairing.id))
        .join(Pairing, Pairing.cadre_id == Cadre.id)
        .where(Pairing.status.in_(pairing.LIVE)).group_by(Cadre.department_id)).all())
    visits = _department_visits(today.year)
    return [{"department": d.name, "cadres": cadres.get(d.id, 0),
             "live_pairings": live.get(d.id, 0), "visits_this_year": visits.get(d.name, 0)}
            for d in db.session.scalars(select(Department).order_by(Department.id))]


def gaps(today: date) -> list[dict]:
    """The gap matrix summed per street and measure: owed, receiving, gaps; each row says when
    the figures were read (`as_of`, None for this moment) and whether they are being updated
    (the records changed since: `charity.casework.snapshot`)."""
    found = snapshot.current(today)
    return [{"street": name, "measures": measures, "as_of": found.as_of,
             "updating": found.stale}
            for name, measures in found.summary(casework.street_names(None)).items()]


def fund_disclosure(year: int | None) -> dict:
    """The fund's public disclosure (totals only, small counts as '<5')."""
    report = disclosure.build(year)
    return {"year": year, "total_in_fen": report.total_in, "total_out_fen": report.total_out,
            "budget_in_fen": report.budget_in, "months": dict(report.months),
            "measures": {str(k): v for k, v in report.measures.items()},
            "streets": report.streets, "head_hash": report.head[1]}


def street(name: str) -> Street | None:
    """The street of this name."""
    return db.session.scalar(select(Street).where(Street.name == name))


def people(street_id: int, page: int) -> tuple[int, list[Person]]:
    """(how many, one page of) the people on the roster in a street, by id."""
    query = (select(Person).join(Household, Household.id == Person.household_id)
             .where(Household.street_id == street_id, Person.status.in_(STATUSES)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.options(joinedload(Person.household)
                                            .joinedload(Household.community))
                              .order_by(Person.id).offset((page - 1) * PAGE_SIZE)
                              .limit(PAGE_SIZE)).all()
    return total, rows
