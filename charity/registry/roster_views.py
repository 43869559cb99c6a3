"""Roster import (dry run, then confirm) and export."""

from dataclasses import asdict

from flask import Blueprint, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.access import street_scope
from charity.auth.permissions import Permission, can, guard, requires
from charity.district.models import Street
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.pages import shown
from charity.main.input_guard import id_arg
from charity.registry import excel, tasks, uploads
from charity.registry.filters import filter_form, person_filter
from charity.registry.forms import ImportForm
from charity.registry.import_pages import confirmed_upload, dry_run_page
from charity.timeutil import local_today

bp = Blueprint("registry_roster", __name__, url_prefix="/registry")
bp.before_request(guard(Permission.VIEW_REGISTRY))


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTRY)
def import_roster():
    """Upload a roster: the dry run lists every bad row and writes nothing."""
    scope = street_scope()
    return dry_run_page("registry/import.html",
                        lambda content: excel.dry_run(content, local_today(), scope))


@bp.post("/import/confirm")
@requires(Permission.EDIT_REGISTRY)
def confirm_import():
    """Import a file whose dry run was clean, as a job: checked again, all rows or none."""
    token, content = confirmed_upload(".import_roster")
    result = excel.dry_run(content, local_today(), street_scope())
    if result.errors:
        flash(_("The roster changed since the dry run; nothing was imported."), "error")
        return render_template("registry/import.html", form=ImportForm(formdata=None),
                               result=result, token=None), 400
    upload = uploads.keep(content, current_user.id)  # for the job, which checks it again
    job, started = jobs.start("roster_import", f"roster_import:{token}",
                              user=current_user, street_id=street_scope(),
                              params={"upload": upload})
    return shown(job, started)


@bp.post("/export")
def export_roster():
    """Start a job that writes a street's roster as .xlsx, narrowed by the filters the list
    shows (the same query string), (full ID numbers only for roles that
    may see them; audited); its page leads to the download. A second start shows the first."""
    scope = street_scope()
    form = filter_form(scope)
    if form.unknown():  # a filter that is none of its choices: no export of something else
        abort(400)
    filters = person_filter(form)  # the list's own filters, from its link
    street_id = scope or id_arg("street")
    street = db.session.get(Street, street_id) if street_id else None
    if street is None:
        abort(404)
    full = can(Permission.VIEW_FULL_ID) and request.args.get("full") == "1"
    params = {"ext": "xlsx", "full": full, "filters": asdict(filters)}
    job, started = jobs.start("roster_export", tasks.export_key(street.id, full, filters),
                              user=current_user, street_id=street.id, params=params)
    return shown(job, started)
