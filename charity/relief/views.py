"""Relief screens: the list, a new application, a case with its decisions and committee."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required, roles_accepted

from charity.auth.access import street_scope
from charity.extensions import db
from charity.registry import queries as registry_queries
from charity.relief import checks, operations, queries
from charity.relief.forms import ApplicationForm, DecisionForm, MinutesForm, VoteForm
from charity.relief.models import STATES
from charity.relief.standards import KIND_LABELS
from charity.timeutil import local_today

bp = Blueprint("relief", __name__, url_prefix="/relief")

MAKERS = ("admin", "fund_manager", "street_officer")
CHECKERS = ("admin", "approver")
PAYERS = ("admin", "fund_manager")
COMMITTEE = ("admin", "approver", "fund_manager")


@bp.before_request
@auth_required()
@roles_accepted(*MAKERS, *CHECKERS, "auditor")
def require_relief_role():
    """Every relief page needs a staff or auditor role."""


@bp.app_template_filter("relief_kind")
def relief_kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_filter("relief_rule")
def relief_rule(code: str) -> str:
    return str(checks.EXPLANATIONS.get(code, code))


@bp.get("/")
def index():
    state = request.args.get("state") if request.args.get("state") in STATES else None
    page = db.paginate(queries.applications(street_scope(), state), per_page=50,
                       error_out=False)
    counts = dict(db.session.execute(queries.counts_by_state(street_scope())).all())
    return render_template("relief/index.html", page=page, state=state, states=STATES,
                           counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@roles_accepted(*MAKERS)
def new():
    form = ApplicationForm(person_id=request.args.get("person", type=int))
    if form.validate_on_submit():
        person = db.session.scalar(registry_queries.person(form.person_id.data, street_scope()))
        if person is None:
            form.person_id.errors.append(_("No such person on your roster."))
        else:
            try:
                application = operations.submit(
                    person, form.kind.data, form.reason.data, local_today(), current_user,
                    grade=int(form.grade.data) if form.grade.data else None,
                    assessed_fen=form.assessed_fen(),
                    one_case_one_discussion=form.one_case_one_discussion.data)
            except operations.ReliefError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                db.session.commit()
                flash(_("Application submitted."), "success")
                return redirect(url_for(".case", application_id=application.id))
    status = 400 if request.method == "POST" else 200
    return render_template("relief/new.html", form=form), status


def _case_or_404(application_id):
    return db.first_or_404(queries.application(application_id, street_scope()))


@bp.get("/<int:application_id>")
def case(application_id):
    application = _case_or_404(application_id)
    return render_template("relief/case.html", application=application,
                           decision_form=DecisionForm(), vote_form=VoteForm(),
                           minutes_form=MinutesForm())


def _act(application_id, action, success: str):
    """Run one decision on a case: 403 for the maker, 400 with the reason for a refusal."""
    application = _case_or_404(application_id)
    try:
        action(application)
    except operations.FourEyesError:
        db.session.rollback()
        abort(403)
    except ValueError as error:
        db.session.rollback()
        flash(str(error), "error")
        return render_template("relief/case.html", application=_case_or_404(application_id),
                               decision_form=DecisionForm(), vote_form=VoteForm(),
                               minutes_form=MinutesForm()), 400
    db.session.commit()
    flash(success, "success")
    return redirect(url_for(".case", application_id=application_id))


@bp.post("/<int:application_id>/approve")
@roles_accepted(*CHECKERS)
def approve(application_id):
    note = DecisionForm().note.data or ""
    return _act(application_id, lambda a: operations.approve(a, current_user, note),
                _("Decision recorded."))


@bp.post("/<int:application_id>/reject")
@roles_accepted(*CHECKERS)
def reject(application_id):
    note = DecisionForm().note.data or ""
    return _act(application_id, lambda a: operations.reject(a, current_user, note),
                _("Application rejected."))


@bp.post("/<int:application_id>/pay")
@roles_accepted(*PAYERS)
def pay(application_id):
    return _act(application_id, lambda a: operations.pay(a, current_user), _("Paid."))


@bp.post("/<int:application_id>/vote")
@roles_accepted(*COMMITTEE)
def vote(application_id):
    form = VoteForm()
    return _act(application_id, lambda a: operations.vote(
        a, current_user, form.vote.data == "yes", form.note.data or ""), _("Vote recorded."))


@bp.post("/<int:application_id>/minutes")
@roles_accepted(*COMMITTEE)
def minutes(application_id):
    form = MinutesForm()
    return _act(application_id, lambda a: operations.keep_minutes(
        a, current_user, form.minutes.data or ""), _("Minutes kept."))
