"""Disaster screens: incidents, an incident with its households and totals, a household's
insurance and relief, and the decisions on each relief."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from charity.auth.access import scoped_or_404, street_scope
from charity.auth.permissions import Permission, guard, requires
from charity.disaster import forms, operations, queries
from charity.disaster.models import AffectedHousehold, Incident, Relief
from charity.district import queries as district_queries
from charity.district.models import Street
from charity.extensions import db
from charity.registry.models import Person
from charity.transaction import unit_of_work

bp = Blueprint("disaster", __name__, url_prefix="/disaster")
bp.before_request(guard(Permission.VIEW_RELIEF))
#: Disaster templates read kinds, sub-types and states with `code|label(disaster_labels)`.
bp.context_processor(lambda: {"disaster_labels": forms.LABELS})


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
    scope, form = street_scope(), forms.IncidentForm()
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


def _submitted(form, action, success: str, done: str, failed, *, on_form: bool = False):
    """Validate `form`, run `action(form)` in one unit of work, then go to `done`; else answer
    `failed()` (the page again, 400). A refusal is flashed, or shown on the form's first field
    when `on_form` (the page shows that form again)."""
    if form.validate_on_submit():
        errors = next(iter(form._fields.values())).errors if on_form else None
        with unit_of_work(errors=errors) as work:
            action(form)
        if work.ok:
            flash(success, "success")
            return redirect(done)
    return failed()


def _incident_or_404(incident_id: int) -> Incident:
    return scoped_or_404(queries.incident(incident_id, street_scope()), Incident, incident_id)


def _render_incident(incident_id: int, status: int = 200, form=None):
    incident = _incident_or_404(incident_id)
    found = queries.households(incident.id, street_scope())
    return render_template("disaster/incident.html", incident=incident, households=found,
                           totals=queries.totals(found),
                           form=form or forms.HouseholdForm(formdata=None)), status


@bp.get("/<int:incident_id>")
def incident(incident_id):
    """An incident: its households on the user's streets, their loss, insurance and relief."""
    return _render_incident(incident_id)


@bp.post("/<int:incident_id>/households")
@requires(Permission.SUBMIT_APPLICATION)
def add_household(incident_id):
    """Add a household of the user's roster, picked by one of its members, to the incident (the
    picker keeps to the user's street and logs another street's id posted by hand)."""
    found, form = _incident_or_404(incident_id), forms.HouseholdForm()
    if not form.validate_on_submit():
        return _render_incident(incident_id, 400, form)
    with unit_of_work(errors=form.member.errors) as work:
        operations.add_household(found, form.member.person.household, form.loss.fen() or 0,
                                 current_user)
    if not work.ok:
        return _render_incident(incident_id, 400, form)
    flash(_("Household added."), "success")
    return redirect(url_for(".incident", incident_id=incident_id))


@bp.post("/<int:incident_id>/open")
@requires(Permission.SUBMIT_APPLICATION)
def open_incident(incident_id):
    """Open the incident for relief (it needs affected households)."""
    found = _incident_or_404(incident_id)
    return _submitted(forms.DecisionForm(), lambda _form: operations.open_for_relief(
        found, current_user), _("Incident opened for relief."),
        url_for(".incident", incident_id=incident_id),
        lambda: _render_incident(incident_id, 400))


def _affected_or_404(incident_id: int, affected_id: int) -> AffectedHousehold:
    _incident_or_404(incident_id)
    return scoped_or_404(queries.affected(affected_id, incident_id, street_scope()),
                         AffectedHousehold, affected_id)


def _forms(affected: AffectedHousehold, **given) -> dict:
    condolence = given.get("condolence") or forms.CondolenceForm(formdata=None)
    condolence.person_id.choices = [(p.id, p.name) for p in affected.household.members]
    insurance = given.get("insurance") or forms.InsuranceForm(
        formdata=None, claimed_on=affected.insurance_claimed_on,
        paid_on=affected.insurance_paid_on,
        paid=affected.insurance_paid_fen / 100 if affected.insurance_paid_fen else None)
    return {"insurance": insurance, "emergency": given.get("emergency") or
            forms.EmergencyForm(formdata=None), "condolence": condolence,
            "plan": given.get("plan") or forms.PlanForm(formdata=None),
            "month": given.get("month") or forms.MonthForm(formdata=None),
            "decision": forms.DecisionForm(formdata=None)}


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


#: Each write on a household: its form, what it does, and what the user is told.
WRITES = {
    "insurance": (forms.InsuranceForm, lambda a, f: operations.record_insurance(
        a, f.claimed_on.data, f.paid_on.data, f.paid.fen() or 0, current_user),
        _l("Insurance claim recorded.")),
    "emergency": (forms.EmergencyForm, lambda a, f: operations.propose_emergency(
        a, f.amount.fen(), f.note.data or "", current_user), _l("Relief proposed.")),
    "condolence": (forms.CondolenceForm, lambda a, f: operations.propose_condolence(
        a, db.session.get(Person, f.person_id.data), f.amount.fen(), f.note.data or "",
        current_user), _l("Relief proposed.")),
    "plan": (forms.PlanForm, lambda a, f: operations.plan_transition(
        a, f.monthly.fen(), f.first_month.data, f.months.data, current_user),
        _l("Transition assistance set.")),
    "month": (forms.MonthForm, lambda a, f: operations.propose_month(
        a, f.month.data, current_user), _l("Relief proposed.")),
}


@bp.post("/<int:incident_id>/households/<int:affected_id>/"
         "<any(insurance, emergency, condolence, plan, month):step>")
@requires(Permission.SUBMIT_APPLICATION)
def write(incident_id, affected_id, step):
    """Record the household's insurance claim, propose emergency relief, condolence for a
    member who died or a month of transition assistance, or set transition assistance."""
    affected = _affected_or_404(incident_id, affected_id)
    form_class, action, success = WRITES[step]
    form = form_class()
    if step == "condolence":
        form.person_id.choices = [(p.id, p.name) for p in affected.household.members]
    return _submitted(form, lambda f: action(affected, f), str(success),
                      url_for(".household", incident_id=incident_id, affected_id=affected_id),
                      lambda: _render_household(incident_id, affected_id, 400, **{step: form}),
                      on_form=True)


def _decide(incident_id, relief_id, action, success: str):
    relief = scoped_or_404(queries.relief(relief_id, incident_id, street_scope()), Relief,
                           relief_id)
    affected_id = relief.affected_id
    return _submitted(forms.DecisionForm(), lambda f: action(relief, f.note.data or ""),
                      success, url_for(".household", incident_id=incident_id,
                                       affected_id=affected_id),
                      lambda: _render_household(incident_id, affected_id, 400))


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
