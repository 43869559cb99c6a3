"""Casework screens: the coverage-gap matrix per street, per person and per household."""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_security import auth_required, roles_accepted

from charity.auth.access import can_edit_registry, street_scope
from charity.auth.roles import REGISTRY_ROLES
from charity.casework import gaps as matrix
from charity.casework import queries
from charity.casework.forms import (
    CostForm,
    GapFilterForm,
    GrantForm,
    MedicalForm,
    ReferralForm,
    ServiceForm,
)
from charity.casework.gaps import ALL_MEASURES, MEASURE_NUMBER, PERSON_MEASURES
from charity.casework.paging import ListPage
from charity.extensions import db
from charity.registry import queries as registry_queries
from charity.timeutil import local_today

bp = Blueprint("casework", __name__, url_prefix="/casework")

#: The form on the person's casework page that closes each gap, and its button.
ACTIONS = {
    "classified_supplement": ("grant", _l("Record the supplement")),
    "centralised_care": ("referral", _l("Refer to centralised care")),
    "medical_cover": ("medical", _l("Record family doctor and health record")),
    "special_disease_aid": ("grant", _l("Record special-disease aid")),
    "free_textbooks": ("grant", _l("Record free textbooks")),
    "autumn_grant": ("grant", _l("Record the autumn grant")),
    "encouragement_award": ("grant", _l("Record the encouragement award")),
    "rent_subsidy": ("grant", _l("Record rent subsidy or refer")),
    "employment_services": ("employment", _l("Log an employment service")),
    "household_employment": ("employment", _l("Refer a member to a job")),
    "pairing": ("referral", _l("Refer for pairing")),
}


@bp.before_request
@auth_required()
@roles_accepted(*REGISTRY_ROLES)
def require_casework_role():
    """Every casework page needs a registry role; street officers see their street only."""


def _filters(scope):
    form = GapFilterForm(request.args)
    names = queries.street_names(scope)
    form.street.choices = [("", _("All streets"))] + [(str(i), n) for i, n in names.items()]
    street = form.street.data if (form.street.data or "").isdigit() else None
    measure = form.measure.data if form.measure.data in ALL_MEASURES else None
    return form, (int(street) if street and int(street) in names else None), measure


@bp.get("/gaps")
def gaps():
    """Per street and measure: owed, receiving, gaps; with a measure chosen, who has the gap."""
    scope = street_scope()
    form, street_id, measure = _filters(scope)
    today = local_today()
    person_rows, household_rows = queries.district_matrix(scope, today)
    names = queries.street_names(scope)
    summary = matrix.summary(person_rows + household_rows, names)
    listing = None
    if measure:
        rows = household_rows if measure not in PERSON_MEASURES else person_rows
        found = [(row, cell) for row in rows for cell in row.cells
                 if cell.measure == measure and cell.gap
                 and (street_id is None or row.street_id == street_id)]
        listing = ListPage.of(found, request.args.get("page", 1, type=int))
    return render_template("casework/gaps.html", form=form, summary=summary, names=names,
                           measures=ALL_MEASURES, numbers=MEASURE_NUMBER, measure=measure,
                           listing=listing, actions=ACTIONS, today=today)


def person_or_404(person_id):
    person = db.session.scalar(registry_queries.person(person_id, street_scope()))
    if person is None:
        abort(404)
    return person


def render_person(person, status=200, **forms):
    """The person's casework page, with fresh forms unless a failed one is passed in."""
    today = local_today()
    person_rows, household_rows = queries.household_matrix(person.household, today)
    row = next(r for r in person_rows if r.subject.id == person.id)
    measure = request.args.get("measure")
    forms = {
        "grant_form": GrantForm(formdata=None, starts_on=today, measure=measure),
        "referral_form": ReferralForm(formdata=None, measure=request.args.get("refer")),
        "service_form": ServiceForm(formdata=None, given_on=today),
        "medical_form": MedicalForm(formdata=None, obj=person),
        "cost_form": CostForm(formdata=None, admitted_on=today),
    } | forms
    records = {name: db.session.scalars(getattr(queries, name)(person.id)).all()
               for name in ("grants", "referrals", "services", "medical_costs", "reviews")}
    return render_template("casework/person.html", person=person, row=row,
                           household_row=household_rows[0], actions=ACTIONS,
                           numbers=MEASURE_NUMBER, can_edit=can_edit_registry(current_user),
                           **records, **forms), status


@bp.get("/people/<int:person_id>")
def person(person_id):
    return render_person(person_or_404(person_id))


@bp.get("/households/<int:household_id>")
def household(household_id):
    household = db.session.scalar(registry_queries.household(household_id, street_scope()))
    if household is None:
        abort(404)
    person_rows, household_rows = queries.household_matrix(household, local_today())
    return render_template("casework/household.html", household=household, rows=person_rows,
                           household_row=household_rows[0] if household_rows else None,
                           measures=PERSON_MEASURES, actions=ACTIONS)

