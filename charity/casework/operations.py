"""Changing casework records. Operations flush; the request or command commits once."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.audit.operations import record
from charity.casework.models import (
    GRANTED,
    MEASURES,
    REVIEW_OUTCOMES,
    SERVICE_KINDS,
    EmploymentService,
    Grant,
    MedicalCost,
    Referral,
    Review,
    ReviewCycle,
)
from charity.errors import DomainError
from charity.extensions import db
from charity.registry import operations as registry
from charity.registry.models import Person


class CaseworkError(DomainError):
    """A change casework refuses; the message is shown to the user."""


def _not_future(day: date, today: date) -> None:
    if day > today:
        raise CaseworkError(_l("The date cannot be in the future."))


def record_grant(person: Person, measure: str, starts_on: date, ends_on: date | None,
                 note: str = "", user=None) -> Grant:
    """Record that a person receives a measure from `starts_on` (to `ends_on`, if it ends)."""
    if measure not in GRANTED:
        raise CaseworkError(_l("Choose a measure."))
    if ends_on is not None and ends_on < starts_on:
        raise CaseworkError(_l("The end date cannot be before the start date."))
    grant = Grant(person_id=person.id, measure=measure, starts_on=starts_on, ends_on=ends_on,
                  note=note.strip(), recorded_by_id=getattr(user, "id", None))
    db.session.add(grant)
    db.session.flush()
    record("casework.grant", "person", person.id, user=user, measure=measure)
    return grant


def refer(person: Person, measure: str, to_whom: str = "", note: str = "", user=None,
          visit_task_id: int | None = None) -> Referral:
    """Open a referral of a person's gap to the department that closes it."""
    if measure not in MEASURES:
        raise CaseworkError(_l("Choose a measure."))
    referral = Referral(person_id=person.id, measure=measure, to_whom=to_whom.strip(),
                        note=note.strip(), visit_task_id=visit_task_id,
                        created_by_id=getattr(user, "id", None))
    db.session.add(referral)
    db.session.flush()
    record("casework.refer", "person", person.id, user=user, measure=measure)
    return referral


def close_referral(referral: Referral, user=None) -> Referral:
    """Mark a referral as dealt with."""
    if referral.status == "closed":
        raise CaseworkError(_l("The referral is already closed."))
    referral.status = "closed"
    db.session.flush()
    record("casework.referral_close", "referral", referral.id, user=user)
    return referral


def give_service(person: Person, kind: str, given_on: date, today: date, provider: str = "",
                 notes: str = "", user=None) -> EmploymentService:
    """Record a free employment service; a public-welfare job also makes the person employed
    (which clears a zero-employment household)."""
    if kind not in SERVICE_KINDS:
        raise CaseworkError(_l("Choose a kind of service."))
    _not_future(given_on, today)
    service = EmploymentService(person_id=person.id, kind=kind, given_on=given_on,
                                provider=provider.strip(), notes=notes.strip(),
                                recorded_by_id=getattr(user, "id", None))
    db.session.add(service)
    db.session.flush()
    if kind == "public_welfare_job":
        registry.update(person, user=user, employment_status="employed")
    record("casework.service", "person", person.id, user=user, kind=kind)
    return service


def set_medical(person: Person, family_doctor: bool, health_record: bool, user=None) -> Person:
    """Record the family-doctor contract and the electronic health record (measure 3)."""
    return registry.update(person, user=user, family_doctor=family_doctor,
                           health_record=health_record)


def record_cost(person: Person, admitted_on: date, hospital: str, total_fen: int,
                out_of_catalogue_fen: int, today: date, user=None) -> MedicalCost:
    """Record an inpatient stay's total and out-of-catalogue costs (integer fen)."""
    _not_future(admitted_on, today)
    if total_fen <= 0:
        raise CaseworkError(_l("The total cost must be more than zero."))
    if not 0 <= out_of_catalogue_fen <= total_fen:
        raise CaseworkError(_l("The out-of-catalogue cost must be between zero and the total."))
    cost = MedicalCost(person_id=person.id, admitted_on=admitted_on, hospital=hospital.strip(),
                       total_fen=total_fen, out_of_catalogue_fen=out_of_catalogue_fen,
                       recorded_by_id=getattr(user, "id", None))
    db.session.add(cost)
    db.session.flush()
    record("casework.medical_cost", "person", person.id, user=user)
    return cost


def open_cycle(name: str, due_by: date, user=None) -> ReviewCycle:
    """Open a review cycle for everyone due by `due_by`; the name must be new."""
    name = name.strip()
    if db.session.scalar(select(ReviewCycle.id).where(ReviewCycle.name == name)):
        raise CaseworkError(_l("A review cycle with this name already exists."))
    cycle = ReviewCycle(name=name, due_by=due_by, created_by_id=getattr(user, "id", None))
    db.session.add(cycle)
    db.session.flush()
    record("casework.review_cycle", "review_cycle", cycle.id, user=user)
    return cycle


def review(cycle: ReviewCycle, person: Person, outcome: str, reason: str, reviewed_on: date,
           next_review: date, today: date, user=None) -> Review:
    """Review a person in a cycle: confirm their status or change it (kept in the status
    history with the reason), and set the next review date."""
    if outcome not in REVIEW_OUTCOMES:
        raise CaseworkError(_l("Choose an outcome."))
    if not reason.strip():
        raise CaseworkError(_l("A review needs a reason."))
    _not_future(reviewed_on, today)
    if next_review <= reviewed_on:
        raise CaseworkError(_l("The next review must come after this one."))
    if db.session.scalar(select(Review.id).where(Review.cycle_id == cycle.id,
                                                 Review.person_id == person.id)):
        raise CaseworkError(_l("This person has already been reviewed in this cycle."))
    if outcome != "confirmed":
        try:
            registry.change_status(person, outcome, reason, reviewed_on, next_review, user=user)
        except registry.RegistryError as error:
            raise CaseworkError(str(error)) from error
    else:
        person.next_review_date = next_review
    entry = Review(cycle_id=cycle.id, person_id=person.id, outcome=outcome,
                   reason=reason.strip(), reviewed_on=reviewed_on, next_review_date=next_review,
                   reviewed_by_id=getattr(user, "id", None))
    db.session.add(entry)
    db.session.flush()
    record("casework.review", "person", person.id, user=user, outcome=outcome)
    return entry
