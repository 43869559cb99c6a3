"""Casework forms on a person's page: grants, referrals, services, medical cover and costs.
Each is form -> one operation -> one commit -> redirect; bad input answers 400, writes nothing."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.permissions import Permission, guard
from charity.casework import operations
from charity.casework.forms import CostForm, GrantForm, MedicalForm, ReferralForm, ServiceForm
from charity.casework.models import Referral
from charity.casework.pages import person_or_404, render_person
from charity.extensions import db
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("casework_records", __name__, url_prefix="/casework")
bp.before_request(guard(Permission.EDIT_REGISTRY))


def _back_to(person, anchor: str, done: str):
    flash(done, "success")
    return redirect(url_for("casework.person", person_id=person.id, _anchor=anchor))


def _handle(person_id, form_class, form_name, anchor, apply):
    """Validate, run one operation, commit and go back; or show the form's errors with 400."""
    person = person_or_404(person_id)
    form = form_class()
    if form.validate_on_submit():
        with unit_of_work(errors=form.form_errors) as work:
            apply(person, form)
        if work.ok:
            return _back_to(person, anchor, _("Saved."))
    return render_person(person, 400, **{form_name: form})


@bp.post("/people/<int:person_id>/grants")
def add_grant(person_id):
    """Record a measure the person receives (a grant), with its period."""
    return _handle(person_id, GrantForm, "grant_form", "grant", lambda person, form:
                   operations.record_grant(person, form.measure.data, form.starts_on.data,
                                           form.ends_on.data, form.note.data or "",
                                           user=current_user))


@bp.post("/people/<int:person_id>/referrals")
def add_referral(person_id):
    """Refer the person to whoever gives a measure."""
    return _handle(person_id, ReferralForm, "referral_form", "referral", lambda person, form:
                   operations.refer(person, form.measure.data, form.to_whom.data,
                                    form.note.data or "", user=current_user))


@bp.post("/people/<int:person_id>/services")
def add_service(person_id):
    """Log a free training or job-referral service given (measure 7)."""
    return _handle(person_id, ServiceForm, "service_form", "employment", lambda person, form:
                   operations.give_service(person, form.kind.data, form.given_on.data,
                                           local_today(), form.provider.data or "",
                                           form.notes.data or "", user=current_user))


@bp.post("/people/<int:person_id>/medical")
def set_medical(person_id):
    """Record the family-doctor contract and health record (measure 3)."""
    return _handle(person_id, MedicalForm, "medical_form", "medical", lambda person, form:
                   operations.set_medical(person, form.family_doctor.data,
                                          form.health_record.data, user=current_user))


@bp.post("/people/<int:person_id>/costs")
def add_cost(person_id):
    """Record an inpatient stay's cost and its out-of-catalogue part."""
    return _handle(person_id, CostForm, "cost_form", "medical", lambda person, form:
                   operations.record_cost(person, form.admitted_on.data, form.hospital.data,
                                          form.total.fen(),
                                          form.out_of_catalogue.fen() or 0, local_today(),
                                          user=current_user))


@bp.post("/referrals/<int:referral_id>/close")
def close_referral(referral_id):
    """Close an open referral; a closed one answers 400 with the reason."""
    referral = db.get_or_404(Referral, referral_id)
    person = person_or_404(referral.person_id)
    with unit_of_work() as work:
        operations.close_referral(referral, user=current_user)
    if not work.ok:
        return render_person(person, 400)
    return _back_to(person, "referral", _("Referral closed."))
