"""Registry screens: search, person and household pages, forms, roster import and export."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required, roles_accepted

from charity.auth.access import can_edit_registry, can_see_full_id, street_scope
from charity.auth.roles import REGISTRY_EDITORS, REGISTRY_ROLES
from charity.district import queries as district_queries
from charity.extensions import db
from charity.registry import operations, queries
from charity.registry.forms import (
    FilterForm,
    NewHouseholdForm,
    NewPersonForm,
    PersonFieldsForm,
    StatusForm,
    choices,
)
from charity.registry.ids import IdNumberError
from charity.registry.models import CATEGORIES, STATUSES
from charity.timeutil import local_today

bp = Blueprint("registry", __name__, url_prefix="/registry")


@bp.before_request
@auth_required()
@roles_accepted(*REGISTRY_ROLES)
def require_registry_role():
    """Every registry page needs a registry role."""


def _filter_form(scope):
    form = FilterForm(request.args)
    streets = db.session.scalars(district_queries.streets()).all()
    form.street.choices = [("", _("All streets"))] + [
        (str(s.id), s.name) for s in streets if scope is None or s.id == scope]
    street_id = scope or (int(form.street.data) if (form.street.data or "").isdigit() else None)
    communities = db.session.scalars(district_queries.communities(street_id)).all()
    form.community.choices = [("", _("All communities"))] + [
        (str(c.id), c.name) for c in communities]
    form.category.choices = choices(CATEGORIES)
    form.status.choices = choices(STATUSES)
    form.flag.choices = [("", "—")] + [(f, label_flag(f)) for f in queries.FLAGS]
    return form


def label_flag(flag: str) -> str:
    return {"orphan": _("Orphan"), "disabled": _("Disabled"), "seriously_ill": _("Seriously ill"),
            "lives_alone": _("Lives alone"), "student": _("Student")}[flag]


def _as_int(value):
    return int(value) if value and str(value).isdigit() else None


@bp.get("/people")
def people():
    scope = street_scope()
    form = _filter_form(scope)
    filters = queries.PersonFilter(
        street_id=_as_int(form.street.data), community_id=_as_int(form.community.data),
        category=form.category.data or None, status=form.status.data or None,
        flag=form.flag.data or None, text=form.q.data or None)
    page = db.paginate(queries.people(filters, scope), per_page=50, error_out=False)
    return render_template("registry/people.html", form=form, page=page)


def _person_or_404(person_id):
    return db.first_or_404(queries.person(person_id, street_scope()))


@bp.get("/people/<int:person_id>")
def person(person_id):
    person = _person_or_404(person_id)
    form = StatusForm(formdata=None, effective_date=local_today())
    return render_template("registry/person.html", person=person, status_form=form,
                           can_reveal=can_see_full_id(current_user),
                           can_edit=can_edit_registry(current_user), full_id=None)


@bp.post("/people/<int:person_id>/id-number")
@roles_accepted("admin", "street_officer", "approver")
def reveal(person_id):
    person = _person_or_404(person_id)
    full_id = operations.reveal_id(person, current_user)
    db.session.commit()
    return render_template("registry/person.html", person=person, full_id=full_id,
                           status_form=StatusForm(formdata=None, effective_date=local_today()),
                           can_reveal=True, can_edit=can_edit_registry(current_user))


@bp.post("/people/<int:person_id>/status")
@roles_accepted(*REGISTRY_EDITORS)
def change_status(person_id):
    person = _person_or_404(person_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            operations.change_status(person, form.status.data, form.reason.data,
                                     form.effective_date.data, form.next_review_date.data,
                                     user=current_user)
        except operations.RegistryError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Status changed."), "success")
            return redirect(url_for(".person", person_id=person.id))
    return render_template("registry/person.html", person=person, status_form=form,
                           can_reveal=can_see_full_id(current_user), can_edit=True,
                           full_id=None), 400


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_accepted(*REGISTRY_EDITORS)
def edit(person_id):
    person = _person_or_404(person_id)
    form = PersonFieldsForm(obj=person)
    if request.method == "GET":
        form.monthly_income.data = person.monthly_income_fen / 100
    if form.validate_on_submit():
        operations.update(person, user=current_user, **form.person_fields())
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".person", person_id=person.id))
    return render_template("registry/person_form.html", form=form, person=person,
                           status=400 if form.errors else 200), 400 if form.errors else 200


def _community_choices(form, scope):
    communities = db.session.scalars(district_queries.communities(scope)).all()
    form.community.choices = [(c.id, f"{c.street.name} / {c.name}") for c in communities]
    return {c.id: c for c in communities}


def _save_person(form, write, done: str):
    """Run `write` (which enrols someone) and commit, or roll back and put the refusal on the
    form: a bad ID number on its field, anything else as a flash. Returns the person or None."""
    try:
        person = write()
    except IdNumberError as error:
        db.session.rollback()
        form.id_number.errors.append(str(error))
    except operations.RegistryError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done, "success")
        return person
    return None


@bp.route("/households/new", methods=["GET", "POST"])
@roles_accepted(*REGISTRY_EDITORS)
def new_household():
    scope = street_scope()
    form = NewHouseholdForm()
    communities = _community_choices(form, scope)
    if form.validate_on_submit():
        community = communities[form.community.data]

        def write():
            household = operations.create_household(form.code.data.strip(), community.street_id,
                                                    community.id, form.address.data or "")
            return operations.enrol(household, form.id_number.data, local_today(),
                                    _("New household"), user=current_user, **form.person_fields())

        person = _save_person(form, write, _("Household and first member added."))
        if person is not None:
            return redirect(url_for(".person", person_id=person.id))
    status = 400 if request.method == "POST" else 200
    return render_template("registry/household_form.html", form=form), status


@bp.get("/households/<int:household_id>")
def household(household_id):
    household = db.session.scalar(queries.household(household_id, street_scope()))
    if household is None:
        abort(404)
    return render_template("registry/household.html", household=household,
                           can_edit=can_edit_registry(current_user))


@bp.route("/households/<int:household_id>/members/new", methods=["GET", "POST"])
@roles_accepted(*REGISTRY_EDITORS)
def new_member(household_id):
    household = db.session.scalar(queries.household(household_id, street_scope()))
    if household is None:
        abort(404)
    form = NewPersonForm()
    if form.validate_on_submit():
        person = _save_person(form, lambda: operations.enrol(
            household, form.id_number.data, local_today(), _("Added to household"),
            user=current_user, **form.person_fields()), _("Member added."))
        if person is not None:
            return redirect(url_for(".person", person_id=person.id))
    status = 400 if request.method == "POST" else 200
    return render_template("registry/member_form.html", form=form,
                           household=household), status
