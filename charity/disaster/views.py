"""Disaster screens: incidents, an incident with its households and totals, a household's
insurance and relief, and the decisions on each relief."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from charity.auth.access import note_out_of_scope, scoped_or_404, street_scope
from charity.auth.permissions import Permission, guard, requires
from charity.disaster import operations, queries
from charity.disaster.forms import (
    LABELS,
    CondolenceForm,
    DecisionForm,
    EmergencyForm,
    HouseholdForm,
    IncidentForm,
    InsuranceForm,
    MonthForm,
    PlanForm,
)
from charity.disaster.models import AffectedHousehold, Incident, Relief
from charity.district import queries as district_queries
from charity.district.models import Street
from charity.extensions import db
from charity.registry.models import Household, Person
from charity.transaction import unit_of_work

bp = Blueprint("disaster", __name__, url_prefix="/disaster")
#: Every disaster page needs a staff or auditor role, as relief does.
bp.before_request(guard(Permission.VIEW_RELIEF))


@bp.app_template_filter("disaster_label")
def disaster_label(code: str) -> str:
    """A disaster kind, relief sub-type or state in the user's language."""
    return str(LABELS.get(code, code))


@bp.get("/")
def index():
    """Incidents touching the user's streets, newest first."""
    scope = street_scope()
    incidents = db.session.scalars(queries.incidents(scope).limit(200)).all()
    counts = queries.households_per_incident([i.id for i in incidents], scope)
    return render_template("disaster/index.html", incidents=incidents, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.SUBMIT_APPLICATION)
def new():
    """Record an incident on one of the user's streets."""
    scope, form = street_scope(), IncidentForm()
    query = district_queries.streets()
    streets = db.session.scalars(query if scope is None else query.where(Street.id == scope))
    form.street.choices = [(s.id, s.name) for s in streets]
    if form.validate_on_submit():
        with unit_of_work(errors=form.place.errors) as work:
            incident = operations.create_incident(
                form.kind.data, form.occurred_on.data, db.session.get(Street, form.street.data),
                form.place.data, form.description.data or "", current_user)
        if work.ok:
            flash(_("Incident recorded: add the affected households."), "success")
            return redirect(url_for(".incident", incident_id=incident.id))
    status = 400 if request.method == "POST" else 200
    return render_template("disaster/new.html", form=form), status


def _incident_or_404(incident_id: int) -> Incident:
    return scoped_or_404(queries.incident(incident_id, street_scope()), Incident, incident_id)


def _render_incident(incident_id: int, status: int = 200, form=None):
    incident = _incident_or_404(incident_id)
    found = queries.households(incident.id, street_scope())
    return render_template("disaster/incident.html", incident=incident, households=found,
                           totals=queries.totals(found),
                           form=form or HouseholdForm(formdata=None)), status


@bp.get("/<int:incident_id>")
def incident(incident_id):
    """An incident: its households on the user's streets, their loss, insurance and relief."""
    return _render_incident(incident_id)


@bp.post("/<int:incident_id>/households")
@requires(Permission.SUBMIT_APPLICATION)
def add_household(incident_id):
    """Add a household of the user's roster, by its household number, to the incident."""
    found, form = _incident_or_404(incident_id), HouseholdForm()
    if not form.validate_on_submit():
        return _render_incident(incident_id, 400, form)
    scope, code = street_scope(), form.code.data.strip()
    query = select(Household).where(Household.code == code)
    household = db.session.scalar(query if scope is None else
                                  query.where(Household.street_id == scope))
    if household is None:
        other = db.session.scalar(select(Household.id).where(Household.code == code))
        note_out_of_scope(Household, other)
        form.code.errors.append(_("No such household on your roster."))
        return _render_incident(incident_id, 404 if other else 400, form)
    with unit_of_work(errors=form.code.errors) as work:
        operations.add_household(found, household, form.loss.fen() or 0, current_user)
    if not work.ok:
        return _render_incident(incident_id, 400, form)
    flash(_("Household added."), "success")
    return redirect(url_for(".incident", incident_id=incident_id))


