"""The district dashboard: targets per street with ECharts (vendored), a PDF for meetings;
the browser saves each chart as PNG with ECharts' own getDataURL, offline."""

from flask import Blueprint, render_template
from flask_login import current_user

from charity.auth.access import street_scope
from charity.auth.permissions import Permission, guard
from charity.casework import snapshot
from charity.dashboard import queries, tasks
from charity.jobs import exports
from charity.jobs import operations as jobs
from charity.jobs.pages import shown
from charity.timeutil import local_today

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
#: Registry staff only; a street officer sees their own street.
bp.before_request(guard(Permission.VIEW_REGISTRY))


@bp.get("/")
def index():
    """The ten measures' targets per street, as charts and a table."""
    today = local_today()
    items = queries.indicators(street_scope(), today)
    return render_template("dashboard/index.html", indicators=items, today=today,
                           data=queries.as_json(items), gap_snapshot=snapshot.current(today))


@bp.post("/dashboard.pdf")
def export_pdf():
    """Start a job that draws the dashboard's table as a PDF (the officer's street, or the
    district); its page leads to the download. A second start shows the first."""
    scope = street_scope()
    job, started = jobs.start("dashboard_pdf", tasks.key(scope), user=current_user,
                              street_id=scope, params={"ext": "pdf", "lang": exports.language()})
    return shown(job, started)
