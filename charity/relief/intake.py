"""Intake for sudden hardship (measure 4, 临时救助): a street officer opens a case for anyone
in the district, on the roster or not, the system checks it against the event year's income
line and asset limits, and an eligible case becomes a relief application (four eyes, then
payment, as any other).

A resident not on the roster is recorded as a Person of category `sudden_hardship` and status
`not_on_roster` in a household of their own, so that the application can name them; the
roster's lists, counts, pairing and casework keep to the roster's categories and to enrolled
people, so such a record changes none of them."""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from charity.audit.operations import record
from charity.eligibility import add_years
from charity.errors import DomainError
from charity.extensions import db
from charity.registry import ids
from charity.registry.models import (
    CATEGORIES,
    NOT_ON_ROSTER,
    SUDDEN_HARDSHIP,
    Household,
    Person,
)
from charity.relief import income_lines, operations, standards
from charity.relief.intake_models import EVENT_TYPES, INTAKE_HUKOU, IncomeLine, IntakeCase

#: What each intake rule checks, shown (in the reader's language) beside whether it holds.
RULES = {
    "residency": _l("Yuzhong hukou, or another hukou with a residence permit of a year or more."),
    "income": _l("Household income per person below last year's local per-capita disposable "
                 "income (the event year's line)."),
    "financial_assets": _l("Household financial assets within the limit per person."),
    "vehicle": _l("Household vehicles worth no more than the limit."),
}
#: The bounds of what an officer types: a household's monthly income, assets, size.
MAX_MONTHLY_INCOME_FEN = 100_000_000
MAX_ASSETS_FEN = 10_000_000_000
MAX_HOUSEHOLD = 20
TEMPORARY_KINDS = ("temporary_emergency", "temporary_expenditure")


class IntakeError(DomainError):
    """An intake the rules refuse; the message is shown to the user."""


@dataclass(frozen=True)
class Intake:
    """What the officer recorded about a household in sudden hardship."""

    name: str
    id_number: str
    street_id: int
    community_id: int
    hukou: str
    residence_permit_start: date | None
    event_type: str
    event_date: date
    description: str
    household_size: int
    monthly_income_fen: int
    financial_assets_fen: int
    vehicle_value_fen: int = 0


def _rule(code: str, holds: bool) -> dict:
    return {"code": code, "measure": 4, "holds": bool(holds)}


def resident(hukou: str, permit_start: date | None, today: date) -> bool:
    """Yuzhong hukou, or a residence permit held one year or more on `today`."""
    return hukou == "yuzhong" or (permit_start is not None and add_years(permit_start, 1) <= today)


def rules(intake: Intake, line: IncomeLine, today: date) -> list[dict]:
    """The measure's rules for the intake against the line: residency, income strictly below
    the line per person (compared exactly: monthly × 12 against line × members), financial
    assets within the limit per person, vehicles within the limit."""
    size = intake.household_size
    return [
        _rule("residency", resident(intake.hukou, intake.residence_permit_start, today)),
        _rule("income", intake.monthly_income_fen * 12 < line.disposable_income_fen * size),
        _rule("financial_assets", intake.financial_assets_fen <= line.financial_assets_fen * size),
        _rule("vehicle", intake.vehicle_value_fen <= line.vehicle_value_fen),
    ]


def _check_input(intake: Intake, today: date) -> None:
    if not intake.name.strip():
        raise IntakeError(_l("Write the person's name."))
    if intake.event_type not in EVENT_TYPES or intake.hukou not in INTAKE_HUKOU:
        raise IntakeError(_l("Choose the event's type and the hukou from the list."))
    if intake.event_date > today:
        raise IntakeError(_l("The event's date is in the future."))
    if not 1 <= intake.household_size <= MAX_HOUSEHOLD:
        raise IntakeError(_l("A household has between 1 and 20 members."))
    if not 0 <= intake.monthly_income_fen <= MAX_MONTHLY_INCOME_FEN:
        raise IntakeError(_l("The household's monthly income must be between ¥0 and "
                             "¥1,000,000."))
    if not (0 <= intake.financial_assets_fen <= MAX_ASSETS_FEN
            and 0 <= intake.vehicle_value_fen <= MAX_ASSETS_FEN):
        raise IntakeError(_l("The household's assets must be between ¥0 and ¥100,000,000."))
    if intake.hukou == "other" and intake.residence_permit_start is None:
        raise IntakeError(_l("A hukou elsewhere needs the residence permit's start date."))
    if not resident(intake.hukou, intake.residence_permit_start, today):
        raise IntakeError(_l("With a hukou elsewhere the residence permit must have been held "
                             "for a year or more."))


def _existing_case(number_hash: str, event_date: date) -> None:
    found = db.session.scalar(select(IntakeCase).where(
        IntakeCase.id_number_hash == number_hash, IntakeCase.event_date == event_date))
    if found is not None:
        raise IntakeError(_l("This ID number already has intake case no. %(id)s for an event "
                             "on %(day)s.", id=found.id, day=event_date.isoformat()))


