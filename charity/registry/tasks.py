"""The roster import as a job: the confirmed file checked again and written, all rows or none."""

from flask_babel import lazy_gettext as _l

from charity.audit.operations import record
from charity.auth.models import User
from charity.auth.permissions import Permission
from charity.extensions import db
from charity.jobs.runner import job_task
from charity.registry import excel, uploads
from charity.registry.operations import RegistryError
from charity.timeutil import local_today


@job_task("roster_import")
def roster_import(job, progress) -> dict:
    """Check the stored roster again within the job's street, then write every row."""
    user = db.session.get(User, job.started_by_id)
    progress(0, 2, "reading")
    # read, and removed only once spent: an attempt after a passing fault reads it again
    token = job.params.get("upload", "")
    content = uploads.read(token, user.id)
    if content is None:
        raise RegistryError(_l("That upload has expired. Please upload the file again."))
    result = excel.dry_run(content, local_today(), job.street_id)
    if result.errors:
        uploads.discard(token, user.id)
        raise RegistryError(_l("The roster changed since the dry run; nothing was imported."))
    progress(1, 2, "saving")
    count = excel.apply(result, local_today(), user=user)
    record("roster.import", "roster", None, user=user, rows=count)
    uploads.discard(token, user.id)
    job.params = {"rows": count}  # the upload's name is spent
    return {"endpoint": "registry.people", "values": {}, "needs": Permission.VIEW_REGISTRY}
