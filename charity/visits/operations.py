"""Festival campaigns, visit logs and spot checks. Operations flush; the caller commits once."""

import random
import secrets
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.audit.operations import record
from charity.casework import operations as casework
from charity.database import utcnow
from charity.errors import DomainError
from charity.extensions import db
from charity.pairing.models import Pairing
from charity.visits import queries
from charity.visits.models import (
    CHECK_OUTCOMES,
    FESTIVALS,
    Campaign,
    SpotCheck,
    SpotCheckItem,
    VisitTask,
)


class VisitError(DomainError):
    """A change the visit records refuse; the message is shown to the user."""


def open_campaign(festival: str, year: int, starts_on: date, ends_on: date,
                  user=None) -> Campaign:
    """Open a festival campaign and give every active pairing its visit task."""
    if festival not in FESTIVALS:
        raise VisitError(_l("Choose a festival."))
    if ends_on < starts_on:
        raise VisitError(_l("The campaign cannot end before it starts."))
    if db.session.scalar(select(Campaign.id).where(Campaign.festival == festival,
                                                   Campaign.year == year)):
        raise VisitError(_l("This festival's campaign for that year is already open."))
    campaign = Campaign(festival=festival, year=year, starts_on=starts_on, ends_on=ends_on,
                        created_by_id=getattr(user, "id", None))
    db.session.add(campaign)
    db.session.flush()
    added = generate_tasks(campaign)
    record("visits.campaign", "visit_campaign", campaign.id, user=user, tasks=added)
    return campaign


def generate_tasks(campaign: Campaign) -> int:
    """Add a task for each active pairing that has none in the campaign; return how many."""
    have = select(VisitTask.pairing_id).where(VisitTask.campaign_id == campaign.id)
    pairings = db.session.execute(
        select(Pairing.id, Pairing.person_id)
        .where(Pairing.status == "active", Pairing.id.not_in(have))
        .order_by(Pairing.id)).all()
    db.session.add_all(VisitTask(campaign_id=campaign.id, pairing_id=pairing_id,
                                 person_id=person_id) for pairing_id, person_id in pairings)
    db.session.flush()
    db.session.expire(campaign, ["tasks"])
    return len(pairings)


def log_visit(task: VisitTask, visited_on: date, notes: str, needs: list[str], today: date,
              user=None) -> VisitTask:
    """Log a visit: its date (within the campaign, not in the future), notes and the needs
    found; each need opens a referral for the measure that meets it."""
    if task.status == "done":
        raise VisitError(_l("This visit is already logged."))
    if visited_on > today:
        raise VisitError(_l("The visit date cannot be in the future."))
    if visited_on < task.campaign.starts_on:
        raise VisitError(_l("The visit date is before the campaign started."))
    task.status, task.visited_on, task.notes = "done", visited_on, notes.strip()
    task.needs = sorted(set(needs))
    task.logged_by_id, task.logged_at = getattr(user, "id", None), utcnow()
    db.session.flush()
    for need in task.needs:
        casework.refer(task.person, need, user=user, visit_task_id=task.id)
    record("visits.log", "visit_task", task.id, user=user, needs=task.needs)
    return task


def sample(task_ids: list[int], size: int, seed: int) -> list[int]:
    """`size` of the task ids drawn at random from `seed`: the same ids and seed always give
    the same sample, whatever order the ids come in."""
    ordered = sorted(task_ids)
    rng = random.Random(seed)  # noqa: S311 (redrawn from its stored seed; `secrets` picks the seed)
    return sorted(rng.sample(ordered, min(size, len(ordered))))


def draw_spot_check(campaign: Campaign, size: int, street_id: int | None,
                    seed: int | None = None, user=None) -> SpotCheck:
    """Draw a random sample of the campaign's logged visits (in one street, or all) for
    supervisors to check; the seed is kept so that anyone can redraw the same sample."""
    if size < 1:
        raise VisitError(_l("The sample needs at least one visit."))
    logged = db.session.scalars(queries.logged_task_ids(campaign.id, street_id)).all()
    if not logged:
        raise VisitError(_l("No visits have been logged yet to sample from."))
    seed = secrets.randbelow(2**31) if seed is None else seed
    check = SpotCheck(campaign_id=campaign.id, street_id=street_id, seed=seed, size=size,
                      drawn_by_id=getattr(user, "id", None))
    db.session.add(check)
    db.session.flush()
    db.session.add_all(SpotCheckItem(spot_check_id=check.id, task_id=task_id)
                       for task_id in sample(logged, size, seed))
    db.session.flush()
    record("visits.spot_check", "spot_check", check.id, user=user, seed=seed, size=size)
    return check


def record_outcome(item: SpotCheckItem, outcome: str, notes: str, checked_on: date,
                   today: date, user=None) -> SpotCheckItem:
    """Record what the supervisor found when checking one sampled visit."""
    if outcome not in CHECK_OUTCOMES or outcome == "pending":
        raise VisitError(_l("Choose what the check found."))
    if checked_on > today:
        raise VisitError(_l("The check date cannot be in the future."))
    item.outcome, item.notes, item.checked_on = outcome, notes.strip(), checked_on
    item.checked_by_id = getattr(user, "id", None)
    db.session.flush()
    record("visits.check", "spot_check_item", item.id, user=user, outcome=outcome)
    return item
