"""The security log: refusals worth an auditor's eye, kept in the audit log as its own kind
(actions named `security.<what>`). Each entry says who asked (or nobody, for a request without
a session), what they asked for (the path, the endpoint and why it was refused), when and from
which address; never a request's body or query string, which may hold personal data."""

from flask import has_request_context, request
from flask_babel import force_locale

from charity.audit.models import AuditEntry
from charity.audit.operations import record

#: The prefix of every security-log action; the auditor's filter narrows the log to it.
PREFIX = "security."


def record_refusal(what: str, object_type: str = "request", object_id=None,
                   **detail) -> AuditEntry:
    """Append the security-log entry `security.<what>` for the current request; flush only."""
    where = {}
    if has_request_context():
        where = {"method": request.method, "path": request.path,
                 "endpoint": request.endpoint}
    return record(PREFIX + what, object_type, object_id, **where, **detail)


def reason_of(error: Exception) -> str:
    """A refusal's message in English, as the log keeps it whatever the user's language."""
    with force_locale("en"):
        return str(error)[:200]
