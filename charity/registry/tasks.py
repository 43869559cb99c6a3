"""The roster import as a job: the confirmed file checked again and written, all rows or none;
and the roster export as a job, audited as it writes its file."""

import hashlib
import json
from dataclasses import asdict

from flask_babel import lazy_gettext as _l

from charity.audit.operations import record
from charity.auth.models import User
from charity.auth.permissions import Permission
from charity.district.models import Street
from charity.extensions import db
from charity.jobs import exports
from charity.jobs.runner import job_task
from charity.registry import excel, queries, uploads
from charity.registry.operations import RegistryError
from charity.timeutil import local_today


def checked_again(job, user, progress, dry_run) -> tuple:
    """The upload a roster import job names, checked again by `dry_run` (the records may have
    changed since the page's dry run): (its token, the clean result). Refused, with the upload
    spent, if it expired or now has errors. Reports the steps before saving."""
    progress(0, 2, "reading")
    # read, and removed only once spent: an attempt after a passing fault reads it again
    token = job.params.get("upload", "")
    content = uploads.read(token, user.id)
    if content is None:
        raise RegistryError(_l("That upload has expired. Please upload the file again."))
    result = dry_run(content)
    if result.errors:
        uploads.discard(token, user.id)
        raise RegistryError(_l("The roster changed since the dry run; nothing was imported."))
    progress(1, 2, "saving")
    return token, result


@job_task("roster_import")
def roster_import(job, progress) -> dict:
    """Check the stored roster again within the job's street, then write every row."""
    user = db.session.get(User, job.started_by_id)
    token, result = checked_again(job, user, progress,
                                  lambda content: excel.dry_run(content, local_today(),
                                                                job.street_id))
    count = excel.apply(result, local_today(), user=user)
    record("roster.import", "roster", None, user=user, rows=count)
    uploads.discard(token, user.id)
    job.params = {"rows": count}  # the upload's name is spent
    return {"endpoint": "registry.people", "values": {}, "needs": Permission.VIEW_REGISTRY}


@job_task("roster_export")
def roster_export(job, progress) -> dict:
    """A street's roster as .xlsx, full ID numbers only if the page allowed them; the audit
    entry (a full export names every person in it) is kept with the job's end, so no file is
    downloadable unless its entry is written."""
    user = db.session.get(User, job.started_by_id) if job.started_by_id else None
    street = db.session.get(Street, job.street_id)
    full = bool(job.params.get("full"))
    progress(0, 2, "reading")
    filters = queries.PersonFilter(**job.params.get("filters", {"street_id": street.id}))
    people = db.session.scalars(queries.people(filters, street.id)).unique().all()
    progress(1, 2, "writing")
    content = excel.export(people, full_ids=full)
    record("roster.export", "street", street.id, user=user, rows=len(people), full_ids=full,
           filters={k: v for k, v in asdict(filters).items() if v},
           person_ids=[p.id for p in people] if full else [])
    name = f"roster-{street.name_en.replace(' ', '-').lower()}-{local_today():%Y%m%d}.xlsx"
    return exports.write(job, content, name=name,
                         needs=Permission.VIEW_FULL_ID if full else Permission.VIEW_REGISTRY)


def export_key(street_id: int, full: bool, filters: queries.PersonFilter) -> str:
    """The work a roster export does: one street's, masked or in full, narrowed by `filters`
    (named by a digest, so the key stays short whatever the search text)."""
    digest = hashlib.sha256(json.dumps(asdict(filters), sort_keys=True).encode()).hexdigest()
    return f"roster_export:{street_id}:{'full' if full else 'masked'}:{digest[:16]}"
