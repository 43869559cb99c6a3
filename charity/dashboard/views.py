"""The district dashboard: targets per street with ECharts (vendored), a PDF for meetings;
the browser saves each chart as PNG with ECharts' own getDataURL, offline."""

from flask import Blueprint, Response, render_template
from flask_babel import format_date
from flask_babel import gettext as _

from charity.auth.access import street_scope
from charity.auth.permissions import Permission, guard
from charity.dashboard import pdf, queries
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
                           data=queries.as_json(items))


@bp.get("/dashboard.pdf")
def export_pdf():
    """The dashboard's table as a PDF, targets missed in red."""
    today = local_today()
    items = queries.indicators(street_scope(), today)
    content = pdf.render(_("Yuzhong District: the ten measures' targets per street"),
                         _("As of %(day)s. Red: the street misses the plan's line.",
                           day=format_date(today, "yyyy-MM-dd")),
                         items, _("Target"), _("Line"))
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=songtan-dashboard-{today:%Y%m%d}.pdf"})
