"""Pseudonymised cases on the money pages, and the auditor's opening of one case.

Roles that may see beneficiaries (`Permission.SEE_BENEFICIARIES`) see a relief case's person,
kind and reasons. Anyone else who reads the money pages (the auditor) sees a case as its number:
no name, no kind of relief, no free text, also in the journal's memos and the audit log's
details. An auditor opens a case for audit with a reason; the opening is itself an audit entry
(`audit.case_opened`, with the reason), and the case stays open to that auditor for the rest of
the day (until midnight, Asia/Shanghai). The audit log is the only record of an opening, so no
case is opened without a trace.
"""

from flask import g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.audit.operations import record
from charity.audit.queries import day_start
from charity.audit.security import PREFIX
from charity.auth.permissions import Permission, can
from charity.errors import DomainError
from charity.extensions import db
from charity.relief.models import Application
from charity.timeutil import local_today

OPENED = "audit.case_opened"
#: Detail keys that hold free text or a kind of relief: withheld from a pseudonymised entry.
WITHHELD = frozenset({"reason", "text", "note", "notes", "minutes", "kind"})
#: Journal entries whose memo names a case's kind of relief, or is free text.
CASE_ENTRIES = frozenset({"reserve", "payment", "reversal"})


class CaseError(DomainError):
    """A case cannot be opened for audit as asked; the message says why."""


def open_case(application: Application, reason: str, user) -> AuditEntry:
    """Open a case for audit: the reason is required, and kept with the opening."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_l("Say why you open this case."))
    return record(OPENED, "relief_application", application.id, user=user, reason=reason[:300])


def opened_cases(user) -> tuple[frozenset[int], frozenset[str]]:
    """The cases `user` opened for audit today, and their people's ids (as the audit log
    writes object ids); read once per request."""
    if "opened_cases" not in g:
        ids = frozenset(int(i) for i in db.session.scalars(select(AuditEntry.object_id).where(
            AuditEntry.user_id == user.id, AuditEntry.action == OPENED,
            AuditEntry.at >= day_start(local_today()))))
        people = frozenset(str(p) for p in db.session.scalars(
            select(Application.person_id).where(Application.id.in_(ids)))) if ids else frozenset()
        g.opened_cases = (ids, people)
    return g.opened_cases


def sees_all() -> bool:
    """Whether the signed-in user sees every beneficiary on the money pages."""
    return can(Permission.SEE_BENEFICIARIES)


def sees_case(application_id: int | None) -> bool:
    """Whether the signed-in user sees this case's person, kind of relief and reasons."""
    if sees_all():
        return True
    return bool(current_user.is_authenticated and application_id is not None
                and application_id in opened_cases(current_user)[0])


def _about_an_open_case(entry: AuditEntry) -> bool:
    ids, people = opened_cases(current_user)
    if entry.object_type == "relief_application":
        return (entry.object_id or "").isdigit() and int(entry.object_id) in ids
    return entry.object_type == "person" and entry.object_id in people


def audit_detail(entry: AuditEntry) -> dict:
    """An audit entry's detail as the viewer may read it: whole for security entries, for those
    who see beneficiaries and for entries about a case the viewer opened; otherwise its free
    text and kinds of relief are withheld."""
    return shown_detail(entry, sees_all() or _about_an_open_case(entry))


def shown_detail(entry: AuditEntry, whole: bool) -> dict:
    """An entry's detail, whole if `whole` or a security entry, else with its free text and
    kinds of relief withheld (the audit log's export reads it this way, outside a request)."""
    detail = entry.detail or {}
    if whole or entry.action.startswith(PREFIX):
        return detail
    return {key: str(_l("withheld")) if key in WITHHELD else value
            for key, value in detail.items()}


def journal_memo(entry) -> str:
    """A journal entry's memo as the viewer may read it: a reservation's or payment's memo
    (the kind of relief) only for a case the viewer sees, a reversal's reason only for those
    who see every beneficiary."""
    if entry.kind not in CASE_ENTRIES or sees_all():
        return entry.memo
    head, _sep, case = (entry.reference or "").partition(":")
    if head in ("reserve", "pay") and case.isdigit() and sees_case(int(case)):
        return entry.memo
    return str(_l("withheld"))
