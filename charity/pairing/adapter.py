"""Rows to a matching problem, and a result back to rows: the only place `matching/` meets the
database. `matching` itself knows nothing of Flask or SQLAlchemy."""

import hashlib
import json
from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

import matching
from charity import eligibility as rules
from charity.district.models import Community, Department, DepartmentGroup, Street
from charity.extensions import db
from charity.pairing.models import Cadre, CrossStreetPermission, ForbiddenPair, Pairing, Volunteer
from charity.registry.models import Household, Person

LIVE = ("proposed", "active")


def solver_kind(volunteer: Volunteer) -> str:
    """The optimiser knows volunteers and organisations; an enterprise helps as an organisation."""
    return "volunteer" if volunteer.kind == "volunteer" else "organisation"


def needs_of(person: Person, today: date, standards: dict) -> frozenset[str]:
    """What a helper should bring, read from the person's record and the plan's rules."""
    years = rules.age(person, today)
    needs = set()
    if person.seriously_ill or person.special_disease or person.disabled:
        needs.add("medical")
    if person.student:
        needs.add("education")
    if rules.owed_employment_services(person, today, standards):
        needs.add("employment")
    if years >= 70:
        needs.add("elderly_care")
    if person.dibao_class == "A":
        needs.add("housing")
    if person.orphan or person.lives_alone:
        needs.add("psychological")
    return frozenset(needs)


def flags_of(person: Person, today: date) -> frozenset[str]:
    """The person's priority marks the optimiser weighs (orphan, disabled, 70+ alone, ...)."""
    flags = {f for f in ("orphan", "disabled", "seriously_ill", "student") if getattr(person, f)}
    if person.lives_alone and rules.age(person, today) >= 70:
        flags.add("elderly_alone")
    return frozenset(flags)


def _people(street_id: int | None):
    query = (select(Person, Street.name, Community.name)
             .join(Household, Person.household_id == Household.id)
             .join(Street, Street.id == Household.street_id)
             .join(Community, Community.id == Household.community_id)
             .where(Person.status == "enrolled").order_by(Person.id))
    if street_id is not None:
        query = query.where(Household.street_id == street_id)
    return db.session.execute(query).all()


def live_pairs() -> list[Pairing]:
    """Every proposed or active pairing, with its volunteer loaded."""
    return db.session.scalars(select(Pairing).where(Pairing.status.in_(LIVE))
                              .options(joinedload(Pairing.volunteer))).all()


def beneficiaries(rows, live: list[Pairing], today: date, standards: dict):
    """(person, street, community) rows as the optimiser's people, with their current helpers
    from the ``live`` pairings (for continuity)."""
    current = defaultdict(dict)
    for pairing in live:
        current[pairing.person_id][pairing.helper_kind] = pairing.cadre_id or pairing.volunteer_id
    out = []
    for person, street, community in rows:
        required = frozenset({"medical"}) if person.special_disease else frozenset()
        out.append(matching.Beneficiary(
            id=person.id, street=street, community=community, category=person.category,
            flags=flags_of(person, today), needs=needs_of(person, today, standards),
            required_skills=required, current_cadre_id=current[person.id].get("cadre"),
            current_volunteer_id=current[person.id].get("volunteer"),
            household_id=person.household_id))
    return out


def cadres(street: str | None, elsewhere: Counter | None = None,
           here: list[Pairing] = (), required: dict[int, frozenset] | None = None):
    """Active cadres (none who left) as the optimiser's, with their group's street and cross-street
    permissions; if ``street`` is given, only its group's and the other groups' cadres who keep
    some of its people (of ``here``, its people's live cadre pairs: see :func:`_keeps`; a
    person's ``required`` skills), held to no more of their minimum than those
    (``matching.Cadre.keeps``). ``elsewhere``: each cadre's people outside the run, which count
    against the quota of their rank."""
    elsewhere, required = elsewhere or Counter(), required or {}
    kept = defaultdict(list)  # the live pairs ``here`` of each cadre
    for pairing in here:
        kept[pairing.cadre_id].append(pairing)
    permissions = defaultdict(set)
    for group_id, name in db.session.execute(
            select(CrossStreetPermission.group_id, Street.name).join(Street)):
        permissions[group_id].add(name)
    query = (select(Cadre, DepartmentGroup.id, Street.name, Community.name)
             .join(Department, Department.id == Cadre.department_id)
             .join(DepartmentGroup, DepartmentGroup.id == Department.group_id)
             .join(Street, Street.id == DepartmentGroup.street_id)
             .outerjoin(Community, Community.id == Cadre.home_community_id)
             .where(Cadre.active.is_(True), Cadre.left_on.is_(None)).order_by(Cadre.id))
    out = []
    for cadre, group_id, group_street, home in db.session.execute(query):
        keeps = None
        if street is not None and street != group_street:
            keeps = _keeps(cadre, street in permissions[group_id], kept[cadre.id], required)
            if not keeps:
                continue
        out.append(matching.Cadre(
            id=cadre.id, rank=cadre.rank, group_street=group_street, home_community=home,
            cross_street_allowed=frozenset(permissions[group_id]), skills=frozenset(cadre.skills),
            elsewhere=elsewhere[cadre.id], keeps=keeps))
    return out


