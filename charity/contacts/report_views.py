"""Street officers and staff: who has not been contacted for a while, and the hours given per
helper and per department (a page, and an .xlsx export as a job)."""

from datetime import date, timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.access import street_scope
from charity.auth.permissions import Permission, guard
from charity.contacts import queries, tasks
from charity.contacts.forms import PeriodForm
from charity.extensions import db
from charity.jobs import exports
from charity.jobs import operations as jobs
from charity.jobs.pages import shown
from charity.main.input_guard import int_arg, page_arg
from charity.timeutil import local_today

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
bp.before_request(guard(Permission.VIEW_CONTACTS))

#: Days without a contact before a person is listed, unless the officer asks otherwise.
DEFAULT_DAYS = 90
MAX_DAYS = 3650


@bp.get("/not-contacted")
def not_contacted():
    """Enrolled people with an active pairing not contacted in the last N days (festival
    visits count), never-contacted first; the officer's street only."""
    days = int_arg("days", DEFAULT_DAYS, maximum=MAX_DAYS) or DEFAULT_DAYS
    today = local_today()
    cutoff = today - timedelta(days=days)
    page = db.paginate(queries.not_contacted(street_scope(), cutoff), page=page_arg(),
                       per_page=50, error_out=False)
    last = queries.last_days(person.id for person in page.items)
    return render_template("contacts/not_contacted.html", page=page, days=days,
                           cutoff=cutoff, today=today, last=last)


def _period() -> tuple[PeriodForm, date, date]:
    """The period asked for (this year until today by default); a bad one falls back to the
    default with the form's errors shown."""
    today = local_today()
    form = PeriodForm(request.args)
    start, end = date(today.year, 1, 1), today
    if form.validate():
        start, end = form.start.data or start, form.end.data or end
        if start > end:
            form.end.errors = [*form.end.errors, _("The period cannot end before it starts.")]
            start, end = date(today.year, 1, 1), today
    return form, start, end


@bp.get("/hours")
def hours():
    """Hours given per helper and per department over a period, summed from the entries."""
    form, start, end = _period()
    report = queries.hours(street_scope(), start, end)
    return render_template("contacts/hours.html", form=form, report=report,
                           hours_of=tasks.hours_of, no_department=tasks.no_department())


@bp.post("/hours.xlsx")
def export_hours():
    """Start a job that writes the hours report of the period as .xlsx; its page leads to the
    download. A second start of the same period shows the first."""
    _form, start, end = _period()
    scope = street_scope()
    job, started = jobs.start("hours_export", tasks.key(scope, start, end), user=current_user,
                              street_id=scope,
                              params={"ext": "xlsx", "lang": exports.language(),
                                      "start": start.isoformat(), "end": end.isoformat()})
    return shown(job, started)
