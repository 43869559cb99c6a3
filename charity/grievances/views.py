"""Grievance pages: the public form and look-up (no login, rate-limited, showing nothing but
what the complainant wrote and the answer), and the staff queue, record and answer pages
(a street officer sees their street's only)."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from charity.auth.access import note_out_of_scope, scoped_or_404, street_scope
from charity.auth.permissions import Permission, requires
from charity.extensions import db, limiter
from charity.grievances import operations, queries
from charity.grievances.forms import AnswerForm, GrievanceForm, StaffGrievanceForm, TrackForm
from charity.grievances.models import Grievance
from charity.main.limits import as_id
from charity.relief.models import Application
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("grievances", __name__, url_prefix="/grievances")


def _budget() -> str:
    return current_app.config["GRIEVANCE_RATE_LIMIT"]


#: Submissions and look-ups, per client address.
public_limit = limiter.limit(_budget, methods=["POST"], override_defaults=False)


def _submission(form, application_id=None) -> operations.Submission:
    return operations.Submission(kind=form.kind.data, street_id=form.street.data,
                                 text=form.text.data, phone=form.digits(),
                                 application_id=application_id)


def _write(form, template: str, user=None, application_id=None, **context):
    if form.validate_on_submit():
        errors = []
        with unit_of_work(errors) as work:
            grievance, code = operations.submit(_submission(form, application_id), user=user)
        if work.ok:
            return render_template("grievances/submitted.html", code=code,
                                   due_on=grievance.due_on)
        form.text.errors = errors
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


@bp.route("/new", methods=["GET", "POST"])
@public_limit
def new():
    """Public: complain or appeal; the page that follows shows the tracking code once."""
    return _write(GrievanceForm(), "grievances/new.html",
                  days=current_app.config["GRIEVANCE_ANSWER_DAYS"])


@bp.route("/track", methods=["GET", "POST"])
@public_limit
def track():
    """Public: the status and answer of one's grievance, by tracking code and phone digits.
    A wrong code and a wrong phone get the same answer."""
    form, grievance, missing = TrackForm(), None, False
    if form.validate_on_submit():
        grievance = queries.tracked(form.code.data, form.last4.data)
        missing = grievance is None
    status = 404 if missing else (400 if request.method == "POST" and grievance is None else 200)
    return render_template("grievances/track.html", form=form, grievance=grievance,
                           missing=missing), status


@bp.get("/")
@requires(Permission.HANDLE_GRIEVANCES)
def queue():
    """Staff: open grievances soonest due first (overdue marked), and the latest answered."""
    scope = street_scope()
    return render_template("grievances/queue.html", today=local_today(),
                           open=db.session.scalars(queries.queue(scope)).all(),
                           answered=db.session.scalars(queries.queue(scope, "answered")).all())


def _appealed_in_scope(application_id: int, scope: int | None) -> None:
    """Another street's application named by hand in an appeal is 404, kept in the security
    log (one that does not exist is the form's refusal, as before)."""
    if scope is None:
        return
    mine = db.session.scalar(select(Application.id).where(
        Application.id == application_id, Application.street_id == scope))
    if mine is None and note_out_of_scope(Application, application_id):
        abort(404)


@bp.route("/record", methods=["GET", "POST"])
@requires(Permission.HANDLE_GRIEVANCES)
def record():
    """Staff: record a complaint or appeal for someone; an appeal may name the refused
    application."""
    form = StaffGrievanceForm(scope=street_scope())
    if request.method == "POST" and (appealed := as_id(form.application.data)) is not None:
        _appealed_in_scope(appealed, street_scope())
    return _write(form, "grievances/record.html", user=current_user,
                  application_id=form.application.data)


@bp.route("/<int:grievance_id>", methods=["GET", "POST"])
@requires(Permission.HANDLE_GRIEVANCES)
def show(grievance_id):
    """Staff: one grievance and its answer (written here, once)."""
    grievance = scoped_or_404(queries.in_scope(grievance_id, street_scope()), Grievance,
                              grievance_id)
    form = AnswerForm()
    if form.validate_on_submit():
        errors = []
        with unit_of_work(errors) as work:
            operations.answer(grievance, form.answer.data, user=current_user)
        if work.ok:
            return redirect(url_for(".show", grievance_id=grievance_id))
        form.answer.errors = errors
    status = 400 if request.method == "POST" else 200
    return render_template("grievances/show.html", grievance=grievance, form=form,
                           today=local_today()), status
