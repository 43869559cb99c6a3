"""Staff and street officers: run the optimiser, preview, publish, lock and forbid pairs."""

import csv
from io import BytesIO, StringIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required, roles_accepted
from openpyxl import Workbook

from charity.auth.access import street_scope
from charity.district import queries as district_queries
from charity.district.models import Street
from charity.extensions import db
from charity.pairing import operations, queries
from charity.pairing.forms import ConfirmForm, ReasonForm, RunForm
from charity.pairing.models import MatchRun
from charity.timeutil import local_today

bp = Blueprint("pairing", __name__, url_prefix="/pairing")
STAFF = ("admin", "street_officer", "fund_manager", "approver")
WRITERS = ("admin", "street_officer")
EXPORT_COLUMNS = ("beneficiary_id", "street", "helper_kind", "helper_id", "helper_rank",
                  "helper_group_street", "status")


def _run_form(scope):
    form = RunForm()
    streets = db.session.scalars(district_queries.streets()).all()
    form.street.choices = ([] if scope else [("", _("Whole district"))]) + [
        (str(s.id), s.name) for s in streets if scope is None or s.id == scope]
    return form


@bp.get("/")
@auth_required()
@roles_accepted(*STAFF)
def overview():
    scope = street_scope()
    rows = [r for r in db.session.execute(queries.coverage()).all()
            if scope is None or r[0].id == scope]
    return render_template("pairing/overview.html", rows=rows, form=_run_form(scope),
                           runs=db.session.scalars(queries.runs(scope)).all())


@bp.post("/runs")
@auth_required()
@roles_accepted(*WRITERS)
def run():
    scope = street_scope()
    form = _run_form(scope)
    if not form.validate_on_submit():
        abort(400)
    street = db.session.get(Street, int(form.street.data)) if form.street.data else None
    if scope is not None and (street is None or street.id != scope):
        abort(404)
    match_run = operations.run(street, user=current_user)
    db.session.commit()
    return redirect(url_for(".preview", run_id=match_run.id))


def _run_or_404(run_id):
    match_run = db.session.get(MatchRun, run_id)
    scope = street_scope()
    if match_run is None or (scope is not None and match_run.street_id != scope):
        abort(404)
    return match_run


@bp.get("/runs/<int:run_id>")
@auth_required()
@roles_accepted(*STAFF)
def preview(run_id):
    match_run = _run_or_404(run_id)
    return render_template("pairing/preview.html", run=match_run, form=ConfirmForm())


@bp.post("/runs/<int:run_id>/publish")
@auth_required()
@roles_accepted(*WRITERS)
def publish(run_id):
    match_run = _run_or_404(run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        counts = operations.publish(match_run, user=current_user)
    except operations.PairingError as error:
        flash(str(error), "error")
        return redirect(url_for(".preview", run_id=run_id))
    db.session.commit()
    flash(_("Published: %(added)s new pairs proposed, %(ended)s ended, %(kept)s kept.",
            **counts), "success")
    return redirect(url_for(".pairings"))


@bp.get("/pairings")
@auth_required()
@roles_accepted(*STAFF)
def pairings():
    scope = street_scope()
    street = request.args.get("street", type=int)
    page = db.paginate(queries.live(scope, street), per_page=50, error_out=False)
    return render_template("pairing/pairings.html", page=page, form=ReasonForm(),
                           streets=db.session.scalars(district_queries.streets()).all(),
                           scope=scope)


def _pairing_or_404(pairing_id):
    return db.first_or_404(queries.pairing(pairing_id, street_scope()))


@bp.post("/pairings/<int:pairing_id>/lock")
@auth_required()
@roles_accepted(*WRITERS)
def lock(pairing_id):
    pairing = _pairing_or_404(pairing_id)
    try:
        operations.set_locked(pairing, not pairing.locked, user=current_user)
    except operations.PairingError as error:
        flash(str(error), "error")
        return redirect(url_for(".pairings"))
    db.session.commit()
    flash(_("Pair locked.") if pairing.locked else _("Pair unlocked."), "success")
    return redirect(request.referrer or url_for(".pairings"))


@bp.post("/pairings/<int:pairing_id>/forbid")
@auth_required()
@roles_accepted(*WRITERS)
def forbid(pairing_id):
    pairing = _pairing_or_404(pairing_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "error")
        return redirect(url_for(".pairings"))
    operations.forbid(pairing, form.reason.data, user=current_user)
    db.session.commit()
    flash(_("The pair is ended and will never be proposed again."), "success")
    return redirect(request.referrer or url_for(".pairings"))


@bp.get("/export.<fmt>")
@auth_required()
@roles_accepted(*STAFF)
def export(fmt):
    """The pairing roster as .xlsx or .csv."""
    rows = db.session.execute(queries.roster(street_scope())).all()
    name = f"pairings-{local_today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return send_file(BytesIO(roster_csv(rows).encode("utf-8-sig")), as_attachment=True,
                         download_name=name, mimetype="text/csv")
    if fmt != "xlsx":
        abort(404)
    book = Workbook()
    book.active.append(EXPORT_COLUMNS)
    for row in rows:
        book.active.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return send_file(BytesIO(buffer.getvalue()), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def roster_csv(rows) -> str:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
