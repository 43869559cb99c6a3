"""Casework forms on a person's page: grants, referrals, services, medical cover and costs.
Each is form -> one operation -> one commit -> redirect; bad input answers 400, writes nothing."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import roles_accepted

from charity.auth.roles import REGISTRY_EDITORS
from charity.casework import operations
from charity.casework.forms import (
    CostForm,
    GrantForm,
    MedicalForm,
    ReferralForm,
    ServiceForm,
    fen,
)
from charity.casework.models import Referral
from charity.casework.views import bp, person_or_404, render_person
from charity.extensions import db
from charity.timeutil import local_today


def _handle(person_id, form_class, form_name, anchor, apply):
    """Validate, run one operation, commit and go back; or show the form's errors with 400."""
    person = person_or_404(person_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            apply(person, form)
        except operations.CaseworkError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".person", person_id=person.id, _anchor=anchor))
    return render_person(person, 400, **{form_name: form})


@bp.post("/people/<int:person_id>/grants")
@roles_accepted(*REGISTRY_EDITORS)
def add_grant(person_id):
    return _handle(person_id, GrantForm, "grant_form", "grant", lambda person, form:
                   operations.record_grant(person, form.measure.data, form.starts_on.data,
                                           form.ends_on.data, form.note.data or "",
                                           user=current_user))


@bp.post("/people/<int:person_id>/referrals")
@roles_accepted(*REGISTRY_EDITORS)
def add_referral(person_id):
    return _handle(person_id, ReferralForm, "referral_form", "referral", lambda person, form:
                   operations.refer(person, form.measure.data, form.to_whom.data,
                                    form.note.data or "", user=current_user))


@bp.post("/people/<int:person_id>/services")
@roles_accepted(*REGISTRY_EDITORS)
def add_service(person_id):
    return _handle(person_id, ServiceForm, "service_form", "employment", lambda person, form:
                   operations.give_service(person, form.kind.data, form.given_on.data,
                                           local_today(), form.provider.data or "",
                                           form.notes.data or "", user=current_user))


@bp.post("/people/<int:person_id>/medical")
@roles_accepted(*REGISTRY_EDITORS)
def set_medical(person_id):
    return _handle(person_id, MedicalForm, "medical_form", "medical", lambda person, form:
                   operations.set_medical(person, form.family_doctor.data,
                                          form.health_record.data, user=current_user))


@bp.post("/people/<int:person_id>/costs")
@roles_accepted(*REGISTRY_EDITORS)
def add_cost(person_id):
    return _handle(person_id, CostForm, "cost_form", "medical", lambda person, form:
                   operations.record_cost(person, form.admitted_on.data, form.hospital.data,
                                          fen(form.total.data),
                                          fen(form.out_of_catalogue.data or 0), local_today(),
                                          user=current_user))


@bp.post("/referrals/<int:referral_id>/close")
@roles_accepted(*REGISTRY_EDITORS)
def close_referral(referral_id):
    referral = db.get_or_404(Referral, referral_id)
    person = person_or_404(referral.person_id)
    try:
        operations.close_referral(referral, user=current_user)
    except operations.CaseworkError as error:
        flash(str(error), "error")
        return render_person(person, 400)
    db.session.commit()
    flash(_("Referral closed."), "success")
    return redirect(url_for(".person", person_id=person.id, _anchor="referral"))
