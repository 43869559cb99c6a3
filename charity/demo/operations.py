"""Loading the demo: reference data, population, helpers and accounts; idempotent."""

from datetime import date

from sqlalchemy import func, insert, select

from charity.auth.models import User
from charity.casework.demo import load_casework
from charity.contacts.demo import load_contacts
from charity.demo import helpers, population
from charity.demo.accounts import DEMO_DOMAIN, DEMO_PASSWORD, load_accounts
from charity.demo.places import COMMUNITIES
from charity.disaster.demo import load_disaster
from charity.district.models import Community, Department, DepartmentGroup, Street
from charity.district.operations import load_reference
from charity.extensions import db
from charity.fund.demo import load_fund
from charity.grievances.demo import load_grievances
from charity.pairing import cadre_roster
from charity.pairing.demo import load_pairings
from charity.pairing.models import Cadre
from charity.registry import ids
from charity.registry.models import Household, Person, StatusChange
from charity.volunteers.demo import load_volunteers
from donations.demo import load_donations


def load_communities(streets: dict[str, Street]) -> None:
    """The communities of every street, as the demo knows them (idempotent)."""
    known = {(c.street_id, c.name) for c in db.session.scalars(select(Community))}
    for street_name, names in COMMUNITIES.items():
        street = streets[street_name]
        for name in names:
            if (street.id, name) not in known:
                db.session.add(Community(street_id=street.id, name=name))
    db.session.flush()


def load_population(today: date, seed: int = 2019) -> int:
    """Write the seeded population unless people are already on the roster; return the count."""
    if db.session.scalar(select(func.count(Person.id))):
        return 0
    streets = {s.name: s for s in db.session.scalars(select(Street))}
    communities = {(c.street_id, c.name): c.id for c in db.session.scalars(select(Community))}
    demo = population.generate(today, seed)
    household_rows = []
    for h in demo:
        street_id = streets[h.street].id
        household_rows.append({"code": h.code, "street_id": street_id, "address": h.address,
                               "community_id": communities[(street_id, h.community)]})
    db.session.execute(insert(Household), household_rows)
    household_ids = dict(db.session.execute(select(Household.code, Household.id)).all())
    people = []
    for h in demo:
        for member in h.members:
            number = member.pop("id_number")
            born = ids.check(number, today).birth_date
            people.append({**member, **ids.sealed(number), "birth_date": born,
                           "household_id": household_ids[h.code], "status": "enrolled"})
    db.session.execute(insert(Person), people)
    person_ids = db.session.scalars(select(Person.id)).all()
    db.session.execute(insert(StatusChange), [
        {"person_id": pid, "status": "enrolled", "reason": "建档入册（演示数据）",
         "effective_date": date(2019, 4, 12)} for pid in person_ids])
    return len(people)


def load_helpers() -> int:
    """The demo's cadres unless there are cadres already; return how many were written. They
    come in as a department's liaison brings them: a roster workbook, checked by the import's
    dry run and imported by it."""
    if db.session.scalar(select(func.count(Cadre.id))):
        return 0
    departments = db.session.execute(
        select(Department.id, DepartmentGroup.number).join(DepartmentGroup)
        .order_by(DepartmentGroup.number, Department.position)).all()
    communities = db.session.scalars(select(Community.id)).all()
    cadre_rows = helpers.cadres([tuple(d) for d in departments], sorted(communities))
    names = {
        "departments": dict(db.session.execute(select(Department.id, Department.name)).all()),
        "communities": dict(db.session.execute(select(Community.id, Community.name)).all())}
    content = cadre_roster.workbook_of(helpers.roster_rows(cadre_rows, names))
    result = cadre_roster.dry_run(content)
    if result.errors:
        raise RuntimeError(f"the demo's cadre roster has errors: {result.errors[:3]}")
    cadre_roster.apply(result)
    return len(cadre_rows)


def load_helper_sign_ups() -> int:
    """The demo's volunteers and organisations, through sign-up, confirmation and the street
    officers' approval (after the accounts: the officers decide)."""
    community_streets = dict(db.session.execute(select(Community.id, Community.street_id)).all())
    street_ids = db.session.scalars(select(Street.id).where(Street.kind == "street")).all()
    officers = {user.street_id: user for user in db.session.scalars(
        select(User).where(User.street_id.is_not(None), User.email.endswith(DEMO_DOMAIN)))}
    rows = helpers.volunteers(community_streets, list(street_ids))
    return load_volunteers(rows, officers, DEMO_PASSWORD)


def load_demo(today: date, seed: int = 2019) -> dict[str, int]:
    """Everything the demo needs; a second call adds nothing."""
    streets = load_reference()
    load_communities(streets)
    people = load_population(today, seed)
    cadres = load_helpers()
    accounts = load_accounts(streets)
    load_helper_sign_ups()
    load_pairings()
    load_casework(today)  # after the accounts: the demo cadre and volunteer get pairings
    load_contacts(today)  # after the pairings: their visits, talks, calls and help given
    load_fund(today)  # after the accounts, before today's gifts: a year of fund history
    load_donations(today)  # after the accounts: the demo donor gives
    load_grievances(today)  # after the accounts: an officer answers one
    load_disaster(today)  # after the fund: the relief it approves is paid from it
    return {"people": people, "cadres": cadres, "accounts": accounts}