def _person_for(intake: Intake, checked: ids.IdCheck, number_hash: str) -> Person:
    """The roster's person with this ID number, or the one intake recorded before, or a new
    record (not on the roster) in a household of its own."""
    person = db.session.scalar(select(Person).where(Person.id_number_hash == number_hash))
    if person is not None:
        if person.household.street_id != intake.street_id:
            raise IntakeError(_l("This person's household is on another street: that "
                                 "street's officer opens the case."))
        return person
    household = Household(code=f"LS{number_hash[:16].upper()}", street_id=intake.street_id,
                          community_id=intake.community_id)
    person = Person(household=household, name=intake.name.strip(), sex=checked.sex,
                    birth_date=checked.birth_date, category=SUDDEN_HARDSHIP,
                    status=NOT_ON_ROSTER, hukou=intake.hukou,
                    residence_permit_start=intake.residence_permit_start,
                    monthly_income_fen=intake.monthly_income_fen // intake.household_size,
                    **ids.sealed(checked.number))
    db.session.add_all([household, person])
    return person


def open_case(intake: Intake, user, today: date) -> IntakeCase:
    """Record an intake and check it against the event year's line; refused (nothing written)
    for bad input, a hukou elsewhere with a permit under a year, a missing line, or the same
    ID number already opened for the same event day."""
    checked = ids.check(intake.id_number, today)
    _check_input(intake, today)
    line = income_lines.for_year(intake.event_date.year)
    number_hash = ids.keyed_hash(checked.number)
    _existing_case(number_hash, intake.event_date)
    person = _person_for(intake, checked, number_hash)
    case = IntakeCase(
        street_id=intake.street_id, community_id=intake.community_id, person=person,
        on_roster=person.category in CATEGORIES, name=intake.name.strip(),
        hukou=intake.hukou, residence_permit_start=intake.residence_permit_start,
        event_type=intake.event_type, event_date=intake.event_date,
        description=intake.description.strip(), household_size=intake.household_size,
        monthly_income_fen=intake.monthly_income_fen,
        financial_assets_fen=intake.financial_assets_fen,
        vehicle_value_fen=intake.vehicle_value_fen, eligibility=rules(intake, line, today),
        income_line_year=line.year, created_by_id=user.id, **ids.sealed(checked.number))
    try:
        with db.session.begin_nested():
            db.session.add(case)
            db.session.flush()
    except IntegrityError:
        raise IntakeError(_l("This ID number was taken in by another case at the same moment; "
                             "open the intake list to find it.")) from None
    record("relief.intake", "relief_intake", case.id, user=user, person_id=person.id,
           on_roster=case.on_roster, eligible=case.eligible)
    return case


def route(kind: str, grade: int, one_case_one_discussion: bool = False) -> dict:
    """Where an application of `kind` at `grade` goes: its standard amount, and whether the
    case committee hears it (一事一议, or above the threshold) before money is reserved."""
    amount = standards.amount_for(kind, grade, None, current_app.config)
    threshold = standards.setting(current_app.config, "RELIEF_COMMITTEE_THRESHOLD_FEN")
    return {"kind": kind, "grade": grade, "amount_fen": amount,
            "committee": one_case_one_discussion or (amount or 0) > threshold}


def routes() -> list[dict]:
    """Every temporary-assistance kind and grade with its amount and path."""
    return [route(kind, grade) for kind in TEMPORARY_KINDS for grade in (1, 2, 3)]


def apply(case: IntakeCase, kind: str, grade: int, reason: str, user, today: date, *,
          one_case_one_discussion: bool = False):
    """Make the relief application of an eligible intake (once), with the intake's rules as
    its eligibility; the application then goes the usual way (approval by another, payment)."""
    case = db.session.scalar(select(IntakeCase).where(IntakeCase.id == case.id)
                             .with_for_update().execution_options(populate_existing=True))
    if case.application_id is not None:
        raise IntakeError(_l("This intake already has application no. %(id)s.",
                             id=case.application_id))
    if not case.eligible:
        raise IntakeError(_l("This intake does not meet every rule: no application."))
    if kind not in TEMPORARY_KINDS or grade not in (1, 2, 3):
        raise IntakeError(_l("Choose a kind of temporary assistance and a grade."))
    application = operations.submit(
        case.person, kind, reason, today, user, grade=grade,
        one_case_one_discussion=one_case_one_discussion, eligibility=case.eligibility,
        event=f"intake:{case.id}")
    case.application_id, case.grade = application.id, grade
    db.session.flush()
    record("relief.intake_apply", "relief_intake", case.id, user=user,
           application_id=application.id)
    return application


def cases(scope: int | None):
    """The intake cases on the viewer's streets, newest first (a query)."""
    query = select(IntakeCase).order_by(IntakeCase.id.desc())
    return query if scope is None else query.where(IntakeCase.street_id == scope)


def case_query(case_id: int, scope: int | None):
    """One intake case, if on the viewer's streets (a query)."""
    return cases(scope).where(IntakeCase.id == case_id)
