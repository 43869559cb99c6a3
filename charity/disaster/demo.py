"""Demo disaster: a flood on one street three weeks ago, two households of the roster hit,
one with an insurance claim paid; the street officer proposes emergency relief for both, the
approver approves one and fund staff pay it (if the fund holds money for measure 8).
Idempotent: nothing is added once an incident exists."""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from charity.auth.models import User
from charity.disaster import operations
from charity.disaster.models import Incident
from charity.district.models import Street
from charity.extensions import db
from charity.registry.models import Household, Person

STREET = "七星岗"


def _households(street: Street) -> list[Household]:
    with_members = select(Person.household_id).group_by(Person.household_id) \
        .having(func.count(Person.id) >= 2)
    return list(db.session.scalars(select(Household).where(
        Household.street_id == street.id, Household.id.in_(with_members))
        .order_by(Household.id).limit(2)))


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load_disaster(today: date) -> int:
    """Load the demo incident unless one exists; return the households recorded."""
    street = db.session.scalar(select(Street).where(Street.name == STREET))
    officer = street and db.session.scalar(select(User).where(
        User.street_id == street.id, User.email.like("officer-%")))
    approver, payer = _user("approver@songtan.test"), _user("fund@songtan.test")
    if db.session.scalar(select(Incident.id).limit(1)) or None in (officer, approver, payer):
        return 0
    households = _households(street)
    if not households:
        return 0
    day = today - timedelta(days=21)
    incident = operations.create_incident(
        "flood", day, street, "七星岗街道通远门社区临江片区",
        "连续暴雨致临江老旧房屋进水，部分墙体开裂，住户临时转移。（演示）", officer)
    affected = [operations.add_household(incident, h, loss, officer)
                for h, loss in zip(households, (2_600_000, 900_000), strict=False)]
    operations.record_insurance(affected[0], day + timedelta(days=2),
                                today - timedelta(days=6), 1_200_000, officer)
    operations.open_for_relief(incident, officer)
    first = operations.propose_emergency(affected[0], 1_000_000, "房屋进水，家具损毁", officer)
    for other in affected[1:]:
        operations.propose_emergency(other, 500_000, "厨房受损", officer)
    operations.approve(first, approver)
    try:
        with db.session.begin_nested():
            operations.pay(first, payer)
    except operations.DisasterError as refused:
        # the fund holds no money for measure 8 yet: the relief stays approved, unpaid
        current_app.logger.info("demo disaster relief %s left approved: %s", first.id, refused)
    return len(affected)
