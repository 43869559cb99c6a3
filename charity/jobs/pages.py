"""What the pages that start jobs answer: the job's page (or the running one's), and where a
finished job's result is shown."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from charity.auth.permissions import Permission, can
from charity.jobs.models import Job


def may_see(result: dict) -> bool:
    """Whether the viewer holds what a job's result `needs`: one permission, or a list of
    permissions all needed (an audit export holding free text needs both the audit log and
    the beneficiaries)."""
    needs = result.get("needs")
    if not needs:
        return True
    return all(can(Permission(name)) for name in ([needs] if isinstance(needs, str) else needs))


def result_url(job: Job) -> str | None:
    """Where a finished job's result is shown, if it has one and the viewer may see it (the
    result names the permission its page needs: an auditor sees a pairing run's job, not
    its preview)."""
    if job.state != "succeeded" or not job.result or "endpoint" not in job.result:
        return None
    if not may_see(job.result):
        return None
    return url_for(job.result["endpoint"], **job.result.get("values", {}))


def shown(job: Job, started: bool):
    """Answer a start: the job's page; a note when the same work was running already."""
    if not started and not job.finished:
        flash(_("The same work is already queued or running; here it is."), "info")
    return redirect(url_for("jobs.page", job_id=job.id))
