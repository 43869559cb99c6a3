"""Periodic review (定期普查): cycles, who is due, and each person's review."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from charity.auth.access import street_scope
from charity.auth.permissions import Permission, guard, requires
from charity.casework import operations, queries
from charity.casework.forms import CycleForm, ReviewForm
from charity.casework.models import ReviewCycle
from charity.casework.pages import person_or_404
from charity.extensions import db
from charity.main.input_guard import page_arg
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("casework_reviews", __name__, url_prefix="/casework")
bp.before_request(guard(Permission.VIEW_REGISTRY))


def _render_cycles(form, status: int = 200):
    cycles = db.session.scalars(select(ReviewCycle).order_by(ReviewCycle.due_by.desc())).all()
    return render_template("casework/reviews.html", cycles=cycles, form=form), status


@bp.get("/reviews")
def reviews():
    """The review cycles, and for admins the form that opens one."""
    return _render_cycles(CycleForm(formdata=None, due_by=local_today() + timedelta(days=30)))


@bp.post("/reviews")
@requires(Permission.OPEN_DISTRICT_WORK)
def open_cycle():
    """Admins open a cycle for the district; street officers review their own street in it."""
    form = CycleForm()
    if form.validate_on_submit():
        with unit_of_work(errors=form.name.errors) as work:
            cycle = operations.open_cycle(form.name.data, form.due_by.data, user=current_user)
        if work.ok:
            flash(_("Review cycle opened."), "success")
            return redirect(url_for(".cycle", cycle_id=cycle.id))
    return _render_cycles(form, 400)


def _render_cycle(cycle, form=None, person_id=None, status=200):
    scope = street_scope()
    today = local_today()
    due = db.paginate(queries.due_for_review(cycle.due_by, scope, cycle.id), page=page_arg(),
                      per_page=50, error_out=False)
    done = db.session.scalars(queries.reviewed_in(cycle.id, scope).limit(50)).all()
    form = form or ReviewForm(formdata=None, reviewed_on=today,
                              next_review_date=today + timedelta(days=365))
    return render_template("casework/cycle.html", cycle=cycle, due=due, done=done, form=form,
                           failed=person_id, today=today), status


@bp.get("/reviews/<int:cycle_id>")
def cycle(cycle_id):
    """Who on the user's streets is still due in the cycle, and who has been reviewed."""
    return _render_cycle(db.get_or_404(ReviewCycle, cycle_id))


@bp.post("/reviews/<int:cycle_id>/people/<int:person_id>")
@requires(Permission.EDIT_REGISTRY)
def review(cycle_id, person_id):
    """Confirm or change a person's status in the cycle (the history keeps the reason)."""
    cycle = db.get_or_404(ReviewCycle, cycle_id)
    person = person_or_404(person_id)
    form = ReviewForm()
    if form.validate_on_submit():
        with unit_of_work(errors=form.form_errors) as work:
            operations.review(cycle, person, form.outcome.data, form.reason.data,
                              form.reviewed_on.data, form.next_review_date.data, local_today(),
                              user=current_user)
        if work.ok:
            flash(_("Review saved for %(name)s.", name=person.name), "success")
            return redirect(url_for(".cycle", cycle_id=cycle.id, page=request.args.get("page")))
    return _render_cycle(cycle, form, person.id, 400)
