"""The public sign-up pages of volunteers and organisations, and the confirmation link. No
login; rate-limited per address; they show nobody's data but what the visitor typed."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.auth.passwords import WeakPassword
from charity.auth.throttle import SIGNUP_LIMIT
from charity.extensions import db
from charity.main import mail
from charity.pairing.forms import ConfirmForm
from charity.pairing.models import Volunteer
from charity.transaction import unit_of_work
from charity.volunteers import operations, tokens
from charity.volunteers.forms import EmailOnlyForm, OrganisationForm, VolunteerForm
from charity.volunteers.pages import profile_of, show_errors

bp = Blueprint("volunteers", __name__, url_prefix="/join")

CONFIRM_SUBJECT = _l("Confirm your sign-up with Songtan")
TAKEN_SUBJECT = _l("Your e-mail address has a Songtan account already")


def send_confirmation(volunteer: Volunteer) -> None:
    """E-mail the sign-up its confirmation link (`MailNotSent` if it cannot go)."""
    link = url_for("volunteers.confirm", token=tokens.make(volunteer), _external=True)
    mail.send(volunteer.email, CONFIRM_SUBJECT, "signup_confirm", name=volunteer.name,
              link=link, hours=current_app.config["SIGNUP_CONFIRM_HOURS"])


def _application(form, kind: str) -> operations.Application:
    return operations.Application(
        kind=kind, name=form.name.data, email=form.email.data,
        home_community_id=form.home_community.data, profile=profile_of(form),
        contact_person=getattr(form, "contact_person", None) and form.contact_person.data)


def _sign_up(form, kind: str, template: str):
    if form.validate_on_submit():
        errors = []
        with unit_of_work(errors) as work:
            hashed = _hashed(form)
            volunteer = operations.sign_up(_application(form, kind), hashed)
            send_confirmation(volunteer)
        if work.ok:
            return redirect(url_for(".sent"))
        if isinstance(work.error, operations.EmailTaken):
            return _tell_the_owner(form, template)
        show_errors(form, work.error, errors)
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form), status


def _tell_the_owner(form, template: str):
    """An address with an account: its owner is e-mailed, and the visitor sees what a new
    sign-up sees (the page tells nobody which addresses are registered)."""
    errors = []
    with unit_of_work(errors) as work:
        mail.send(form.email.data.strip().lower(), TAKEN_SUBJECT, "signup_taken",
                  login=url_for("security.login", _external=True))
    if work.ok:
        return redirect(url_for(".sent"))
    show_errors(form, work.error, errors)  # as a new address's: the page tells nothing
    return render_template(template, form=form), 400


def _hashed(form) -> str:
    try:
        return operations.password_hash(form.password.data, form.email.data, form.name.data)
    except WeakPassword as error:
        raise operations.SignUpError(str(error), "password") from None


@bp.route("/", methods=["GET", "POST"])
@SIGNUP_LIMIT
def volunteer():
    """A volunteer signs up."""
    return _sign_up(VolunteerForm(), "volunteer", "volunteers/signup_volunteer.html")


@bp.route("/organisation", methods=["GET", "POST"])
@SIGNUP_LIMIT
def organisation():
    """A social-work agency, an enterprise or a street aid centre signs up."""
    form = OrganisationForm()
    kind = form.kind.data if form.kind.data in dict(form.kind.choices) else "organisation"
    return _sign_up(form, kind, "volunteers/signup_organisation.html")


@bp.get("/sent")
def sent():
    """The sign-up is written: the applicant opens the link we e-mailed."""
    return render_template("volunteers/sent.html",
                           hours=current_app.config["SIGNUP_CONFIRM_HOURS"])


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """The link of the confirmation e-mail: a button confirms (a mail client that opens the
    link ahead of its reader confirms nothing)."""
    reading = tokens.read(token)
    if reading.volunteer is None:
        return render_template("volunteers/confirm.html", problem=reading.problem,
                               resend_form=EmailOnlyForm()), 400
    volunteer, form = reading.volunteer, ConfirmForm()
    already = volunteer.confirmed_at is not None
    if request.method == "POST" and not already:
        if not form.validate_on_submit():
            abort(400)
        with unit_of_work():
            operations.confirm(volunteer)
    return render_template("volunteers/confirm.html", problem=None, already=already,
                           volunteer=volunteer, form=form)


@bp.post("/resend")
@SIGNUP_LIMIT
def resend():
    """A new confirmation link, for a sign-up whose link expired: the answer is the same
    whether or not the address has one waiting (it tells nobody who signed up)."""
    form = EmailOnlyForm()
    if form.validate_on_submit():
        volunteer = db.session.scalar(select(Volunteer).where(
            Volunteer.email == form.email.data.strip().lower(),
            Volunteer.confirmed_at.is_(None)))
        errors = []
        if volunteer is not None:
            with unit_of_work(errors):
                send_confirmation(volunteer)
        if not errors:
            return redirect(url_for(".sent"))
        form.email.errors = errors
    return render_template("volunteers/confirm.html", problem="expired", resend_form=form), 400
