"""Public coverage: per street and measure, how many people the records show covered (the
gap matrix's "receiving"), and how many visits were made this year. Counts only, small ones
shown as "<5". The counts come from the gap matrix's snapshot (`charity.casework.snapshot`, the
same figures as the staff pages); the visit counts are two aggregate queries."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from charity.casework import gaps, snapshot
from charity.contacts.models import Contact
from charity.district.models import Street
from charity.extensions import db
from charity.fund.disclosure import small
from charity.registry.models import Household, Person
from charity.visits.models import VisitTask

#: Contact kinds that are visits (a call or a referral is not).
VISIT_KINDS = ("home_visit", "heart_to_heart")


@dataclass(frozen=True)
class StreetCoverage:
    """One street's published counts: measure -> people covered, and visits this year."""

    street: str
    covered: dict
    visits: str


def visit_counts(year: int, label, route) -> dict[str, int]:
    """Visits made in `year` (visit contacts and campaign visits done) counted per `label`;
    `route(query, model)` joins the visit's table to the label's."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    counts: dict[str, int] = {}
    for model, day, extra in (
            (Contact, Contact.happened_on, Contact.kind.in_(VISIT_KINDS)),
            (VisitTask, VisitTask.visited_on, VisitTask.status == "done")):
        query = route(select(label, func.count(model.id)).select_from(model), model)
        for name, count in db.session.execute(
                query.where(extra, day >= first, day <= last).group_by(label)):
            counts[name] = counts.get(name, 0) + count
    return counts


def visits_by_street(year: int) -> dict[str, int]:
    """Visits made in `year` per street name."""
    return visit_counts(year, Street.name, lambda query, model: (
        query.join(Person, Person.id == model.person_id)
        .join(Household, Household.id == Person.household_id)
        .join(Street, Street.id == Household.street_id)))


def by_street(today: date) -> list[StreetCoverage]:
    """Every street in the plan's order, with its published counts for `today`'s year."""
    summary, visits = snapshot.street_summary(None, today), visits_by_street(today.year)
    return [StreetCoverage(name, {m: small(counts[m]["receiving"]) for m in gaps.ALL_MEASURES},
                           small(visits.get(name, 0)))
            for name, counts in summary.items()]
