"""The annual report as a job: the fund's year written as .xlsx on a worker, downloaded from
the job's page by whoever may export it."""

from charity.auth.permissions import Permission
from charity.fund import annual
from charity.jobs import exports
from charity.jobs.runner import job_task

#: The report's publisher, as the disclosure platform lists it.
PUBLISHER = "重庆市渝中区慈善会"


@job_task("annual_report")
def annual_report(job, progress) -> dict:
    """The fund's year (the job's `year`) in one workbook, in the starter's language."""
    year = int(job.params["year"])
    progress(0, 1, "writing")
    with exports.in_language(job):
        content = annual.workbook(year, PUBLISHER)
    return exports.write(job, content, name=f"songtan-fund-{year}.xlsx",
                         needs=Permission.EXPORT_ANNUAL_REPORT)
