"""Demo visits: a modest set of pairings when the matcher has made none, a festival campaign
with visits logged and some pending, and a spot check. Seeded and idempotent."""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from charity.auth.models import User
from charity.district.models import Department, DepartmentGroup
from charity.extensions import db
from charity.pairing.models import Cadre, Pairing, Volunteer
from charity.registry.models import Household, Person
from charity.visits import operations
from charity.visits.models import Campaign

#: Demo pairings per street when no pairing exists yet (the matcher makes the real ones).
PER_STREET = 40
NOTES = ("送去米油，老人身体尚可。", "交谈半小时，孩子学习情况良好。",
         "了解就业意愿，留下联系方式。", "家中漏雨，已联系社区。", "节日慰问，送去慰问金和春联。")


def _people_of(street_id: int, taken: set[int], limit: int) -> list[int]:
    ids = db.session.scalars(
        select(Person.id).join(Household)
        .where(Household.street_id == street_id, Person.status == "enrolled")
        .order_by(Person.id).limit(limit + len(taken))).all()
    return [i for i in ids if i not in taken][:limit]


def demo_pairings() -> int:
    """Active pairings of each group's cadres with people of the group's street (one person a
    cadre, at most one cadre a person), the demo cadre and volunteer accounts included."""
    if db.session.scalar(select(func.count(Pairing.id))):
        return 0
    taken: set[int] = set()
    demo_cadre = db.session.scalar(select(Cadre).join(User).where(User.email ==
                                                                 "cadre@songtan.test"))
    groups = db.session.scalars(select(DepartmentGroup).order_by(DepartmentGroup.number)).all()
    for group in groups:
        cadres = db.session.scalars(
            select(Cadre).join(Department).where(Department.group_id == group.id)
            .order_by(Cadre.id).limit(PER_STREET)).all()
        if demo_cadre is not None and demo_cadre.department.group_id == group.id:
            cadres = [demo_cadre, demo_cadre] + [c for c in cadres if c.id != demo_cadre.id]
        people = _people_of(group.street_id, taken, len(cadres))
        for cadre, person_id in zip(cadres, people, strict=False):
            db.session.add(Pairing(person_id=person_id, helper_kind="cadre", cadre_id=cadre.id,
                                   status="active", reasons=["demo"]))
            taken.add(person_id)
    volunteer = db.session.scalar(select(Volunteer).join(User).where(
        User.email == "volunteer@songtan.test"))
    if volunteer is not None and volunteer.home_community_id:
        street_id = volunteer.home_community.street_id
        for person_id in _people_of(street_id, set(), 2):
            db.session.add(Pairing(person_id=person_id, helper_kind="volunteer",
                                   volunteer_id=volunteer.id, status="active", reasons=["demo"]))
    db.session.flush()
    return db.session.scalar(select(func.count(Pairing.id)))


def load_visits(today: date, seed: int = 30) -> dict[str, int]:
    """Pairings if none, then a Spring Festival campaign with about 70% of visits logged and a
    spot check of 20 logged visits with some findings recorded."""
    pairings = demo_pairings()
    if db.session.scalar(select(func.count(Campaign.id))):
        return {"pairings": pairings, "visits": 0}
    rng = random.Random(seed)
    starts = today - timedelta(days=14)
    campaign = operations.open_campaign("spring_festival", today.year, starts,
                                        today + timedelta(days=30))
    logged = 0
    for task in campaign.tasks:
        person_user = task.pairing.cadre.user if task.pairing.cadre else None
        if person_user is not None or rng.random() > 0.7:
            continue
        needs = rng.sample(("temporary_assistance", "medical_cover", "employment_services"),
                           k=rng.choice((0, 0, 0, 1)))
        operations.log_visit(task, starts + timedelta(days=rng.randrange(0, 15)),
                             rng.choice(NOTES), needs, today)
        logged += 1
    check = operations.draw_spot_check(campaign, 20, None, seed=2019)
    for item in check.items[:8]:
        outcome = rng.choice(("confirmed", "confirmed", "confirmed", "discrepancy"))
        operations.record_outcome(item, outcome, "电话回访核实", today, today)
    return {"pairings": pairings, "visits": logged}
