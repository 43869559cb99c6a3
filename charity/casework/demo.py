"""Demo casework: measures received, employment services, medical costs and a review cycle,
then the visits demo. Seeded and idempotent: each part loads only into an empty table."""

import random
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from charity import eligibility as rules
from charity.casework.models import EmploymentService, Grant, MedicalCost, Review, ReviewCycle
from charity.extensions import db
from charity.registry.models import Person
from charity.visits.demo import load_visits

HOSPITALS = ("重庆市急救医疗中心", "渝中区人民医院", "重庆医科大学附属第一医院", "重庆市中医院")
#: Share of inpatient costs outside the catalogue, per street position (some above 15%).
OUT_OF_CATALOGUE = (0.12, 0.17, 0.09, 0.14, 0.16, 0.08, 0.11, 0.13, 0.19, 0.10, 0.12, 0.06)
#: When the demo's open-ended grants start.
SINCE = date(2019, 5, 1)


def _empty(model) -> bool:
    return not db.session.scalar(select(func.count()).select_from(model))


def _owed_grants(person: Person, today: date) -> list[tuple[str, float, date]]:
    """The measures the rules owe a person that a grant records, each with the share of such
    people the demo grants it to and the day it starts."""
    owed = []
    if rules.classified_supplement(person, today):
        owed.append(("classified_supplement", 0.85, SINCE))
    if rules.free_textbooks(person):
        owed.append(("free_textbooks", 0.7, date(today.year, 9, 1)))
    if rules.autumn_grant(person, today):
        owed.append(("autumn_grant", 0.6, date(today.year, 8, 20)))
    if rules.encouragement_award(person, today):
        owed.append(("encouragement_award", 0.5, date(today.year, 10, 1)))
    if person.special_disease:
        owed.append(("special_disease_aid", 0.6, SINCE))
    return owed


def _grants(rng: random.Random, people: list[Person], today: date) -> list[dict]:
    """Grant rows: a share of the people owed each measure receive it, dibao class A rent
    subsidy included, and a few families got temporary assistance and then rent subsidy."""
    rows = []

    def grant(person, measure, share, starts_on=SINCE, ends_on=None):
        if rng.random() < share:
            rows.append({"person_id": person.id, "measure": measure, "starts_on": starts_on,
                         "ends_on": ends_on, "note": "演示数据"})

    for person in people:
        for measure, share, starts_on in _owed_grants(person, today):
            grant(person, measure, share, starts_on)
        if person.category == "dibao" and person.dibao_class == "A":
            grant(person, "rent_subsidy", 0.6)
        elif person.category != "tekun" and rng.random() < 0.01:
            assisted = today - timedelta(days=rng.randrange(0, 380))
            grant(person, "temporary_assistance", 1, assisted, assisted)
            grant(person, "rent_subsidy", 0.7, assisted,
                  rules.rent_window_last_day(assisted))
    return rows


def _services(rng: random.Random, people: list[Person], today: date, standards) -> list[dict]:
    rows = []
    kinds = ("training", "job_referral", "job_fair")
    for person in people:
        if not rules.owed_employment_services(person, today, standards):
            continue
        for _ in range(rng.choice((0, 1, 2, 3, 3, 4))):
            rows.append({"person_id": person.id, "kind": rng.choice(kinds),
                         "given_on": today - timedelta(days=rng.randrange(1, 300)),
                         "provider": "渝中区人力社保局", "notes": ""})
    return rows


def _placements(rng: random.Random, people: list[Person], today: date, standards) -> int:
    placed = 0
    for person in people:
        if rules.owed_employment_services(person, today, standards) and rng.random() < 0.04:
            db.session.add(EmploymentService(
                person_id=person.id, kind="public_welfare_job", provider="社区公益性岗位",
                given_on=today - timedelta(days=rng.randrange(1, 200))))
            person.employment_status = "employed"
            placed += 1
    return placed


def _costs(rng: random.Random, people: list[tuple[Person, int]], today: date) -> list[dict]:
    rows = []
    for person, position in people:
        if person.seriously_ill and rng.random() < 0.3:
            total = rng.randrange(300_000, 6_000_000, 100)
            share = max(0.0, rng.gauss(OUT_OF_CATALOGUE[(position - 1) % 12], 0.03))
            rows.append({"person_id": person.id, "hospital": rng.choice(HOSPITALS),
                         "admitted_on": today - timedelta(days=rng.randrange(1, 330)),
                         "total_fen": total,
                         "out_of_catalogue_fen": min(total, int(total * share))})
    return rows


def _review_cycle(rng: random.Random, today: date) -> None:
    cycle = ReviewCycle(name=f"{today.year}年度动态复核（演示）", due_by=today + timedelta(days=30))
    db.session.add(cycle)
    db.session.flush()
    due = db.session.scalars(select(Person).where(Person.status == "enrolled",
                                                  Person.next_review_date <= cycle.due_by)
                             .order_by(Person.id)).all()
    for person in rng.sample(due, k=len(due) // 3):
        nxt = today + timedelta(days=365)
        db.session.add(Review(cycle_id=cycle.id, person_id=person.id, outcome="confirmed",
                              reason="入户核查，情况属实", reviewed_on=today,
                              next_review_date=nxt))
        person.next_review_date = nxt


def load_casework(today: date, seed: int = 30) -> dict[str, int]:
    """Casework and visit demo data on top of the demo population; a second call adds nothing."""
    from charity.casework.queries import standards
    from charity.district.models import Street
    from charity.registry.models import Household

    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    rows = db.session.execute(select(Person, Street.position).join(Person.household)
                              .join(Street, Street.id == Household.street_id)
                              .order_by(Person.id)).all()
    people = [person for person, _ in rows]
    added = {"grants": 0, "services": 0, "costs": 0}
    if people and _empty(Grant):
        grants = _grants(rng, people, today)
        db.session.execute(insert(Grant), grants)
        added["grants"] = len(grants)
    if people and _empty(EmploymentService):
        services = _services(rng, people, today, standards())
        db.session.execute(insert(EmploymentService), services)
        added["services"] = len(services) + _placements(rng, people, today, standards())
    if people and _empty(MedicalCost):
        costs = _costs(rng, [tuple(r) for r in rows], today)
        db.session.execute(insert(MedicalCost), costs)
        added["costs"] = len(costs)
    if people and _empty(ReviewCycle):
        _review_cycle(rng, today)
    db.session.flush()
    return added | load_visits(today, seed)
