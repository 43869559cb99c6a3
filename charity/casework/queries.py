"""Reading casework; every query takes the viewer's street scope (None: the district)."""

from datetime import date

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from charity import eligibility as rules
from charity.casework import gaps
from charity.casework.models import (
    COUNTED_SERVICES,
    EmploymentService,
    Grant,
    MedicalCost,
    Referral,
    Review,
)
from charity.district.models import Street
from charity.extensions import db
from charity.pairing.models import Pairing
from charity.registry.models import CATEGORIES, Household, Person
from charity.registry.queries import scoped
from charity.relief.models import Application
from charity.timeutil import SHANGHAI

#: Relief-fund application kinds that deliver a measure of the matrix once approved or paid.
APPLICATION_MEASURES = {"free_textbooks": "free_textbooks", "autumn_grant": "autumn_grant",
                        "encouragement_award": "encouragement_award",
                        "rent_subsidy": "rent_subsidy",
                        "temporary_emergency": "temporary_assistance",
                        "temporary_expenditure": "temporary_assistance"}


def standards() -> dict:
    """The plan's standards as this app configures them."""
    return rules.standards(current_app.config)


def street_names(scope: int | None) -> dict[int, str]:
    """Street id -> name, in the plan's order, for the streets the viewer may see."""
    query = select(Street.id, Street.name).order_by(Street.position)
    if scope is not None:
        query = query.where(Street.id == scope)
    return dict(db.session.execute(query).all())


def _people(scope: int | None, person_ids=None) -> Select:
    query = (select(Person, Household.street_id).join(Person.household)
             .options(contains_eager(Person.household))
             .where(Person.category.in_(CATEGORIES)).order_by(Person.id))
    if person_ids is not None:
        query = query.where(Person.id.in_(person_ids))
    return scoped(query, scope)


def _restrict(query: Select, column, person_ids):
    return query if person_ids is None else query.where(column.in_(person_ids))


def load_facts(today: date, person_ids=None) -> gaps.Facts:
    """Grants active today, temporary assistance per household, services and live pairings."""
    active = and_(Grant.starts_on <= today, or_(Grant.ends_on.is_(None), Grant.ends_on >= today))
    grants = _restrict(select(Grant.person_id, Grant.measure).where(active),
                       Grant.person_id, person_ids)
    assistance = _restrict(
        select(Person.household_id, func.max(Grant.starts_on)).join(Person)
        .where(Grant.measure == "temporary_assistance", Grant.starts_on <= today)
        .group_by(Person.household_id), Grant.person_id, person_ids)
    services = _restrict(
        select(EmploymentService.person_id, func.count(EmploymentService.id))
        .where(EmploymentService.kind.in_(COUNTED_SERVICES))
        .group_by(EmploymentService.person_id), EmploymentService.person_id, person_ids)
    paired = _restrict(select(Pairing.person_id).where(Pairing.status == "active").distinct(),
                       Pairing.person_id, person_ids)
    facts = gaps.Facts(
        grants={tuple(row) for row in db.session.execute(grants)},
        assistance_on=dict(db.session.execute(assistance).all()),
        services=dict(db.session.execute(services).all()),
        paired=set(db.session.scalars(paired)))
    _add_applications(facts, today, person_ids)
    return facts


def _add_applications(facts: gaps.Facts, today: date, person_ids) -> None:
    """Relief-fund applications approved or paid in the last twelve months count as received;
    temporary assistance also opens the household's rent-subsidy window on its decision day."""
    query = _restrict(
        select(Application.person_id, Person.household_id, Application.kind,
               Application.decided_at).join(Person, Person.id == Application.person_id)
        .where(Application.state.in_(("approved", "paid")),
               Application.kind.in_(APPLICATION_MEASURES), Application.decided_at.is_not(None)),
        Application.person_id, person_ids)
    for person_id, household_id, kind, decided_at in db.session.execute(query):
        decided = decided_at.astimezone(SHANGHAI).date()
        if decided > today or rules.add_months(decided, 12) <= today:
            continue
        measure = APPLICATION_MEASURES[kind]
        facts.grants.add((person_id, measure))
        if measure == "temporary_assistance":
            known = facts.assistance_on.get(household_id)
            facts.assistance_on[household_id] = max(decided, known) if known else decided


