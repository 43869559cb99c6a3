"""The pairing run as a job: solved on a worker, kept as a preview, shown on the job's page."""

from flask import current_app

import matching
from charity.auth.models import User
from charity.auth.permissions import Permission
from charity.extensions import db
from charity.jobs import exports
from charity.jobs.runner import job_task
from charity.main import spreadsheet
from charity.pairing import cadre_roster, components, operations, queries
from charity.registry import uploads
from charity.registry.tasks import checked_again
from charity.timeutil import local_today

EXPORT_COLUMNS = ("beneficiary_id", "street", "helper_kind", "helper_id", "helper_rank",
                  "helper_group_street", "status")


@job_task("pairing_run")
def pairing_run(job, progress) -> dict | str:
    """Solve the job's street (or the district) into a preview; an infeasible run is kept too,
    with its conflicts, and the job says so. A run that splits into independent components
    hands them to the workers when the queue is shared (see `components`), a large one as a
    part per helper layer (`PAIRING_LAYER_PARTS_FROM`), else solves them one after another
    here."""
    street, user = components.scope(job)
    progress(0, 3, "reading")
    problem, seen = operations.read(street)
    if components.on_workers():
        parts = matching.work_parts(problem, current_app.config["PAIRING_LAYER_PARTS_FROM"])
        if len(parts) > 1:
            return components.hand_off(job, problem, parts, progress, seen)
    match_run = operations.run(street, user=user, progress=progress, problem=problem, seen=seen)
    return components.outcome(job, match_run)


def key(street_id: int | None) -> str:
    """The work a pairing run does: one street's, or the district's."""
    return f"pairing_run:{street_id or 'district'}"


@job_task("pairing_export")
def pairing_export(job, progress) -> dict:
    """The pairing roster of the job's street (or the district) as .xlsx or .csv, kept for
    its download by whoever may see the pairings."""
    progress(0, 2, "reading")
    rows = db.session.execute(queries.roster(job.street_id)).all()
    progress(1, 2, "writing")
    ext = job.params["ext"]
    if ext == "csv":
        content = roster_csv(rows).encode("utf-8-sig")
    else:
        content = spreadsheet.xlsx_bytes(spreadsheet.table(EXPORT_COLUMNS, rows))
    return exports.write(job, content, name=f"pairings-{local_today():%Y%m%d}.{ext}",
                         needs=Permission.VIEW_PAIRING)


def roster_csv(rows) -> str:
    """The pairing roster's rows as CSV text, with a header."""
    return spreadsheet.csv_text(EXPORT_COLUMNS, rows)


def export_key(street_id: int | None, ext: str) -> str:
    """The work a pairing export does: one street's roster, or the district's, in one format."""
    return f"pairing_export:{ext}:{street_id or 'district'}"


@job_task("cadre_import")
def cadre_import(job, progress) -> dict:
    """Check the stored cadre roster again within the job's department (a liaison's), then
    write every row: new cadres added, matched ones changed, their moved pairings re-matched.
    The counts are kept with the job for its result page."""
    user = db.session.get(User, job.started_by_id)
    scope = job.params.get("department")
    token, result = checked_again(job, user, progress,
                                  lambda content: cadre_roster.dry_run(content, scope))
    counts = cadre_roster.apply(result, user=user)
    uploads.discard(token, user.id)
    job.params = {"department": scope, "counts": counts}  # the upload's name is spent
    return {"endpoint": "cadres.imported", "values": {"job_id": job.id},
            "needs": Permission.MANAGE_CADRES}


def import_key(token: str) -> str:
    """The work a cadre import does: one checked upload."""
    return f"cadre_import:{token}"
