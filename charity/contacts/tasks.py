"""The hours report as an .xlsx export job: per helper and per department, for the job's
street (or the district), downloaded from the job's page by whoever may see the report."""

from datetime import date

from flask_babel import gettext as _

from charity.auth.permissions import Permission
from charity.contacts import queries
from charity.jobs import exports
from charity.jobs.runner import job_task
from charity.labels import label
from charity.main import spreadsheet


def hours_of(minutes: int | None) -> float:
    """Minutes as hours, to one decimal."""
    return round((minutes or 0) / 60, 1)


def no_department() -> str:
    """What the report calls the helpers who belong to no department."""
    return _("Volunteers and organisations")


@job_task("hours_export")
def hours_export(job, progress) -> dict:
    """Two sheets: hours per helper, hours per department, over the job's period."""
    progress(0, 2, "reading")
    start, end = (date.fromisoformat(job.params[k]) for k in ("start", "end"))
    report = queries.hours(job.street_id, start, end)
    progress(1, 2, "writing")
    with exports.in_language(job):
        book = spreadsheet.table(
            [_("Helper"), _("Kind"), _("Department"), _("Entries"), _("People"),
             _("Time (minutes)"), _("Hours")],
            [(name, label(kind), department or no_department(), entries, people, minutes,
              hours_of(minutes))
             for kind, _id, name, department, entries, people, minutes in report.helpers],
            title=_("Per helper"))
        sheet = book.create_sheet(_("Per department"))
        spreadsheet.append(sheet, [_("Department"), _("Helpers"), _("Entries"), _("Time (minutes)"),
                                   _("Hours")])
        for department, helpers, entries, minutes in report.departments:
            spreadsheet.append(sheet, [department or no_department(), helpers, entries,
                                       minutes, hours_of(minutes)])
    return exports.write(job, spreadsheet.xlsx_bytes(book),
                         name=f"hours-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
                         needs=Permission.VIEW_CONTACTS)


def key(street_id: int | None, start: date, end: date) -> str:
    """The work an hours export does: one street's (or the district's) period."""
    return f"hours_export:{street_id or 'district'}:{start:%Y%m%d}:{end:%Y%m%d}"
