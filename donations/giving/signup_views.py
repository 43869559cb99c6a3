"""Monthly giving from the public page, for a guest: the gift's terms and an account, a
confirmation e-mail, and the link that opens the account and leads to the portal, where the
card is saved. No login; rate-limited per address like the volunteers' sign-up; the pages show
nobody's data but what the visitor typed, and never whether an address is registered."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_security import login_user

from charity.auth.passwords import WeakPassword
from charity.auth.permissions import Permission, can
from charity.auth.throttle import SIGNUP_LIMIT
from charity.main import mail
from charity.transaction import unit_of_work
from charity.volunteers.operations import password_hash
from charity.volunteers.pages import show_errors
from donations.giving import designations
from donations.giving import monthly_signup as signup
from donations.giving.forms import MonthlyConfirmForm, MonthlySignUpForm

bp = Blueprint("giving_signup", __name__, url_prefix="/donations")

CONFIRM_SUBJECT = _l("Confirm your e-mail address to start your monthly gift")
TAKEN_SUBJECT = _l("Your e-mail address has a Songtan account already")


def _portal(terms: signup.Terms | None = None, **args) -> str:
    """The portal, its monthly form pre-filled with `terms` (or `args`)."""
    args = signup.terms_args(terms) if terms is not None else args
    return url_for("giving_portal.portal", **args)


def _form() -> MonthlySignUpForm:
    form = MonthlySignUpForm(**signup.prefill(request.args)) if request.method == "GET" \
        else MonthlySignUpForm()
    form.designation.choices = designations.fund_choices()
    return form


def _terms(form: MonthlySignUpForm) -> signup.Terms:
    return signup.Terms(form.amount.fen, form.designation.data or "", bool(form.show_name.data))


def _hashed(form: MonthlyConfirmForm, user) -> str:
    try:
        return password_hash(form.password.data, user.email, user.name)
    except WeakPassword as error:
        raise signup.SignUpError(str(error), "password") from None


def _tell_the_owner(form: MonthlySignUpForm, terms: signup.Terms, state: str):
    """An address with an account: its owner is e-mailed a sign-in link that leads to the
    pre-filled portal (or, where the account cannot sign in yet, why), and the visitor sees
    what a new sign-up sees."""
    errors = []
    with unit_of_work(errors) as work:
        mail.send(form.email.data.strip().lower(), TAKEN_SUBJECT, "monthly_taken",
                  state=state, hours=current_app.config["SIGNUP_CONFIRM_HOURS"],
                  login=url_for("security.login", next=_portal(terms), _external=True))
    if work.ok:
        return redirect(url_for(".sent"))
    show_errors(form, work.error, errors)  # as a new address's: the page tells nothing
    return render_template("donations/monthly_signup.html", form=form), 400


def _sign_up(form: MonthlySignUpForm):
    """Write the account and e-mail its link; the page that says so, or the form again."""
    errors = []
    terms = _terms(form)
    with unit_of_work(errors) as work:
        user = signup.sign_up(form.name.data, form.email.data, terms)
        link = url_for(".confirm", token=signup.make_token(user, terms), _external=True)
        mail.send(user.email, CONFIRM_SUBJECT, "monthly_confirm", name=user.name, link=link,
                  hours=current_app.config["SIGNUP_CONFIRM_HOURS"],
                  amount_fen=terms.amount_fen,
                  designation=terms.designation or None, describe=designations.describe)
    if work.ok:
        return redirect(url_for(".sent"))
    if isinstance(work.error, signup.EmailTaken):
        return _tell_the_owner(form, terms, work.error.state)
    show_errors(form, work.error, errors)
    return render_template("donations/monthly_signup.html", form=form), 400


@bp.route("/monthly", methods=["GET", "POST"])
@SIGNUP_LIMIT
def monthly():
    """A guest gives monthly: the gift and an account, opened by the e-mailed link. A signed-in
    donor is sent to the portal's monthly form, pre-filled."""
    if can(Permission.GIVE_FROM_PORTAL):
        chosen = signup.prefill(request.args)
        return redirect(_portal(**{k: "y" if v is True else v for k, v in chosen.items()}))
    form = _form()
    if form.validate_on_submit():
        return _sign_up(form)
    status = 400 if request.method == "POST" else 200
    return render_template("donations/monthly_signup.html", form=form), status


@bp.get("/monthly/sent")
def sent():
    """The sign-up is written (or the address's owner e-mailed): the visitor opens the link."""
    return render_template("donations/monthly_sent.html",
                           hours=current_app.config["SIGNUP_CONFIRM_HOURS"])


def _problem(problem: str):
    return render_template("donations/monthly_confirm.html", problem=problem), 400


@bp.route("/monthly/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """The link of the confirmation e-mail: its reader chooses the account's password and
    confirms (a mail client that opens the link ahead of its reader confirms nothing), which
    opens the account, signs the donor in and leads to the portal's monthly form, pre-filled.
    A link used already leads to sign-in. Whoever is signed in as another account is asked to
    sign out first."""
    reading = signup.read_token(token)
    if reading.user is None:
        return _problem(reading.problem)
    user, terms, form = reading.user, reading.terms, MonthlyConfirmForm()
    if current_user.is_authenticated and current_user.id != user.id:
        return _signed_in_as_another()
    if user.confirmed_at is not None:
        return _confirmed_already(user, terms)
    if not form.validate_on_submit():
        return _confirm_page(user, terms, form)
    errors = []
    with unit_of_work(errors) as work:
        opened = signup.confirm(user, _hashed(form, user))
        if opened:
            login_user(user, authn_via=["email"])
    if isinstance(work.error, signup.SignUpError):
        show_errors(form, work.error, errors)
        return _confirm_page(user, terms, form)
    if not work.ok or not opened:
        return _confirmed_already(user, terms)
    flash(_("Your e-mail address is confirmed. Save your card below to start your monthly "
            "gift: nothing is charged before."), "success")
    return redirect(_portal(terms))


def _signed_in_as_another():
    """Someone else is signed in (staff, say, in the browser the link was opened in): they
    are neither signed out into the donor's account nor made its owner; they sign out first."""
    return render_template("donations/monthly_confirm.html", problem="signed_in"), 409


def _confirm_page(user, terms: signup.Terms, form: MonthlyConfirmForm):
    """The confirmation page: the gift's terms and the account's password (again, with its
    errors, after a refused post: 400)."""
    status = 400 if request.method == "POST" else 200
    return render_template("donations/monthly_confirm.html", problem=None, user=user,
                           terms=terms, form=form,
                           designation=designations.describe(terms.designation or None)), status


def _confirmed_already(user, terms: signup.Terms):
    """A link used already: the donor signs in (unless they are), then the portal."""
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(_portal(terms))
    return redirect(url_for("security.login", next=_portal(terms)))
