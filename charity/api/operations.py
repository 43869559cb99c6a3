"""Applying what departments post: each item through the registry's and casework's own
operations, inside a savepoint of its own (an item refused leaves nothing behind), kept once by
its external id (a repeat answers as the first time did)."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from charity.api.models import ApiChange, ApiToken
from charity.casework import operations as casework
from charity.errors import DomainError
from charity.extensions import db
from charity.main.limits import FIRST_DAY
from charity.registry import ids
from charity.registry import operations as registry
from charity.registry.models import CATEGORIES, STATUSES, Person

#: A status change's kind -> the status it gives (a category change keeps the status).
STATUS_OF = {"enrol": "enrolled", "suspend": "suspended", "exit": "exited"}
CHANGE_TYPES = (*STATUS_OF, "category")


class ItemError(DomainError):
    """One posted item refused: `status` is the HTTP status its problem detail carries and
    `slug` names the kind of problem."""

    def __init__(self, message, status: int = 422, slug: str = "refused"):
        super().__init__(message)
        self.status, self.slug = status, slug


@dataclass
class Outcome:
    """What became of one item: applied, applied before (a replay), or refused."""

    external_id: str
    status: int
    person_id: int | None = None
    replayed: bool = False
    error: ItemError | None = None


def fingerprint(item: dict) -> str:
    """SHA-256 of the item as posted (its keys sorted), to tell a replay from a conflict."""
    return hashlib.sha256(json.dumps(item, sort_keys=True, default=str).encode()).hexdigest()


def person_by_id_number(number: str, today: date) -> Person:
    """The person on the roster with this ID number; a bad number or an unknown person is
    refused (the number is never echoed back)."""
    try:
        checked = ids.check(number, today)
    except ids.IdNumberError as error:
        raise ItemError(str(error), 422, "bad-id-number") from error
    person = registry.duplicate_of(checked.number)
    if person is None or person.status not in STATUSES:
        raise ItemError(_l("No one on the roster has this ID number."), 404, "unknown-person")
    return person


def _not_future(day: date, today: date) -> None:
    """Refuse a day after today, or before the first day the staff's own forms take."""
    if day > today:
        raise ItemError(_l("The date cannot be in the future."), 422, "future-date")
    if day < FIRST_DAY:
        raise ItemError(_l("The date cannot be before %(first)s.", first=FIRST_DAY.isoformat()),
                        422, "past-date")


def change_status(item: dict, today: date) -> Person:
    """Enrol, suspend or exit a person, or change their category, from a civil-affairs
    document: the registry's own status change (history, pairings ended on exit). An enrolment,
    a suspension or a new category is reviewed again: the person's next review falls on the
    document's date, so the next review cycle takes them in."""
    person = person_by_id_number(item["id_number"], today)
    _not_future(item["effective_date"], today)
    reason = " ".join(filter(None, (item["document_number"], item.get("reason") or "")))[:200]
    if item["change"] == "category":
        if item.get("category") not in CATEGORIES:
            raise ItemError(_l("A category change names the new category."))
        if item["category"] == person.category:
            raise ItemError(_l("The person is already in this category."))
        registry.update(person, category=item["category"],
                        next_review_date=item["effective_date"])
        return person
    status = STATUS_OF[item["change"]]
    registry.change_status(person, status, reason, item["effective_date"],
                           next_review=None if status == "exited" else item["effective_date"])
    return person


def set_medical(item: dict, today: date) -> Person:
    """The health commission's family-doctor contract and health-record status."""
    person = person_by_id_number(item["id_number"], today)
    casework.set_medical(person, item["family_doctor"], item["health_record"])
    return person


def give_service(item: dict, today: date) -> Person:
    """Human resources' free employment service (or public-welfare job)."""
    person = person_by_id_number(item["id_number"], today)
    _not_future(item["given_on"], today)
    casework.give_service(person, item["kind"], item["given_on"], today,
                          provider=item.get("provider") or "")
    return person


def _replay(item: dict, kind: str, found: ApiChange) -> Outcome:
    if found.kind == kind and found.fingerprint == fingerprint(item):
        return Outcome(item["external_id"], 200, found.person_id, replayed=True)
    return Outcome(item["external_id"], 409, error=ItemError(
        _l("This external id was already used for another change."), 409, "conflict"))


def _apply(item: dict, kind: str, token: ApiToken, today: date, write) -> Outcome:
    try:
        with db.session.begin_nested():
            person = write(item, today)
            db.session.add(ApiChange(
                external_id=item["external_id"], kind=kind, token_id=token.id,
                person_id=person.id, fingerprint=fingerprint(item),
                document_number=item.get("document_number"),
                effective_date=item.get("effective_date") or item.get("given_on")))
            db.session.flush()
    except (ItemError, DomainError) as error:
        # Refused, perhaps because another request applied this very item meanwhile
        # (PostgreSQL, two writers: the person it waited for has the status already): that
        # one is answered as its replay.
        found = _applied_meanwhile(item)
        if found is not None:
            return _replay(item, kind, found)
        if isinstance(error, ItemError):
            return Outcome(item["external_id"], error.status, error=error)
        return Outcome(item["external_id"], 422, error=ItemError(str(error)))
    except IntegrityError:
        # Another request applied the same external id meanwhile (PostgreSQL, two writers):
        # the same item is a replay of it, another item a conflict.
        found = _applied_meanwhile(item)
        if found is not None:
            return _replay(item, kind, found)
        return Outcome(item["external_id"], 409, error=ItemError(
            _l("This external id was already used for another change."), 409, "conflict"))
    return Outcome(item["external_id"], 201, person.id)


def _applied_meanwhile(item: dict) -> ApiChange | None:
    """The change another request kept under the item's external id since this batch read."""
    return db.session.scalar(select(ApiChange).where(
        ApiChange.external_id == item["external_id"]))


def apply_batch(items: list[dict], kind: str, token: ApiToken, today: date,
                write: Callable[[dict, date], Person]) -> list[Outcome]:
    """Apply each item on its own: an outcome per item, in the order posted. An external id
    twice in one batch is refused the second time; one seen before replays its outcome."""
    seen: set[str] = set()
    done = {c.external_id: c for c in db.session.scalars(select(ApiChange).where(
        ApiChange.external_id.in_([i["external_id"] for i in items])))}
    outcomes = []
    for item in items:
        key = item["external_id"]
        if key in seen:
            outcomes.append(Outcome(key, 409, error=ItemError(
                _l("This external id appears twice in the batch."), 409, "duplicate")))
        elif key in done:
            outcomes.append(_replay(item, kind, done[key]))
        else:
            outcomes.append(_apply(item, kind, token, today, write))
        seen.add(key)
    return outcomes
