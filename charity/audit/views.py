"""The auditor's read-only view of the audit log and its security log."""

from flask import Blueprint, render_template, request

from charity.audit import queries
from charity.audit.forms import LogFilterForm
from charity.auth.permissions import Permission, requires
from charity.extensions import db
from charity.main.input_guard import page_arg

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _log_filter(form: LogFilterForm) -> queries.LogFilter:
    return queries.LogFilter(security_only=form.kind.data == "security",
                             since=form.since.data, until=form.until.data,
                             user=form.user.data or None, action=form.action.data or None)


@bp.get("/")
@requires(Permission.VIEW_AUDIT_LOG)
def log():
    """The audit log, newest first, filtered by kind (all, or the security log), days, user
    and action; a bad filter answers 400 with its message and lists nothing."""
    form = LogFilterForm(request.args)
    if not form.validate():
        return render_template("audit/log.html", form=form, page=None), 400
    page = db.paginate(queries.filtered(_log_filter(form)), page=page_arg(), per_page=100,
                       error_out=False)
    return render_template("audit/log.html", form=form, page=page)
