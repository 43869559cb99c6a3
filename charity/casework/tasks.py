"""Casework's job: store the gap matrix's snapshot of the current data version, so that no
user's request computes it (see `charity.casework.snapshot`)."""

from datetime import date

from charity.auth.permissions import Permission
from charity.casework import snapshot
from charity.jobs.runner import job_task


@job_task("gap_snapshot")
def gap_snapshot(job, progress) -> dict:
    """Compute and store the snapshot of `params["day"]` for the data as committed now."""
    progress(0, 1, "reading")
    job.params = job.params | {"stored": snapshot.refresh(date.fromisoformat(job.params["day"]))}
    return {"endpoint": "casework.gaps", "values": {}, "needs": Permission.VIEW_REGISTRY}
