"""Intake for sudden hardship: the cases, a new intake, a case with its rules and routes, its
application; and the yearly income lines."""

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.access import scoped_or_404, street_scope
from charity.auth.permissions import Permission, guard, requires
from charity.district import queries as district_queries
from charity.errors import DomainError
from charity.extensions import db
from charity.main.input_guard import page_arg
from charity.registry.ids import IdNumberError
from charity.relief import income_lines, intake
from charity.relief.intake_forms import EVENT_CHOICES, IncomeLineForm, IntakeApplyForm, IntakeForm
from charity.relief.intake_models import IncomeLine, IntakeCase
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("relief_intake", __name__, url_prefix="/relief/intake")
bp.before_request(guard(Permission.VIEW_RELIEF))


@bp.get("/")
def index():
    """The intake cases on the user's streets, newest first."""
    page = db.paginate(intake.cases(street_scope()), page=page_arg(), per_page=50,
                       error_out=False)
    return render_template("relief/intake_index.html", page=page)


def _communities(form) -> dict:
    communities = db.session.scalars(district_queries.communities(street_scope())).all()
    form.community.choices = [(c.id, f"{c.street.name} / {c.name}") for c in communities]
    return {c.id: c for c in communities}


def _intake_of(form, community) -> intake.Intake:
    return intake.Intake(
        name=form.name.data, id_number=form.id_number.data, street_id=community.street_id,
        community_id=community.id, hukou=form.hukou.data,
        residence_permit_start=form.residence_permit_start.data,
        event_type=form.event_type.data, event_date=form.event_date.data,
        description=form.description.data, household_size=form.household_size.data,
        monthly_income_fen=form.monthly_income.fen(),
        financial_assets_fen=form.financial_assets.fen(),
        vehicle_value_fen=form.vehicle_value.fen() or 0)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.SUBMIT_APPLICATION)
def new():
    """Open an intake case for anyone in the user's streets, on the roster or not."""
    form = IntakeForm()
    communities = _communities(form)
    refusals = []
    if form.validate_on_submit():
        with unit_of_work(errors={IdNumberError: form.id_number.errors,
                                  DomainError: refusals}) as work:
            case = intake.open_case(_intake_of(form, communities[form.community.data]),
                                    current_user, local_today())
        if work.ok:
            flash(_("Intake recorded and checked."), "success")
            return redirect(url_for(".case", case_id=case.id))
    status = 400 if request.method == "POST" else 200
    return render_template("relief/intake_new.html", form=form, refusals=refusals), status


def _case_or_404(case_id) -> IntakeCase:
    return scoped_or_404(intake.case_query(case_id, street_scope()), IntakeCase, case_id)


def _render_case(case_id, form=None, status=200):
    case = _case_or_404(case_id)
    return render_template("relief/intake_case.html", case=case, rules=intake.RULES,
                           routes=intake.routes(), form=form or IntakeApplyForm(),
                           event_labels=dict(EVENT_CHOICES)), status


@bp.get("/<int:case_id>")
def case(case_id):
    """An intake: the person (ID masked), the event, the rules met or not, and the routes."""
    return _render_case(case_id)


@bp.post("/<int:case_id>/apply")
@requires(Permission.SUBMIT_APPLICATION)
def apply(case_id):
    """Make the relief application of an eligible intake."""
    found = _case_or_404(case_id)
    form = IntakeApplyForm()
    if not form.validate_on_submit():
        return _render_case(case_id, form, 400)
    with unit_of_work(errors=form.reason.errors) as work:
        application = intake.apply(found, form.kind.data, form.grade.data, form.reason.data,
                                   current_user, local_today(),
                                   one_case_one_discussion=form.one_case_one_discussion.data)
    if not work.ok:
        return _render_case(case_id, form, 400)
    flash(_("Application submitted."), "success")
    return redirect(url_for("relief.case", application_id=application.id))


@bp.get("/lines")
def lines():
    """Every year's income line and asset limits, with their source and last editor."""
    return render_template("relief/intake_lines.html", lines=income_lines.all_lines())


@bp.route("/lines/new", methods=["GET", "POST"])
@bp.route("/lines/<int:line_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_INCOME_LINES)
def edit_line(line_id=None):
    """Add a year's line, or change one."""
    line = db.session.get(IncomeLine, line_id) if line_id else None
    if line_id and line is None:
        abort(404)
    form = IncomeLineForm(obj=None)
    if line is not None and request.method == "GET":
        form.year.data, form.source.data = line.year, line.source
        form.disposable_income.data = Decimal(line.disposable_income_fen) / 100
        form.financial_assets.data = Decimal(line.financial_assets_fen) / 100
        form.vehicle_value.data = Decimal(line.vehicle_value_fen) / 100
    refusals = []
    if form.validate_on_submit():
        with unit_of_work(errors=refusals) as work:
            income_lines.save(form.values(), current_user, line)
        if work.ok:
            flash(_("Saved."), "success")
            return redirect(url_for(".lines"))
    status = 400 if request.method == "POST" else 200
    return render_template("relief/intake_line_form.html", form=form, line=line,
                           refusals=refusals), status