@bp.post("/<int:incident_id>/open")
@requires(Permission.SUBMIT_APPLICATION)
def open_incident(incident_id):
    """Open the incident for relief (it needs affected households)."""
    found = _incident_or_404(incident_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        operations.open_for_relief(found, current_user)
    if not work.ok:
        return _render_incident(incident_id, 400)
    flash(_("Incident opened for relief."), "success")
    return redirect(url_for(".incident", incident_id=incident_id))


def _affected_or_404(incident_id: int, affected_id: int) -> AffectedHousehold:
    _incident_or_404(incident_id)
    return scoped_or_404(queries.affected(affected_id, incident_id, street_scope()),
                         AffectedHousehold, affected_id)


def _forms(affected: AffectedHousehold, **given) -> dict:
    condolence = given.get("condolence") or CondolenceForm(formdata=None)
    condolence.person_id.choices = [(p.id, p.name) for p in affected.household.members]
    insurance = given.get("insurance") or InsuranceForm(
        formdata=None, claimed_on=affected.insurance_claimed_on,
        paid_on=affected.insurance_paid_on,
        paid=affected.insurance_paid_fen / 100 if affected.insurance_paid_fen else None)
    return {"insurance": insurance, "emergency": given.get("emergency") or
            EmergencyForm(formdata=None), "condolence": condolence,
            "plan": given.get("plan") or PlanForm(formdata=None),
            "month": given.get("month") or MonthForm(formdata=None),
            "decision": DecisionForm(formdata=None)}


def _render_household(incident_id: int, affected_id: int, status: int = 200, **given):
    affected = _affected_or_404(incident_id, affected_id)
    return render_template("disaster/household.html", affected=affected,
                           incident=affected.incident,
                           window=[f"{m:%Y-%m}" for m in operations.window(affected.plan)]
                           if affected.plan else [],
                           **_forms(affected, **given)), status


@bp.get("/<int:incident_id>/households/<int:affected_id>")
def household(incident_id, affected_id):
    """One affected household: its loss, insurance claim and relief by sub-type."""
    return _render_household(incident_id, affected_id)


def _write(incident_id, affected_id, name: str, form, action, success: str):
    """Validate `form`, run `action(affected, form)` in one unit of work, answer."""
    affected = _affected_or_404(incident_id, affected_id)
    if name == "condolence":
        form.person_id.choices = [(p.id, p.name) for p in affected.household.members]
    if form.validate_on_submit():
        errors = next(iter(form._fields.values())).errors
        with unit_of_work(errors=errors) as work:
            action(affected, form)
        if work.ok:
            flash(success, "success")
            return redirect(url_for(".household", incident_id=incident_id,
                                    affected_id=affected_id))
    return _render_household(incident_id, affected_id, 400, **{name: form})


@bp.post("/<int:incident_id>/households/<int:affected_id>/insurance")
@requires(Permission.SUBMIT_APPLICATION)
def insurance(incident_id, affected_id):
    """Record the household's insurance claim and what it paid."""
    return _write(incident_id, affected_id, "insurance", InsuranceForm(),
                  lambda a, f: operations.record_insurance(
                      a, f.claimed_on.data, f.paid_on.data, f.paid.fen() or 0, current_user),
                  _("Insurance claim recorded."))


@bp.post("/<int:incident_id>/households/<int:affected_id>/emergency")
@requires(Permission.SUBMIT_APPLICATION)
def emergency(incident_id, affected_id):
    """Propose emergency relief for the household's loss."""
    return _write(incident_id, affected_id, "emergency", EmergencyForm(),
                  lambda a, f: operations.propose_emergency(a, f.amount.fen(),
                                                            f.note.data or "", current_user),
                  _("Relief proposed."))


@bp.post("/<int:incident_id>/households/<int:affected_id>/condolence")
@requires(Permission.SUBMIT_APPLICATION)
def condolence(incident_id, affected_id):
    """Propose condolence for a household member who died."""
    return _write(incident_id, affected_id, "condolence", CondolenceForm(),
                  lambda a, f: operations.propose_condolence(
                      a, db.session.get(Person, f.person_id.data),
                      f.amount.fen(), f.note.data or "", current_user),
                  _("Relief proposed."))


@bp.post("/<int:incident_id>/households/<int:affected_id>/plan")
@requires(Permission.SUBMIT_APPLICATION)
def plan(incident_id, affected_id):
    """Set the household's transition assistance."""
    return _write(incident_id, affected_id, "plan", PlanForm(),
                  lambda a, f: operations.plan_transition(
                      a, f.monthly.fen(), f.first_month.data, f.months.data, current_user),
                  _("Transition assistance set."))


@bp.post("/<int:incident_id>/households/<int:affected_id>/month")
@requires(Permission.SUBMIT_APPLICATION)
def month(incident_id, affected_id):
    """Propose one month of the household's transition assistance."""
    return _write(incident_id, affected_id, "month", MonthForm(),
                  lambda a, f: operations.propose_month(a, f.month.data, current_user),
                  _("Relief proposed."))


def _decide(incident_id, relief_id, action, success: str):
    relief = scoped_or_404(queries.relief(relief_id, incident_id, street_scope()), Relief,
                           relief_id)
    affected_id = relief.affected_id
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_household(incident_id, affected_id, 400)
    with unit_of_work() as work:
        action(relief, form.note.data or "")
    if not work.ok:
        return _render_household(incident_id, affected_id, 400)
    flash(success, "success")
    return redirect(url_for(".household", incident_id=incident_id, affected_id=affected_id))


@bp.post("/<int:incident_id>/relief/<int:relief_id>/approve")
@requires(Permission.APPROVE)
def approve(incident_id, relief_id):
    """The checker (never the maker) approves a relief."""
    return _decide(incident_id, relief_id,
                   lambda r, note: operations.approve(r, current_user, note), _("Approved."))


@bp.post("/<int:incident_id>/relief/<int:relief_id>/reject")
@requires(Permission.APPROVE)
def reject(incident_id, relief_id):
    """The checker (never the maker) rejects a relief, with a note."""
    return _decide(incident_id, relief_id,
                   lambda r, note: operations.reject(r, current_user, note), _("Rejected."))


@bp.post("/<int:incident_id>/relief/<int:relief_id>/pay")
@requires(Permission.PAY)
def pay(incident_id, relief_id):
    """Pay an approved relief through the fund's journal."""
    return _decide(incident_id, relief_id,
                   lambda r, _note: operations.pay(r, current_user), _("Paid."))
