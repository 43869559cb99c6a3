"""Sponsorship pledges paired by the optimiser: each waiting pledge is a `matching.Sponsor`
(budget: the money received for it, up to the pledge, not yet spent on people; unit cost of
its need; designation: the street asked for, else the need), the enrolled people who fit a
pledge's need and are not yet sponsored are the beneficiaries (built by
`charity.pairing.adapter`), and `matching.solve` pairs them: budgets never exceeded,
designations respected, no one sponsored twice. A pledge pairs nobody until money for it is
credited, and expires if none comes in time. The donor sees an anonymised profile only."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import matching
from charity import eligibility as rules
from charity.database import utcnow
from charity.district.models import Community, Street
from charity.errors import DomainError
from charity.extensions import db
from charity.main.limits import as_id
from charity.pairing import adapter
from charity.registry.models import Household, Person
from charity.timeutil import local_today
from donations.giving.amounts import check_amount
from donations.giving.models import RECEIVED, Donation
from donations.sponsorship.models import SPONSORSHIP_KINDS, SponsoredPerson, Sponsorship

#: What one person's need costs a pledge, in fen; `SPONSORSHIP_UNIT_FEN` overrides per kind.
UNIT_FEN = {"autumn_grant": 500_000, "textbooks": 80_000, "household_support": 60_000}
#: The optimiser's need for a kind, when the donor named no street.
NEED = {"autumn_grant": "education", "textbooks": "education", "household_support": None}


class SponsorshipError(DomainError):
    """A pledge that cannot be made; the message is shown to the user."""


def unit_fen(kind: str) -> int:
    """What one person's need of this kind costs a pledge, in fen (configurable per kind)."""
    return int(current_app.config.get("SPONSORSHIP_UNIT_FEN", {}).get(kind, UNIT_FEN[kind]))


def _fits(kind: str, year: int):
    """Who a kind of need is for (measure 5 for students, measures 1-2 for households)."""
    if kind == "autumn_grant":
        return (Person.student.is_(True) & (Person.school_level == "college")
                & (Person.college_entry_year == year))
    if kind == "textbooks":
        return (Person.student.is_(True) & (Person.school_level == "senior_high")
                & Person.category.in_(("dibao", "tekun")))
    return Person.category == "tekun"


#: Pledges that may still pair people.
LIVE = ("pledged", "paired")


def pledge_days() -> int:
    """Days a pledge waits for its first money before it expires."""
    return int(current_app.config["SPONSORSHIP_PLEDGE_DAYS"])


def deadline(sponsorship: Sponsorship) -> datetime:
    """When a pledge that has received nothing expires."""
    return sponsorship.created_at + timedelta(days=pledge_days())


def received(codes: list[str], by: datetime | None = None) -> dict[str, int]:
    """Fen received so far (or paid by `by`) for each sponsorship designation."""
    query = (select(Donation.designation, func.sum(Donation.amount_fen - Donation.refunded_fen))
             .where(Donation.designation.in_(codes), Donation.status.in_(RECEIVED))
             .group_by(Donation.designation))
    if by is not None:
        query = query.where(Donation.paid_at <= by)
    found = dict(db.session.execute(query).all())
    return {code: int(found.get(code) or 0) for code in codes}


def _budgets(pledges: list[Sponsorship]) -> dict[int, int]:
    """What each pledge may still spend on people: the money received for it, up to the
    pledge, less the people already paired."""
    got = received([s.designation for s in pledges])
    return {s.id: min(s.amount_fen, got[s.designation]) - sum(p.unit_fen for p in s.people)
            for s in pledges}


def expire_unpaid(now: datetime | None = None, only: list[int] | None = None) -> int:
    """Pledges that received no money within `SPONSORSHIP_PLEDGE_DAYS` expire and pair
    nobody, even if money comes later; return how many expired."""
    now = now or utcnow()
    query = select(Sponsorship).where(
        Sponsorship.status == "pledged",
        Sponsorship.created_at < now - timedelta(days=pledge_days()))
    if only is not None:
        query = query.where(Sponsorship.id.in_(only))
    expired = 0
    for pledge_ in db.session.scalars(query).all():
        if not received([pledge_.designation], by=deadline(pledge_))[pledge_.designation]:
            pledge_.status = "expired"
            expired += 1
    db.session.flush()
    return expired


