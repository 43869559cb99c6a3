"""The pairing run as a job: solved on a worker, kept as a preview, shown on the job's page."""

from charity.auth.models import User
from charity.auth.permissions import Permission
from charity.district.models import Street
from charity.extensions import db
from charity.jobs.runner import job_task
from charity.pairing import operations
from charity.pairing.models import PUBLISHABLE


@job_task("pairing_run")
def pairing_run(job, progress) -> dict:
    """Solve the job's street (or the district) into a preview; an infeasible run is kept too,
    with its conflicts, and the job says so."""
    street = db.session.get(Street, job.street_id) if job.street_id else None
    user = db.session.get(User, job.started_by_id) if job.started_by_id else None
    match_run = operations.run(street, user=user, progress=progress)
    if match_run.status == "INFEASIBLE":
        job.error = {"code": "infeasible", "params": {}}
    elif match_run.status not in PUBLISHABLE:
        job.error = {"code": "stopped", "params": {}}
    return {"endpoint": "pairing.preview", "values": {"run_id": match_run.id},
            "needs": Permission.VIEW_PAIRING}


def key(street_id: int | None) -> str:
    """The work a pairing run does: one street's, or the district's."""
    return f"pairing_run:{street_id or 'district'}"
