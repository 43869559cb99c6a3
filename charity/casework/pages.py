"""Page helpers the casework views share: the person's casework page and the form behind each
gap's action."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from charity.auth.access import scoped_or_404, street_scope
from charity.casework import queries
from charity.casework.forms import CostForm, GrantForm, MedicalForm, ReferralForm, ServiceForm
from charity.casework.gaps import MEASURE_NUMBER
from charity.extensions import db
from charity.fund.views_helpers import MEASURE_NAMES
from charity.registry import operations as registry_operations
from charity.registry import queries as registry_queries
from charity.registry.models import Person
from charity.timeutil import local_today
from charity.transaction import commit_alone

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


def person_or_404(person_id: int):
    """The person, if they are on the user's street (or the user sees the whole district)."""
    return scoped_or_404(registry_queries.person(person_id, street_scope()), Person, person_id)


def render_person(person, status: int = 200, **forms):
    """The person's casework page, with fresh forms unless a failed one is passed in."""
    commit_alone(registry_operations.health_viewed, person, current_user, "casework.person")
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
                           numbers=MEASURE_NUMBER, measure_names=MEASURE_NAMES, **records,
                           **forms), status