def _keeps(cadre: Cadre, allowed: bool, mine: list[Pairing], required: dict) -> int:
    """How many of their live pairs ``mine`` (in a run's street) ``cadre`` of another group may
    keep: the locked ones, and while ``allowed`` in the street those whose person's required
    skills they have (the pairs the optimiser finds eligible); the others end."""
    skills = set(cadre.skills)
    return sum(1 for p in mine if p.locked or (
        allowed and required.get(p.person_id, frozenset()) <= skills))


def pairable(volunteer: Volunteer) -> bool:
    """Whether a helper may be paired at all: its sign-up confirmed and approved by the street
    officer, and not deactivated."""
    return (volunteer.active and volunteer.status == "approved"
            and volunteer.confirmed_at is not None)


def holding(pairs: list[Pairing], today: date) -> Counter:
    """Per paused helper, how many of ``pairs`` (live, in a run's scope) they hold: those stay
    theirs (locked in the run) and the helper is given room for them and no one else."""
    return Counter(p.volunteer_id for p in pairs if p.helper_kind == "volunteer"
                   and pairable(p.volunteer) and p.volunteer.paused_on(today))


def volunteers(street: str | None, outside_load: dict[int, int], today: date,
               held: Counter | None = None):
    """Approved, confirmed and active volunteers and organisations as the optimiser's, each
    with the capacity that ``outside_load`` (their pairs outside this run) leaves; only those
    serving ``street``. A helper paused on ``today`` is offered nobody new: it is left out, or,
    if it holds people in the run (``held``), given exactly their number."""
    names = dict(db.session.execute(select(Street.id, Street.name)).all())
    query = (select(Volunteer, Community.name, Community.street_id)
             .outerjoin(Community, Community.id == Volunteer.home_community_id)
             .where(Volunteer.active.is_(True), Volunteer.status == "approved",
                    Volunteer.confirmed_at.is_not(None)).order_by(Volunteer.id))
    held = held or Counter()
    out = []
    for volunteer, home, home_street_id in db.session.execute(query):
        paused = volunteer.paused_on(today)
        if paused and not held[volunteer.id]:
            continue
        travel = frozenset(names[s] for s in volunteer.travel_street_ids if s in names)
        capacity = held[volunteer.id] if paused else max(
            0, volunteer.capacity - outside_load.get(volunteer.id, 0))
        helper = matching.Volunteer(
            id=volunteer.id, kind=solver_kind(volunteer), skills=frozenset(volunteer.skills),
            capacity=capacity, home_community=home, home_street=names.get(home_street_id, ""),
            travel_streets=travel)
        if paused or street is None or street in helper.streets:
            out.append(helper)
    return out


def forbidden_pairs() -> frozenset:
    """Every forbidden pair as the optimiser's (helper kind, helper id, person id)."""
    kinds = dict(db.session.execute(select(Volunteer.id, Volunteer.kind)).all())
    out = set()
    for row in db.session.scalars(select(ForbiddenPair)):
        if row.helper_kind == "cadre":
            out.add(("cadre", row.helper_id, row.person_id))
        elif row.helper_id in kinds:
            kind = "volunteer" if kinds[row.helper_id] == "volunteer" else "organisation"
            out.add((kind, row.helper_id, row.person_id))
    return frozenset(out)


def as_pair(pairing: Pairing) -> matching.Pair:
    """A pairing row as the optimiser's pair (an enterprise helps as an organisation)."""
    if pairing.helper_kind == "cadre":
        return matching.Pair("cadre", pairing.cadre_id, pairing.person_id)
    return matching.Pair(solver_kind(pairing.volunteer), pairing.volunteer_id, pairing.person_id)


