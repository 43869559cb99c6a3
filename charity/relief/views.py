"""Relief screens: the list, a new application, a case with its decisions and committee."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.audit import cases
from charity.audit.forms import OpenCaseForm
from charity.auth.access import scoped_or_404, street_scope
from charity.auth.permissions import Permission, guard, requires
from charity.extensions import db
from charity.main.input_guard import id_arg, page_arg
from charity.relief import checks, operations, periods, queries, standards
from charity.relief.forms import ApplicationForm, DecisionForm, MinutesForm, VoteForm
from charity.relief.models import STATES, Application
from charity.relief.standards import KIND_LABELS
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("relief", __name__, url_prefix="/relief")
#: Every relief page needs a staff or auditor role.
bp.before_request(guard(Permission.VIEW_RELIEF))


bp.add_app_template_global(standards.grade_name, "grade_name")


@bp.app_template_filter("relief_kind")
def relief_kind(kind: str) -> str:
    """A kind of relief's name in the user's language."""
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_filter("relief_period")
def relief_period(key: str) -> str:
    """An application's period (its key) in the user's language."""
    return periods.describe(key)


@bp.app_template_filter("relief_rule")
def relief_rule(code: str) -> str:
    """What an eligibility rule checks, in the user's language."""
    return str(checks.EXPLANATIONS.get(code, code))


@bp.get("/")
def index():
    """Applications on the user's streets, by state."""
    state = request.args.get("state") if request.args.get("state") in STATES else None
    page = db.paginate(queries.applications(street_scope(), state), page=page_arg(), per_page=50,
                       error_out=False)
    counts = dict(db.session.execute(queries.counts_by_state(street_scope())).all())
    return render_template("relief/index.html", page=page, state=state, states=STATES,
                           counts=counts)


def _submit(form):
    """Submit the form's application in one unit of work; the case's id, or None if refused."""
    person = form.person_id.person
    with unit_of_work() as work:
        application = operations.submit(
            person, form.kind.data, form.reason.data, local_today(), current_user,
            grade=int(form.grade.data) if form.grade.data else None,
            assessed_fen=form.assessed_fen(),
            one_case_one_discussion=form.one_case_one_discussion.data)
    return application.id if work.ok else None


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.SUBMIT_APPLICATION)
def new():
    """Apply for relief for a person on the user's roster (the maker of the four eyes)."""
    form = ApplicationForm(person_id=id_arg("person"))
    if form.validate_on_submit():
        application_id = _submit(form)
        if application_id is not None:
            flash(_("Application submitted."), "success")
            return redirect(url_for(".case", application_id=application_id))
    status = 400 if request.method == "POST" else 200
    return render_template("relief/new.html", form=form), status


def _case_or_404(application_id):
    return scoped_or_404(queries.application(application_id, street_scope()), Application,
                         application_id)


def _render_case(application_id, status: int = 200, open_form=None):
    return render_template("relief/case.html", application=_case_or_404(application_id),
                           decision_form=DecisionForm(), vote_form=VoteForm(),
                           minutes_form=MinutesForm(),
                           open_form=open_form or OpenCaseForm(formdata=None)), status


@bp.get("/<int:application_id>")
def case(application_id):
    """A case: the application, its eligibility, decisions, votes and minutes."""
    return _render_case(application_id)


def _act(application_id, action, success: str):
    """Run one decision on a case: 403 for the maker, 400 with the reason for a refusal."""
    application = _case_or_404(application_id)
    with unit_of_work() as work:
        action(application)
    if not work.ok:
        return _render_case(application_id, 400)
    flash(success, "success")
    return redirect(url_for(".case", application_id=application_id))


@bp.post("/<int:application_id>/open")
@requires(Permission.OPEN_CASE_FOR_AUDIT)
def open_for_audit(application_id):
    """An auditor opens a pseudonymised case, with a reason (logged): its person, kind and
    reasons are shown to them for the rest of the day."""
    application = _case_or_404(application_id)
    form = OpenCaseForm()
    if form.validate_on_submit():
        with unit_of_work(errors=form.reason.errors) as work:
            cases.open_case(application, form.reason.data, current_user)
        if work.ok:
            flash(_("Case opened for audit until the end of the day."), "success")
            return redirect(url_for(".case", application_id=application_id))
    return _render_case(application_id, 400, open_form=form)


@bp.post("/<int:application_id>/approve")
@requires(Permission.APPROVE)
def approve(application_id):
    """The checker (never the maker) approves; a major case goes on to the committee."""
    note = DecisionForm().note.data or ""
    return _act(application_id, lambda a: operations.approve(a, current_user, note),
                _("Decision recorded."))


@bp.post("/<int:application_id>/reject")
@requires(Permission.APPROVE)
def reject(application_id):
    """The checker (never the maker) rejects, with a note."""
    note = DecisionForm().note.data or ""
    return _act(application_id, lambda a: operations.reject(a, current_user, note),
                _("Application rejected."))


@bp.post("/<int:application_id>/pay")
@requires(Permission.PAY)
def pay(application_id):
    """Record the payment of an approved case from its reservation."""
    return _act(application_id, lambda a: operations.pay(a, current_user), _("Paid."))


@bp.post("/<int:application_id>/vote")
@requires(Permission.SIT_ON_COMMITTEE)
def vote(application_id):
    """A committee member's vote on a major case (一事一议)."""
    form = VoteForm()
    return _act(application_id, lambda a: operations.vote(
        a, current_user, form.vote.data == "yes", form.note.data or ""), _("Vote recorded."))


@bp.post("/<int:application_id>/minutes")
@requires(Permission.SIT_ON_COMMITTEE)
def minutes(application_id):
    """Add to the committee's minutes of a case."""
    form = MinutesForm()
    return _act(application_id, lambda a: operations.keep_minutes(
        a, current_user, form.minutes.data or ""), _("Minutes kept."))
