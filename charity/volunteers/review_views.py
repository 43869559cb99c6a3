"""The street officer's queue of sign-ups from their street: what each applicant entered (the
phone masked), approve, or reject with a reason that is e-mailed. Another street's sign-up
answers 404, like one that does not exist."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from charity.auth.access import scoped_or_404, street_scope
from charity.auth.permissions import Permission, can, guard
from charity.district.models import Street
from charity.extensions import db
from charity.main import mail
from charity.pairing.forms import ConfirmForm
from charity.pairing.models import Volunteer
from charity.transaction import unit_of_work
from charity.volunteers import operations, queries
from charity.volunteers.forms import RejectForm

bp = Blueprint("volunteers_review", __name__, url_prefix="/helpers")
bp.before_request(guard(Permission.REVIEW_HELPERS))

APPROVED_SUBJECT = _l("Your sign-up with Songtan is approved")
REJECTED_SUBJECT = _l("Your sign-up with Songtan was not approved")


@bp.app_context_processor
def _waiting_helpers():
    """The menu's count of sign-ups waiting, read only where a page asks for it."""

    def waiting_helpers() -> int:
        if not can(Permission.REVIEW_HELPERS):
            return 0
        scope = current_user.street_id if not can(Permission.SEE_WHOLE_DISTRICT) else None
        return db.session.scalar(queries.waiting_count(scope)) or 0

    return {"waiting_helpers": waiting_helpers}


@bp.get("/applications")
def applications(reject_form=None, rejecting=None):
    """The sign-ups waiting for this street's decision."""
    waiting = db.session.scalars(queries.waiting(street_scope())).all()
    streets = dict(db.session.execute(select(Street.id, Street.name)).all())
    return render_template("volunteers/applications.html", waiting=waiting, streets=streets,
                           approve_form=ConfirmForm(), reject_form=reject_form or RejectForm(),
                           rejecting=rejecting)


def _waiting_or_404(volunteer_id: int) -> Volunteer:
    return scoped_or_404(queries.one_waiting(volunteer_id, street_scope()), Volunteer,
                         volunteer_id)


@bp.post("/applications/<int:volunteer_id>/approve")
def approve(volunteer_id):
    """Approve a sign-up: the helper may sign in, and the next run may pair them."""
    volunteer = _waiting_or_404(volunteer_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        operations.approve(volunteer, current_user)
        mail.send(volunteer.email, APPROVED_SUBJECT, "signup_decision", name=volunteer.name,
                  approved=True, reason=None, login=url_for("security.login", _external=True))
    if work.ok:
        flash(_("Approved: %(name)s can sign in and will be offered people from the next "
                "pairing run.", name=volunteer.name), "success")
    return redirect(url_for(".applications"))


@bp.post("/applications/<int:volunteer_id>/reject")
def reject(volunteer_id):
    """Reject a sign-up with a reason, which the applicant is sent."""
    volunteer = _waiting_or_404(volunteer_id)
    form = RejectForm()
    if form.validate_on_submit():
        with unit_of_work(form.reason.errors) as work:
            operations.reject(volunteer, form.reason.data, current_user)
            mail.send(volunteer.email, REJECTED_SUBJECT, "signup_decision",
                      name=volunteer.name, approved=False, reason=form.reason.data.strip(),
                      login=None)
        if work.ok:
            flash(_("Rejected; the reason was sent to the applicant."), "success")
            return redirect(url_for(".applications"))
    return applications(reject_form=form, rejecting=volunteer.id), 400
