"""The dashboard's PDF as a job: the targets of the job's street (or the district) drawn on a
worker, downloaded from the job's page by registry staff of that street."""

from flask_babel import format_date
from flask_babel import gettext as _

from charity.auth.permissions import Permission
from charity.dashboard import pdf, queries
from charity.jobs import exports
from charity.jobs.runner import job_task
from charity.timeutil import local_today


@job_task("dashboard_pdf")
def dashboard_pdf(job, progress) -> dict:
    """The dashboard's table as a PDF, targets missed in red, in the starter's language."""
    today = local_today()
    progress(0, 2, "reading")
    items = queries.indicators(job.street_id, today)
    progress(1, 2, "writing")
    with exports.in_language(job):
        content = pdf.render(_("Yuzhong District: the ten measures' targets per street"),
                             _("As of %(day)s. Red: the street misses the plan's line.",
                               day=format_date(today, "yyyy-MM-dd")),
                             items, _("Target"), _("Line"))
    return exports.write(job, content, name=f"songtan-dashboard-{today:%Y%m%d}.pdf",
                         needs=Permission.VIEW_REGISTRY)


def key(street_id: int | None) -> str:
    """The work a dashboard PDF does: one street's, or the district's."""
    return f"dashboard_pdf:{street_id or 'district'}"
