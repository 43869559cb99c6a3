"""The auditor's read-only view of the audit log and its security log, and its export."""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import exists, select

from charity.audit import labels, queries, tasks
from charity.audit.forms import LogFilterForm
from charity.auth.permissions import Permission, requires
from charity.extensions import db
from charity.jobs import exports
from charity.jobs import operations as jobs
from charity.jobs.pages import shown
from charity.main.input_guard import page_arg
from charity.registry.models import Person

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _log_filter(form: LogFilterForm) -> queries.LogFilter:
    return queries.LogFilter(security_only=form.kind.data == "security",
                             since=form.since.data, until=form.until.data,
                             user=(form.user.data or "").strip() or None,
                             action=form.action.data or None, person=form.person.data)


def _checked(form: LogFilterForm) -> bool:
    """Validate the filter, and say so when it names a user or person the platform does not
    know (a list of nothing would leave the auditor guessing why)."""
    if not form.validate():
        return False
    if form.user.data and form.user.data.strip() and not db.session.scalar(
            select(exists().where(queries.user_matches(form.user.data)))):
        form.user.errors = [_l("No user's e-mail contains this text.")]
        return False
    if form.person.data and db.session.get(Person, form.person.data) is None:
        form.person.errors = [_l("No person on the roster has this number.")]
        return False
    return True


#: What the export button carries of the page's query string: the filter, nothing else (the
#: whole query string into `url_for` let `_anchor`, `_external` or `endpoint` through).
FILTER_ARGS = ("kind", "since", "until", "user", "action", "person")


def _render(form: LogFilterForm, page, status: int = 200):
    args = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    return render_template("audit/log.html", form=form, page=page, labels=labels,
                           export_form=FlaskForm(), args=args), status


@bp.get("/")
@requires(Permission.VIEW_AUDIT_LOG)
def log():
    """The audit log, newest first, in words, filtered by kind (all, or the security log),
    days, user, action and person; a bad filter answers 400 with its message and lists
    nothing."""
    form = LogFilterForm(request.args)
    if not _checked(form):
        return _render(form, None, 400)
    page = db.paginate(queries.filtered(_log_filter(form)), page=page_arg(), per_page=100,
                       error_out=False)
    return _render(form, page)


@bp.post("/export")
@requires(Permission.VIEW_AUDIT_LOG)
def export():
    """Start a job that writes the filtered log as .xlsx (the filter rides in the query
    string, as on the page); the export is itself audited. A bad filter lists nothing."""
    form = LogFilterForm(request.args)
    if not FlaskForm().validate_on_submit() or not _checked(form):
        return _render(form, None, 400)
    params = tasks.as_params(_log_filter(form))
    job, started = jobs.start("audit_export", tasks.export_key(current_user.id, params),
                              user=current_user, params={"ext": "xlsx", "filters": params,
                                                          "lang": exports.language()})
    return shown(job, started)