def helper_records(cadre_ids=None, volunteer_ids=None) -> list:
    """What bounds the pairs of the cadres and volunteers of ``cadre_ids`` and ``volunteer_ids``
    (None: every one) besides their live pairs: a cadre's rank, whether they serve and their
    department; a volunteer's capacity, whether it may be paired and whether it is paused
    (from when, until when)."""
    cadres = select(Cadre.id, Cadre.rank, Cadre.active, Cadre.department_id).order_by(Cadre.id)
    volunteers = select(Volunteer.id, Volunteer.capacity, Volunteer.active, Volunteer.status,
                        Volunteer.paused_at, Volunteer.paused_until).order_by(Volunteer.id)
    if cadre_ids is not None:
        cadres = cadres.where(Cadre.id.in_(cadre_ids))
    if volunteer_ids is not None:
        volunteers = volunteers.where(Volunteer.id.in_(volunteer_ids))
    return [[list(row) for row in db.session.execute(cadres)] if cadre_ids != [] else [],
            [[*row[:4], *map(str, row[4:])] for row in db.session.execute(volunteers)]
            if volunteer_ids != [] else []]


def live_digest(pairs: list[Pairing]) -> str:
    """A digest of the live pairs ``pairs`` (:func:`live_pairs`) and of every helper's records
    (:func:`helper_records`): a run compares the one it read with the one when it keeps its
    preview (a cadre who left or a volunteer whose capacity was lowered meanwhile, with no pair
    ended, must not be given the people the run gave them)."""
    keys = sorted(as_pair(p).key for p in pairs)
    return hashlib.sha256(json.dumps([keys, helper_records()]).encode()).hexdigest()


def build_problem(today: date, standards: dict, street: Street | None = None,
                  time_limit: float = 30.0) -> matching.Problem:
    """The district (or one street) as a problem; live pairs feed continuity, locked ones stay."""
    return read_problem(today, standards, street, time_limit)[0]


def read_problem(today: date, standards: dict, street: Street | None = None,
                 time_limit: float = 30.0) -> tuple[matching.Problem, str]:
    """:func:`build_problem`, and the :func:`live_digest` of the live pairs it was read with."""
    rows = _people(street.id if street else None)
    in_scope = {person.id for person, _s, _c in rows}
    live = live_pairs()
    outside, elsewhere = Counter(), Counter()  # pairs outside the run, per helper
    for p in live:
        if p.helper_kind == "volunteer" and p.person_id not in in_scope:
            outside[p.volunteer_id] += 1
        elif p.helper_kind == "cadre" and p.person_id not in in_scope:
            elsewhere[p.cadre_id] += 1
    here = [p for p in live if p.helper_kind == "cadre" and p.person_id in in_scope]
    held = holding([p for p in live if p.person_id in in_scope], today)
    locked = tuple(as_pair(p).key for p in live if p.person_id in in_scope and (
        p.locked or (p.helper_kind == "volunteer" and p.volunteer_id in held)))
    people = tuple(beneficiaries(rows, live, today, standards))
    required = {person.id: person.required_skills for person in people}
    return matching.Problem(
        beneficiaries=people,
        cadres=tuple(cadres(street.name if street else None, elsewhere, here, required)),
        volunteers=tuple(volunteers(street.name if street else None, outside, today, held)),
        locked=locked, forbidden=forbidden_pairs(), time_limit_s=time_limit), live_digest(live)


def rematch_problem(person: Person, today: date, standards: dict):
    """A small problem for one person's re-match: that person, the helpers who may serve their
    street, and every live pair of those helpers (so quotas and capacities count them)."""
    street = person.household.street
    row = [(person, street.name, person.household.community.name)]
    live = live_pairs()
    problem = matching.Problem(
        beneficiaries=tuple(beneficiaries(row, live, today, standards)),
        cadres=tuple(c for c in cadres(None) if street.name in c.cross_street_allowed | {
            c.group_street}),
        volunteers=tuple(volunteers(street.name, {}, today)),
        forbidden=forbidden_pairs())
    ids = {("cadre", c.id) for c in problem.cadres} | {
        ("volunteer", v.id) for v in problem.volunteers}
    current = [as_pair(p) for p in live
               if (p.helper_kind, p.cadre_id or p.volunteer_id) in ids]
    return problem, current



def suggest_problem(volunteer: Volunteer, today: date, standards: dict):
    """A small problem for the next suggestion to a volunteer or organisation: the enrolled
    people of the streets they serve who have no live volunteer, and the helper alone with
    their whole capacity; and their live pairs, which count against it."""
    names = dict(db.session.execute(select(Street.name, Street.id)).all())
    live = live_pairs()
    served = {p.person_id for p in live if p.helper_kind == "volunteer"}
    mine = [as_pair(p) for p in live if p.volunteer_id == volunteer.id]
    helpers = [one for one in volunteers(None, {}, today) if one.id == volunteer.id]
    rows = [row for street in sorted(helpers[0].streets if helpers else ())
            if street in names for row in _people(names[street])
            if row[0].id not in served]
    problem = matching.Problem(
        beneficiaries=tuple(beneficiaries(rows, live, today, standards)),
        volunteers=tuple(helpers), forbidden=forbidden_pairs())
    return problem, mine
