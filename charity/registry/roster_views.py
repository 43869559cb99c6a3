"""Roster import (dry run, then confirm) and export, on the registry blueprint."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import roles_accepted

from charity.audit.operations import record
from charity.auth.access import can_see_full_id, street_scope
from charity.auth.roles import REGISTRY_EDITORS
from charity.district.models import Street
from charity.extensions import db
from charity.registry import excel, queries, uploads
from charity.registry.forms import ConfirmImportForm, ImportForm
from charity.registry.views import bp
from charity.timeutil import local_today


@bp.route("/import", methods=["GET", "POST"])
@roles_accepted(*REGISTRY_EDITORS)
def import_roster():
    """Upload a roster: the dry run lists every bad row and writes nothing."""
    scope = street_scope()
    form = ImportForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("registry/import.html", form=form, result=None), status
    content = form.file.data.read()
    result = excel.dry_run(content, local_today(), scope)
    token = None if result.errors else uploads.keep(content, current_user.id)
    return render_template("registry/import.html", form=form, result=result, token=token,
                           confirm=ConfirmImportForm(formdata=None, token=token))


@bp.post("/import/confirm")
@roles_accepted(*REGISTRY_EDITORS)
def confirm_import():
    """Import a file whose dry run was clean; checked again, all rows or none."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    content = uploads.take(form.token.data, current_user.id)
    if content is None:
        flash(_("That upload has expired. Please upload the file again."), "error")
        return redirect(url_for(".import_roster"))
    result = excel.dry_run(content, local_today(), street_scope())
    if result.errors:
        flash(_("The roster changed since the dry run; nothing was imported."), "error")
        return render_template("registry/import.html", form=ImportForm(formdata=None),
                               result=result, token=None), 400
    count = excel.apply(result, local_today(), user=current_user)
    record("roster.import", "roster", None, rows=count)
    db.session.commit()
    flash(_("%(count)s people imported.", count=count), "success")
    return redirect(url_for(".people"))


@bp.get("/export")
def export_roster():
    """A street's roster as .xlsx; full ID numbers only for roles that may see them (audited)."""
    scope = street_scope()
    street_id = scope or (int(request.args["street"]) if request.args.get("street", "").isdigit()
                          else None)
    street = db.session.get(Street, street_id) if street_id else None
    if street is None:
        abort(404)
    people = db.session.scalars(
        queries.people(queries.PersonFilter(street_id=street.id), scope)).unique().all()
    full = can_see_full_id(current_user) and request.args.get("full") == "1"
    content = excel.export(people, full_ids=full)
    # A full export is a full view of every person in it: the entry names them all.
    record("roster.export", "street", street.id, rows=len(people), full_ids=full,
           person_ids=[p.id for p in people] if full else [])
    db.session.commit()
    name = f"roster-{street.name_en.replace(' ', '-').lower()}-{local_today():%Y%m%d}.xlsx"
    from io import BytesIO

    return send_file(BytesIO(content), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
