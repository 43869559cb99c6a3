"""Cadres and volunteers: the people paired with them, and accepting or declining."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity import eligibility as rules
from charity.auth.access import note_out_of_scope
from charity.auth.permissions import Permission, refuse, requires
from charity.extensions import db
from charity.pairing import operations, queries
from charity.pairing.adapter import needs_of
from charity.pairing.forms import ConfirmForm, ReasonForm
from charity.pairing.models import Pairing
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("my_pairings", __name__, url_prefix="/my")


def _helper():
    helper = queries.helper_of(current_user)
    if helper is None:
        refuse(reason="not a helper")
    return helper


def _mine_or_404(pairing_id) -> Pairing:
    kind, helper_id = _helper()
    pairing = db.session.get(Pairing, pairing_id)
    owner = pairing and (pairing.cadre_id if kind == "cadre" else pairing.volunteer_id)
    if pairing is None or pairing.helper_kind != kind or owner != helper_id:
        note_out_of_scope(Pairing, pairing_id)
        abort(404)
    return pairing


@bp.get("/pairings")
@requires(Permission.HELP_PEOPLE)
def pairings():
    """The people paired with the helper, their needs, and accept or decline for proposals."""
    return _render()


def _render(decline_form=None, declining=None):
    kind, helper_id = _helper()
    mine = db.session.scalars(queries.mine(kind, helper_id)).all()
    standards = rules.standards()
    today = local_today()
    needs = {p.id: sorted(needs_of(p.person, today, standards)) for p in mine}
    return render_template("pairing/mine.html", households=by_household(mine), needs=needs,
                           kind=kind,
                           accept_form=ConfirmForm(), decline_form=decline_form or ReasonForm(),
                           declining=declining)


def by_household(pairings) -> list[tuple]:
    """(household, its pairings) in the order the first pairing of each household comes:
    a household's members paired with one helper are shown together."""
    groups: dict[int, tuple] = {}
    for pairing in pairings:
        household = pairing.person.household
        groups.setdefault(household.id, (household, []))[1].append(pairing)
    return list(groups.values())


@bp.post("/pairings/<int:pairing_id>/accept")
@requires(Permission.HELP_PEOPLE)
def accept(pairing_id):
    """Take on a proposed household."""
    pairing = _mine_or_404(pairing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        operations.accept(pairing, user=current_user)
    if not work.ok:
        return _render(), 400
    flash(_("Accepted. Thank you for taking %(name)s on.", name=pairing.person.name), "success")
    return redirect(url_for(".pairings"))


@bp.post("/pairings/<int:pairing_id>/decline")
@requires(Permission.HELP_PEOPLE)
def decline(pairing_id):
    """Decline a household, with a reason: it is offered to another helper, never to this one."""
    pairing = _mine_or_404(pairing_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            operations.decline(pairing, form.reason.data, user=current_user)
        if work.ok:
            flash(_("Declined. The household has been offered to another helper."), "success")
            return redirect(url_for(".pairings"))
    return _render(form, declining=pairing.id), 400
