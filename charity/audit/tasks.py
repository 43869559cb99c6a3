"""The audit log's export as a job: the filtered entries as .xlsx, in words (the same labels as
the page), the export itself an audit entry written with the file."""

from datetime import date

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from charity.audit import labels, queries
from charity.audit.cases import shown_detail
from charity.audit.models import AuditEntry
from charity.audit.operations import record
from charity.auth.models import User
from charity.auth.permissions import Permission, can
from charity.extensions import db
from charity.jobs import exports
from charity.jobs.runner import job_task
from charity.main import spreadsheet
from charity.timeutil import local_today

#: The most entries one export holds (narrow the filter for more); the file says when cut.
MAX_ROWS = 100_000


def as_params(found: queries.LogFilter) -> dict:
    """A filter as a job keeps it (JSON)."""
    return {"security_only": found.security_only,
            "since": found.since.isoformat() if found.since else None,
            "until": found.until.isoformat() if found.until else None,
            "user": found.user, "action": found.action, "person": found.person}


def from_params(params: dict) -> queries.LogFilter:
    """The filter a job keeps, read back."""
    def day(text):
        return date.fromisoformat(text) if text else None

    return queries.LogFilter(security_only=bool(params.get("security_only")),
                             since=day(params.get("since")), until=day(params.get("until")),
                             user=params.get("user"), action=params.get("action"),
                             person=params.get("person"))


def export_key(user_id: int, params: dict) -> str:
    """One user's export of one filter: a second start of the same shows the first."""
    words = ":".join(f"{k}={params[k]}" for k in sorted(params) if params[k] is not None)
    return f"audit_export:{user_id}:{words}"[:200]


def rows(entries: list[AuditEntry], whole: bool) -> list[list]:
    """The entries as the page shows them: time, user, action, object, address, detail."""
    return [[format_datetime(e.at, "yyyy-MM-dd HH:mm:ss"),
             e.user.email if e.user else _("anonymous"),
             labels.action_label(e.action), labels.object_label(e.object_type, e.object_id),
             e.ip or "", "\n".join(labels.pair_text(k, v) for k, v
                                   in labels.detail_pairs(shown_detail(e, whole)))]
            for e in entries]


@job_task("audit_export")
def audit_export(job, progress) -> dict:
    """The audit log narrowed by the job's filter, newest first, as .xlsx; free text withheld
    as on the page for a reader who does not see beneficiaries; audited as the file is kept."""
    user = db.session.get(User, job.started_by_id)
    found = from_params(job.params["filters"])
    progress(0, 2, "reading")
    entries = db.session.scalars(queries.filtered(found).options(joinedload(AuditEntry.user))
                                 .limit(MAX_ROWS)).all()
    progress(1, 2, "writing")
    whole = can(Permission.SEE_BENEFICIARIES, user)
    with exports.in_language(job):
        header = [_("Time"), _("User"), _("Action"), _("Object"), _("Address"), _("Detail")]
        content = spreadsheet.xlsx_bytes(spreadsheet.table(
            header, rows(entries, whole), _("Audit log")))
    record("audit.export", "audit_log", None, user=user, rows=len(entries),
           filters={k: v for k, v in job.params["filters"].items() if v})
    # a file with the free text is for those who may read it (not the auditor, who follows
    # every job): whoever downloads it needs what its maker held
    needs = [Permission.VIEW_AUDIT_LOG, Permission.SEE_BENEFICIARIES] if whole \
        else Permission.VIEW_AUDIT_LOG
    return exports.write(job, content, name=f"audit-log-{local_today():%Y%m%d}.xlsx",
                         needs=needs)
