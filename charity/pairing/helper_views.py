"""Cadres and volunteers: the people paired with them, and accepting or declining."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity import eligibility as rules
from charity.auth.permissions import Permission, requires
from charity.extensions import db
from charity.pairing import operations, queries
from charity.pairing.adapter import needs_of
from charity.pairing.forms import ConfirmForm, ReasonForm
from charity.pairing.messages import render
from charity.pairing.mine import helper, mine_or_404
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("my_pairings", __name__, url_prefix="/my")


@bp.get("/pairings")
@requires(Permission.HELP_PEOPLE)
def pairings():
    """The people paired with the helper, their needs, and accept or decline for proposals."""
    return _render()


def _render(decline_form=None, declining=None):
    kind, helper_id = helper()
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
    pairing = mine_or_404(pairing_id)
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
    """Decline a household, with a reason: the page says whether another helper was found (or
    that the street has it as a to-do), and shows a volunteer the next person suggested."""
    pairing = mine_or_404(pairing_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            outcome = operations.decline(pairing, form.reason.data, user=current_user)
        if work.ok:
            _say(outcome)
            anchor = f"pairing-{outcome.suggestion.id}" if outcome.suggestion else None
            return redirect(url_for(".pairings", _anchor=anchor))
    return _render(form, declining=pairing.id), 400


def _say(outcome: operations.Declined) -> None:
    """Flash what the decline did, as it happened."""
    if outcome.replacement is not None:
        flash(_("Declined. A new helper has been matched with the household."), "success")
    else:
        flash(_("Declined. No other helper was found yet; the street has been given a "
                "to-do: %(reason)s", reason=render(outcome.reason)), "warning")
    if outcome.suggestion is not None:
        flash(_("You have room for one more: %(name)s is suggested to you below; please "
                "accept or decline.", name=outcome.suggestion.person.name), "info")
    elif outcome.suggestion_reason is not None:
        flash(_("No other suggestion for you now: %(reason)s",
                reason=render(outcome.suggestion_reason)), "info")
