"""Reading the audit log."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, String, and_, cast, exists, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from charity.audit.models import AuditEntry
from charity.audit.security import PREFIX
from charity.auth.models import User
from charity.extensions import db
from charity.relief.intake_models import IntakeCase
from charity.relief.models import Application
from charity.timeutil import SHANGHAI


@dataclass(frozen=True)
class LogFilter:
    """What the auditor narrows the log by; empty fields narrow nothing. Days are local
    (Asia/Shanghai) and both ends are included."""

    security_only: bool = False
    since: date | None = None
    until: date | None = None
    user: str | None = None
    action: str | None = None
    person: int | None = None


def day_start(day: date) -> datetime:
    """Midnight at the start of a local day, as an aware time."""
    return datetime.combine(day, time(), SHANGHAI)


def entries(action: str | None = None, object_type: str | None = None) -> Select:
    """The audit log, newest first, narrowed to one action or kind of object if given."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return query


def filtered(found: LogFilter) -> Select:
    """The audit log, newest first, narrowed by the auditor's filter."""
    query = entries()
    if found.security_only:
        query = query.where(AuditEntry.action.startswith(PREFIX))
    if found.action:
        query = query.where(AuditEntry.action == found.action)
    if found.person:
        query = query.where(about_person(found.person))
    if found.since:
        query = query.where(AuditEntry.at >= day_start(found.since))
    if found.until:
        query = query.where(AuditEntry.at < day_start(found.until + timedelta(days=1)))
    if found.user:
        query = query.join(User, User.id == AuditEntry.user_id).where(user_matches(found.user))
    return query


def user_matches(text: str):
    """Users whose e-mail holds `text`, whatever its case."""
    return func.lower(User.email).contains(text.strip().lower(), autoescape=True)


def names_person(person_id: int):
    """Whether an entry's detail lists a person among its `person_ids` (a list picked by a
    health detail, a roster export with full ID numbers: one entry naming everyone in it)."""
    if db.session.get_bind().dialect.name == "sqlite":
        listed = func.json_each(AuditEntry.detail, "$.person_ids").table_valued("value")
        return exists(select(1).select_from(listed).where(listed.c.value == person_id))
    return cast(AuditEntry.detail, JSONB)["person_ids"].contains([person_id])


def about_person(person_id: int):
    """Entries about one person: their own record, their relief applications and their
    intake cases, and the entries that name them among others (`names_person`)."""
    def of(model):
        return select(cast(model.id, String(40))).where(model.person_id == person_id)

    return or_(and_(AuditEntry.object_type == "person", AuditEntry.object_id == str(person_id)),
               and_(AuditEntry.object_type == "relief_application",
                    AuditEntry.object_id.in_(of(Application))),
               and_(AuditEntry.object_type == "relief_intake",
                    AuditEntry.object_id.in_(of(IntakeCase))),
               names_person(person_id))
