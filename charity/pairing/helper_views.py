"""Cadres and volunteers: the people paired with them, and accepting or declining."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required, roles_accepted

from charity import eligibility as rules
from charity.extensions import db
from charity.pairing import operations, queries
from charity.pairing.adapter import needs_of
from charity.pairing.forms import ConfirmForm, ReasonForm
from charity.pairing.models import Pairing
from charity.timeutil import local_today

bp = Blueprint("my_pairings", __name__, url_prefix="/my")


def _helper():
    helper = queries.helper_of(current_user)
    if helper is None:
        abort(403)
    return helper


def _mine_or_404(pairing_id) -> Pairing:
    kind, helper_id = _helper()
    pairing = db.session.get(Pairing, pairing_id)
    owner = pairing and (pairing.cadre_id if kind == "cadre" else pairing.volunteer_id)
    if pairing is None or pairing.helper_kind != kind or owner != helper_id:
        abort(404)
    return pairing


@bp.get("/pairings")
@auth_required()
@roles_accepted("cadre", "volunteer")
def pairings():
    return _render()


def _render(decline_form=None, declining=None):
    kind, helper_id = _helper()
    mine = db.session.scalars(queries.mine(kind, helper_id)).all()
    standards = rules.standards()
    today = local_today()
    needs = {p.id: sorted(needs_of(p.person, today, standards)) for p in mine}
    return render_template("pairing/mine.html", pairings=mine, needs=needs, kind=kind,
                           accept_form=ConfirmForm(), decline_form=decline_form or ReasonForm(),
                           declining=declining)


@bp.post("/pairings/<int:pairing_id>/accept")
@auth_required()
@roles_accepted("cadre", "volunteer")
def accept(pairing_id):
    pairing = _mine_or_404(pairing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.accept(pairing, user=current_user)
    except operations.PairingError as error:
        flash(str(error), "error")
        return _render(), 400
    db.session.commit()
    flash(_("Accepted. Thank you for taking %(name)s on.", name=pairing.person.name), "success")
    return redirect(url_for(".pairings"))


@bp.post("/pairings/<int:pairing_id>/decline")
@auth_required()
@roles_accepted("cadre", "volunteer")
def decline(pairing_id):
    pairing = _mine_or_404(pairing_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _render(form, declining=pairing.id), 400
    try:
        operations.decline(pairing, form.reason.data, user=current_user)
    except operations.PairingError as error:
        flash(str(error), "error")
        return _render(form, declining=pairing.id), 400
    db.session.commit()
    flash(_("Declined. The household has been offered to another helper."), "success")
    return redirect(url_for(".pairings"))
