"""A volunteer's or organisation's own profile, on their phone: skills, languages, capacity,
streets, availability and phone; pause (holiday, illness) and resume."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.permissions import Permission, guard
from charity.extensions import db
from charity.main import limits
from charity.pairing.forms import ConfirmForm
from charity.pairing.models import Volunteer
from charity.registry import ids
from charity.timeutil import local_today
from charity.transaction import unit_of_work
from charity.volunteers import operations, queries
from charity.volunteers.forms import PauseForm, ProfileForm
from charity.volunteers.pages import profile_of, show_errors

bp = Blueprint("volunteers_profile", __name__, url_prefix="/my/profile")
bp.before_request(guard(Permission.HELP_PEOPLE))


@bp.app_context_processor
def _is_volunteer():
    """Whether the menu offers "My profile": to a signed-in volunteer or organisation."""

    def is_volunteer() -> bool:
        return bool(current_user.is_authenticated and db.session.scalar(
            queries.of_user(current_user.id).with_only_columns(Volunteer.id)))

    return {"is_volunteer": is_volunteer}


def _mine() -> Volunteer:
    volunteer = db.session.scalar(queries.of_user(current_user.id))
    if volunteer is None:  # a cadre: their profile is the department's roster
        abort(404)
    return volunteer


def _render(volunteer, form=None, pause_form=None, status=200):
    if form is None:
        form = ProfileForm(data={
            "phone": ids.decrypt(volunteer.phone_encrypted) if volunteer.phone_encrypted
            else "", "capacity": volunteer.capacity, "skills": volunteer.skills,
            "languages": volunteer.languages, "travel_streets": volunteer.travel_street_ids,
            "availability": volunteer.availability})
    return render_template("volunteers/profile.html", volunteer=volunteer, form=form,
                           pause_form=pause_form or PauseForm(), resume_form=ConfirmForm(),
                           paused=volunteer.paused_on(local_today()),
                           current=operations.live_pairings(volunteer)), status


def _bounded(form, volunteer) -> ProfileForm:
    if volunteer.kind != "volunteer":
        form.capacity_bounds = limits.ORGANISATION_CAPACITY
    return form


@bp.get("")
def profile():
    """The helper's profile and pause."""
    return _render(_mine())


def _submitted(volunteer, form, write, done: str, form_name: str):
    """Run `write()` in a unit of work if `form` is valid: back to the profile with `done`,
    or the page again with the refusal beside its field."""
    if form.validate_on_submit():
        errors = []
        with unit_of_work(errors) as work:
            write()
        if work.ok:
            flash(done, "success")
            return redirect(url_for(".profile"))
        show_errors(form, work.error, errors)
    return _render(volunteer, status=400, **{form_name: form})


@bp.post("")
def save():
    """Save the helper's own changes."""
    volunteer = _mine()
    form = _bounded(ProfileForm(), volunteer)

    def write():
        operations.update_profile(volunteer, profile_of(form), current_user)

    return _submitted(volunteer, form, write, _("Your profile is saved."), "form")


@bp.post("/pause")
def pause():
    """Pause: no new people until the day given, or until the helper resumes."""
    volunteer = _mine()
    form = PauseForm()

    def write():
        operations.pause(volunteer, form.kind.data, form.until.data, form.reason.data,
                         current_user, local_today())

    return _submitted(volunteer, form, write, _(
        "You are paused. The people paired with you stay with you; nobody new is offered to "
        "you until you resume."), "pause_form")


@bp.post("/resume")
def resume():
    """Resume: the next run may offer the helper people again."""
    volunteer = _mine()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        operations.resume(volunteer, current_user)
    if work.ok:
        flash(_("Welcome back: the next pairing run may offer you people again."), "success")
    return redirect(url_for(".profile"))
