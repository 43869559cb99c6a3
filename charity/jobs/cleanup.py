"""The nightly clean-up of export files: an export holds personal data, so its file is kept
`EXPORT_KEEP_DAYS` days after its job ended and then removed; its download then says so."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from charity.auth.permissions import Permission
from charity.database import utcnow
from charity.extensions import db
from charity.jobs import exports
from charity.jobs.messages import EXPORTS
from charity.jobs.models import FINISHED, Job
from charity.jobs.runner import job_task


def remove_old_exports(now: datetime | None = None) -> int:
    """Remove the files of the exports that ended more than `EXPORT_KEEP_DAYS` days before
    `now`, marking their jobs `removed`; returns how many. Failed ones too: an export may
    fail after writing its file (an attempt that ended after its job was given up keeps
    nothing). Flushes only."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])
    old = db.session.scalars(select(Job).where(
        Job.kind.in_(EXPORTS), Job.state.in_(FINISHED), Job.finished_at < cutoff)).all()
    removed = 0
    for job in old:
        target = exports.path(job)
        if job.params.get("removed") or (job.state == "failed" and not target.exists()):
            continue  # (most failed exports never wrote a file)
        target.unlink(missing_ok=True)
        job.params = {**job.params, "removed": True}
        removed += 1
    db.session.flush()
    return removed


@job_task("export_cleanup")
def export_cleanup(job, progress) -> dict:
    """Remove the export files past their days (nightly, by Celery beat)."""
    progress(0, 1, "reading")
    job.params = job.params | {"files_removed": remove_old_exports()}
    return {"endpoint": "jobs.history", "values": {}, "needs": Permission.VIEW_JOBS}
