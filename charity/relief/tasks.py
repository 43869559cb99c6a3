"""Relief's jobs: the allocation run (a draft proposal) and the nightly expiry of reservations
not paid by their day."""

from charity.auth.models import User
from charity.auth.permissions import Permission
from charity.extensions import db
from charity.jobs.runner import job_task
from charity.relief import operations, proposals, rent
from charity.timeutil import local_today


@job_task("allocation_run")
def allocation_run(job, progress) -> dict:
    """Run the allocation optimiser into a draft proposal by whoever started the job."""
    user = db.session.get(User, job.started_by_id)
    proposal = proposals.run(user, tolerance_pct=job.params.get("tolerance_pct", 5),
                             progress=progress)
    return {"endpoint": "relief_allocations.proposal", "values": {"proposal_id": proposal.id},
            "needs": Permission.VIEW_ALLOCATIONS}


@job_task("relief_expiry")
def relief_expiry(job, progress) -> dict:
    """Release the reservations not paid by their day (nightly, by Celery beat)."""
    progress(0, 1, "reading")
    job.params = job.params | {"expired": operations.expire(local_today())}
    return {"endpoint": "relief.index", "values": {}, "needs": Permission.VIEW_RELIEF}


@job_task("rent_batch")
def rent_batch(job, progress) -> dict:
    """Pay the month's rent subsidies (`params["month"]`, 'YYYY-MM'; this month if absent)."""
    month = rent.parse_month(job.params.get("month") or local_today().strftime("%Y-%m"))
    user = db.session.get(User, job.started_by_id) if job.started_by_id else None
    progress(0, 1, "reading")
    job.params = job.params | rent.run_batch(month, user, progress)
    return {"endpoint": "relief.index", "values": {}, "needs": Permission.VIEW_RELIEF}
