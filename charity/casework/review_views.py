"""Periodic review (定期普查): cycles, who is due, and each person's review."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import roles_accepted
from sqlalchemy import select

from charity.auth.access import can_edit_registry, street_scope
from charity.auth.roles import REGISTRY_EDITORS
from charity.casework import operations, queries
from charity.casework.forms import CycleForm, ReviewForm
from charity.casework.models import ReviewCycle
from charity.casework.views import bp, person_or_404
from charity.extensions import db
from charity.timeutil import local_today


def _cycles():
    return db.session.scalars(select(ReviewCycle).order_by(ReviewCycle.due_by.desc())).all()


@bp.get("/reviews")
def reviews():
    form = CycleForm(formdata=None, due_by=local_today() + timedelta(days=30))
    return render_template("casework/reviews.html", cycles=_cycles(), form=form,
                           can_open=current_user.has_role("admin"))


@bp.post("/reviews")
@roles_accepted("admin")
def open_cycle():
    """Admins open a cycle for the district; street officers review their own street in it."""
    form = CycleForm()
    if form.validate_on_submit():
        try:
            cycle = operations.open_cycle(form.name.data, form.due_by.data, user=current_user)
        except operations.CaseworkError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Review cycle opened."), "success")
            return redirect(url_for(".cycle", cycle_id=cycle.id))
    return render_template("casework/reviews.html", cycles=_cycles(), form=form,
                           can_open=True), 400


def _cycle_or_404(cycle_id):
    cycle = db.get_or_404(ReviewCycle, cycle_id)
    return cycle


def render_cycle(cycle, form=None, person_id=None, status=200):
    scope = street_scope()
    today = local_today()
    due = db.paginate(queries.due_for_review(cycle.due_by, scope, cycle.id), per_page=50,
                      error_out=False)
    done = db.session.scalars(queries.reviewed_in(cycle.id, scope).limit(50)).all()
    form = form or ReviewForm(formdata=None, reviewed_on=today,
                              next_review_date=today + timedelta(days=365))
    return render_template("casework/cycle.html", cycle=cycle, due=due, done=done, form=form,
                           failed=person_id, today=today,
                           can_edit=can_edit_registry(current_user)), status


@bp.get("/reviews/<int:cycle_id>")
def cycle(cycle_id):
    return render_cycle(_cycle_or_404(cycle_id))


@bp.post("/reviews/<int:cycle_id>/people/<int:person_id>")
@roles_accepted(*REGISTRY_EDITORS)
def review(cycle_id, person_id):
    """Confirm or change a person's status in the cycle (the history keeps the reason)."""
    cycle = _cycle_or_404(cycle_id)
    person = person_or_404(person_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            operations.review(cycle, person, form.outcome.data, form.reason.data,
                              form.reviewed_on.data, form.next_review_date.data, local_today(),
                              user=current_user)
        except operations.CaseworkError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Review saved for %(name)s.", name=person.name), "success")
            return redirect(url_for(".cycle", cycle_id=cycle.id, page=request.args.get("page")))
    return render_cycle(cycle, form, person.id, 400)