def district_matrix(scope: int | None, today: date):
    """(person rows, household rows) of the whole scope."""
    rows = db.session.execute(_people(scope)).all()
    return gaps.matrix(rows, load_facts(today), today, standards())


def household_matrix(household: Household, today: date):
    """(person rows, household rows) for one household's members."""
    ids = [m.id for m in household.members]
    rows = db.session.execute(_people(None, ids)).all()
    return gaps.matrix(rows, load_facts(today, ids), today, standards())


def gap_rows(entries, households: bool) -> list:
    """(row, cell) for snapshot entries (id, street id, cell): the people (or households) of one
    page of a gap list, loaded with what the list shows."""
    model = Household if households else Person
    query = select(model).where(model.id.in_([entry[0] for entry in entries]))
    if households:
        query = query.options(joinedload(Household.community), selectinload(Household.members))
    else:
        query = query.options(joinedload(Person.household).joinedload(Household.community))
    loaded = {subject.id: subject for subject in db.session.scalars(query)}
    return [(gaps.Row(loaded[subject_id], street_id, (cell,)), cell)
            for subject_id, street_id, cell in entries]


def referrals(person_id: int) -> Select:
    """A person's referrals, the latest first."""
    return select(Referral).where(Referral.person_id == person_id).order_by(Referral.id.desc())


def grants(person_id: int) -> Select:
    """The measures a person was granted, the latest start first."""
    return select(Grant).where(Grant.person_id == person_id).order_by(Grant.starts_on.desc())


def services(person_id: int) -> Select:
    """The employment services a person was given, the latest first."""
    return (select(EmploymentService).where(EmploymentService.person_id == person_id)
            .order_by(EmploymentService.given_on.desc()))


def medical_costs(person_id: int) -> Select:
    """A person's inpatient stays, the latest admission first."""
    return (select(MedicalCost).where(MedicalCost.person_id == person_id)
            .order_by(MedicalCost.admitted_on.desc()))


def reviews(person_id: int) -> Select:
    """A person's reviews, the latest first."""
    return select(Review).where(Review.person_id == person_id).order_by(Review.id.desc())


def out_of_catalogue_by_street(scope: int | None) -> dict[int, tuple[int, int]]:
    """Street id -> (total inpatient cost, out-of-catalogue cost), in fen."""
    query = (select(Household.street_id, func.sum(MedicalCost.total_fen),
                    func.sum(MedicalCost.out_of_catalogue_fen))
             .join(Person, Person.id == MedicalCost.person_id).join(Household)
             .group_by(Household.street_id))
    return {street: (int(total), int(outside))
            for street, total, outside in db.session.execute(scoped(query, scope))}


def placements_by_street(scope: int | None) -> dict[int, int]:
    """Street id -> public-welfare job placements."""
    query = (select(Household.street_id, func.count(EmploymentService.id))
             .join(Person, Person.id == EmploymentService.person_id).join(Household)
             .where(EmploymentService.kind == "public_welfare_job")
             .group_by(Household.street_id))
    return dict(db.session.execute(scoped(query, scope)).all())


def medical_by_street(scope: int | None) -> Select:
    """(street id, enrolled, with family doctor, with health record, with a special disease)."""
    query = (select(Household.street_id, func.count(Person.id),
                    func.count(Person.id).filter(Person.family_doctor.is_(True)),
                    func.count(Person.id).filter(Person.health_record.is_(True)),
                    func.count(Person.id).filter(Person.special_disease.is_not(None)))
             .join(Household).where(Person.status == "enrolled").group_by(Household.street_id))
    return scoped(query, scope)


def due_for_review(due_by: date, scope: int | None, cycle_id: int) -> Select:
    """People enrolled or suspended whose next review is due by `due_by`, not yet reviewed in
    the cycle, soonest first."""
    done = select(Review.person_id).where(Review.cycle_id == cycle_id)
    query = (select(Person).join(Person.household).options(contains_eager(Person.household))
             .where(Person.status.in_(("enrolled", "suspended")),
                    Person.next_review_date <= due_by, Person.id.not_in(done))
             .order_by(Person.next_review_date, Person.id))
    return scoped(query, scope)


def reviewed_in(cycle_id: int, scope: int | None) -> Select:
    """The reviews done in a cycle, the latest first."""
    query = (select(Review).join(Review.person).join(Person.household)
             .where(Review.cycle_id == cycle_id).order_by(Review.id.desc()))
    return scoped(query, scope)
