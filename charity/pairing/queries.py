"""Reading pairings: by scope, by helper, coverage per street, the roster for export."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import defer, joinedload

from charity.district.models import Department, DepartmentGroup, Street
from charity.extensions import db
from charity.pairing.models import Cadre, MatchRun, Pairing, UnmatchedEntry, Volunteer
from charity.registry.models import Household, Person

LIVE = ("proposed", "active")


def live(scope: int | None, street_id: int | None = None) -> Select:
    """Live pairings (proposed or active) with person, helper and household loaded."""
    query = (select(Pairing).join(Person, Person.id == Pairing.person_id)
             .join(Household, Household.id == Person.household_id)
             .where(Pairing.status.in_(LIVE))
             .options(joinedload(Pairing.person).joinedload(Person.household),
                      joinedload(Pairing.cadre), joinedload(Pairing.volunteer))
             .order_by(Household.street_id, Pairing.person_id, Pairing.helper_kind))
    if scope is not None:
        query = query.where(Household.street_id == scope)
    if street_id is not None:
        query = query.where(Household.street_id == street_id)
    return query


def pairing(pairing_id: int, scope: int | None) -> Select:
    """One pairing, if its person lives in the street ``scope`` (any street if None)."""
    query = (select(Pairing).join(Person, Person.id == Pairing.person_id)
             .join(Household, Household.id == Person.household_id)
             .where(Pairing.id == pairing_id))
    return query if scope is None else query.where(Household.street_id == scope)


def helper_of(user) -> tuple[str, int] | None:
    """('cadre', id) or ('volunteer', id) for the account, if it is a helper's."""
    from charity.extensions import db

    cadre = db.session.scalar(select(Cadre.id).where(Cadre.user_id == user.id))
    if cadre:
        return "cadre", cadre
    volunteer = db.session.scalar(select(Volunteer.id).where(Volunteer.user_id == user.id))
    return ("volunteer", volunteer) if volunteer else None


def mine(kind: str, helper_id: int) -> Select:
    """A helper's pairings that are live, newest proposals first."""
    column = Pairing.cadre_id if kind == "cadre" else Pairing.volunteer_id
    return (select(Pairing).where(column == helper_id, Pairing.status.in_(LIVE))
            .options(joinedload(Pairing.person).joinedload(Person.household))
            .order_by(Pairing.status.desc(), Pairing.created_at.desc(), Pairing.id))


def helpers_by_street() -> Select:
    """(street id, people with an active cadre, people with an active volunteer) per street.
    Coverage itself (paired of owed) is the gap matrix's, `charity.casework.snapshot`."""
    return (select(Household.street_id,
                   func.count(func.distinct(Pairing.person_id))
                   .filter(Pairing.helper_kind == "cadre"),
                   func.count(func.distinct(Pairing.person_id))
                   .filter(Pairing.helper_kind == "volunteer"))
            .join(Person, Person.id == Pairing.person_id)
            .join(Household, Household.id == Person.household_id)
            .where(Pairing.status == "active").group_by(Household.street_id))


def runs(scope: int | None) -> Select:
    """(run, its summary's "layers") for the last 20 matching runs, of one street's scope or
    all of them (the summary itself, large, is not read)."""
    query = (select(MatchRun, MatchRun.summary["layers"]).options(defer(MatchRun.summary))
             .order_by(MatchRun.id.desc()).limit(20))
    return query if scope is None else query.where(MatchRun.street_id == scope)


def roster(scope: int | None) -> Select:
    """Rows for the pairing roster export: beneficiary id, street, helper kind, helper id,
    helper rank (cadres) or kind (others), the helper's group street (cadres)."""
    group_street = select(Street.name).join(DepartmentGroup).join(Department).where(
        Department.id == Cadre.department_id).scalar_subquery()
    query = (select(Pairing.person_id, Street.name, Pairing.helper_kind,
                    func.coalesce(Pairing.cadre_id, Pairing.volunteer_id),
                    func.coalesce(Cadre.rank, Volunteer.kind), group_street, Pairing.status)
             .join(Person, Person.id == Pairing.person_id)
             .join(Household, Household.id == Person.household_id)
             .join(Street, Street.id == Household.street_id)
             .outerjoin(Cadre, Cadre.id == Pairing.cadre_id)
             .outerjoin(Volunteer, Volunteer.id == Pairing.volunteer_id)
             .where(Pairing.status.in_(LIVE))
             .order_by(Street.position, Pairing.person_id, Pairing.helper_kind))
    return query if scope is None else query.where(Household.street_id == scope)


def unmatched(scope: int | None) -> Select:
    """Open entries of the queue of people a decline left without a helper, of the street
    ``scope`` (any if None), oldest first, with person and household loaded."""
    query = (select(UnmatchedEntry).join(Person, Person.id == UnmatchedEntry.person_id)
             .join(Household, Household.id == Person.household_id)
             .where(UnmatchedEntry.closed_at.is_(None))
             .options(joinedload(UnmatchedEntry.person).joinedload(Person.household))
             .order_by(UnmatchedEntry.created_at, UnmatchedEntry.id))
    return query if scope is None else query.where(Household.street_id == scope)


def shown_people(ids) -> dict[int, Person]:
    """The people a run's preview names, by id (shown as the roster list shows them: name
    and masked ID number)."""
    ids = set(ids)
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))}


def shown_helpers(keys) -> dict[tuple[str, int], Cadre | Volunteer]:
    """The helpers a run's preview names, by (kind as a run stores it, id): "cadre" is a
    cadre, any other kind a volunteer or organisation."""
    cadres = {helper_id for kind, helper_id in keys if kind == "cadre"}
    volunteers = {helper_id for kind, helper_id in keys if kind != "cadre"}
    found: dict[tuple[str, int], Cadre | Volunteer] = {}
    if cadres:
        found |= {("cadre", c.id): c for c in db.session.scalars(
            select(Cadre).where(Cadre.id.in_(cadres)))}
    if volunteers:
        found |= {("volunteer", v.id): v for v in db.session.scalars(
            select(Volunteer).where(Volunteer.id.in_(volunteers)))}
    return found