def waiting(only: list[int] | None = None) -> list[Sponsorship]:
    """Live pledges whose money received covers at least one more person."""
    query = select(Sponsorship).where(Sponsorship.status.in_(LIVE)).order_by(Sponsorship.id)
    if only is not None:
        query = query.where(Sponsorship.id.in_(only))
    pledges = db.session.scalars(query).all()
    budgets = _budgets(pledges)
    return [s for s in pledges if budgets[s.id] >= unit_fen(s.kind)]


def _problem(pledges: list[Sponsorship], year: int, today) -> matching.Problem:
    budgets = _budgets(pledges)
    kinds = {s.kind for s in pledges}
    taken = select(SponsoredPerson.person_id)
    fit = {kind: _fits(kind, year) for kind in kinds}
    rows = db.session.execute(
        select(Person, Street.name, Community.name, *fit.values())
        .join(Household, Person.household_id == Household.id)
        .join(Street, Street.id == Household.street_id)
        .join(Community, Community.id == Household.community_id)
        .where(Person.status == "enrolled", Person.id.not_in(taken), db.or_(*fit.values()))
        .order_by(Person.id)).all()
    fits_kind = {row[0].id: dict(zip(fit, row[3:], strict=True)) for row in rows}
    people = adapter.beneficiaries([row[:3] for row in rows], [], today,
                                   rules.standards(current_app.config))
    sponsors = tuple(matching.Sponsor(
        id=s.id, budget_fen=budgets[s.id], unit_fen=unit_fen(s.kind),
        designation=s.street.name if s.street else NEED[s.kind]) for s in pledges)
    forbidden = frozenset(("sponsor", s.id, person) for s in pledges
                          for person, kinds_ok in fits_kind.items() if not kinds_ok[s.kind])
    return matching.Problem(beneficiaries=tuple(people), sponsors=sponsors,
                            forbidden=forbidden, candidate_limit=None, time_limit_s=10)


def pair_waiting(year: int, today, only: list[int] | None = None) -> int:
    """Expire unpaid pledges, then pair every waiting pledge (or only these) through the
    optimiser; return how many people were paired."""
    expire_unpaid(only=only)
    pledges = waiting(only)
    if not pledges:
        return 0
    result = matching.solve(_problem(pledges, year, today))
    by_id = {s.id: s for s in pledges}
    made = 0
    for pair in result.pairs:
        if pair.helper_kind != "sponsor":
            continue
        sponsorship = by_id[pair.helper_id]
        db.session.add(SponsoredPerson(sponsorship=sponsorship, person_id=pair.beneficiary_id,
                                       unit_fen=unit_fen(sponsorship.kind)))
        sponsorship.status = "paired"
        sponsorship.paired_at = sponsorship.paired_at or utcnow()
        made += 1
    db.session.flush()
    return made


def pledge(donor, kind: str, amount_fen: int, street_id: int | None) -> Sponsorship:
    """Record a pledge (at least one person's unit cost). It pairs nobody yet: people are
    paired as gifts designated to it are credited (`money_arrived`)."""
    if kind not in SPONSORSHIP_KINDS:
        raise SponsorshipError(_l("Choose a need from the list."))
    check_amount(amount_fen)
    if amount_fen < unit_fen(kind):
        raise SponsorshipError(_l("This need costs %(cost)s per person; pledge at least that.",
                                  cost=f"¥{unit_fen(kind) // 100:,}"))
    sponsorship = Sponsorship(donor_id=donor.id, kind=kind, amount_fen=amount_fen,
                              street_id=street_id)
    db.session.add(sponsorship)
    db.session.flush()
    return sponsorship


def money_arrived(designation: str | None) -> int:
    """A gift was credited: if it is for a live sponsorship, pair the people its money now
    covers; return how many. In a savepoint, so a person paired concurrently by another
    pledge costs this gift nothing: `pair_waiting` (the CLI) pairs it later."""
    kind, _sep, value = (designation or "").partition(":")
    if kind != "sponsorship" or not as_id(value):
        return 0
    today = local_today()
    try:
        with db.session.begin_nested():
            return pair_waiting(today.year, today, only=[int(value)])
    except IntegrityError:
        return 0


@dataclass(frozen=True)
class Profile:
    """What a sponsor may know: no name, ID, address, illness or income."""

    category: str
    age_band: str
    street: str
    school_level: str | None
    orphan: bool


def profile(person: Person, today) -> Profile:
    """What the sponsor may see of a person they fund: category, age band, street, school level
    and whether an orphan."""
    age = person.age_on(today)
    band = f"{age // 10 * 10}–{age // 10 * 10 + 9}"
    return Profile(category=person.category, age_band=band, street=person.household.street.name,
                   school_level=person.school_level, orphan=person.orphan)
