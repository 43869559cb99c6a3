"""Registry screens: search, person and household pages, and the forms that change them."""

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import false

from charity.auth.access import scoped_or_404, street_scope
from charity.auth.permissions import Permission, can, guard, requires
from charity.contacts.queries import history
from charity.district import queries as district_queries
from charity.extensions import db, limiter
from charity.main.input_guard import page_arg
from charity.registry import guardians, operations, picker, queries
from charity.registry.filters import export_args, filter_form, person_filter
from charity.registry.forms import (
    NewHouseholdForm,
    NewPersonForm,
    PersonFieldsForm,
    StatusForm,
)
from charity.registry.ids import IdNumberError
from charity.registry.models import HEALTH_FLAGS, Household, Person
from charity.timeutil import local_today
from charity.transaction import commit_alone, unit_of_work

bp = Blueprint("registry", __name__, url_prefix="/registry")
bp.before_request(guard(Permission.VIEW_REGISTRY))


@bp.get("/people")
def people():
    """Search the roster of the user's streets by place, category, status, flag or name."""
    scope = street_scope()
    form = filter_form(scope)
    filters, unknown = person_filter(form), form.unknown()
    listed = queries.people(filters, scope)
    page = db.paginate(listed.where(false()) if unknown else listed, page=page_arg(),
                       per_page=50, error_out=False)
    if filters.flag in HEALTH_FLAGS and not unknown:
        commit_alone(operations.health_listed, page.items, current_user, "registry.people",
                     filters.flag)
    return render_template("registry/people.html", form=form, page=page, unknown=unknown,
                           export_args=None if unknown else export_args(form, scope)), \
        400 if unknown else 200


def _search_budget() -> str:
    return current_app.config["PERSON_SEARCH_RATE_LIMIT"]


def _searcher() -> str:
    return f"person-search/{current_user.get_id()}"


@bp.get("/people/search")
@limiter.limit(_search_budget, key_func=_searcher, override_defaults=False)
def search_people():
    """The person pickers' search (JSON): at most 20 people of the user's streets by name,
    household number or address, the masked ID's last digits or a full ID number, each shown
    as the roster list shows them (masked ID); not logged, as it shows no more than the list."""
    people, more = picker.search(request.args.get("q", ""), street_scope())
    return jsonify(results=[picker.as_result(p) for p in people], more=more)


def _person_or_404(person_id):
    return scoped_or_404(queries.person(person_id, street_scope()), Person, person_id)


def _render_person(person, status_form=None, full_id=None, status=200, guardian_phone=None):
    commit_alone(operations.health_viewed, person, current_user, "registry.person")
    status_form = status_form or StatusForm(formdata=None, effective_date=local_today())
    contacts = history(person.id) if can(Permission.VIEW_CONTACTS) else None
    return render_template("registry/person.html", person=person, status_form=status_form,
                           full_id=full_id, guardian_phone=guardian_phone,
                           contacts=contacts), status


@bp.get("/people/<int:person_id>")
def person(person_id):
    """A person's record with the ID number masked, their status history and review date."""
    return _render_person(_person_or_404(person_id))


@bp.post("/people/<int:person_id>/id-number")
@requires(Permission.VIEW_FULL_ID)
def reveal(person_id):
    """Show the full ID number once; the audit log keeps who saw it."""
    person = _person_or_404(person_id)
    full_id = guardian_phone = None
    with unit_of_work():
        full_id = operations.reveal_id(person, current_user)
        guardian_phone = operations.reveal_guardian_phone(person, current_user)
    return _render_person(person, full_id=full_id, guardian_phone=guardian_phone)


@bp.post("/people/<int:person_id>/status")
@requires(Permission.EDIT_REGISTRY)
def change_status(person_id):
    """Enrol, suspend or exit a person from a date, with a reason and the next review date;
    the history keeps every earlier status."""
    person = _person_or_404(person_id)
    form = StatusForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            operations.change_status(person, form.status.data, form.reason.data,
                                     form.effective_date.data, form.next_review_date.data,
                                     user=current_user)
        if work.ok:
            flash(_("Status changed."), "success")
            return redirect(url_for(".person", person_id=person.id))
    return _render_person(person, status_form=form, status=400)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTRY)
def edit(person_id):
    """Edit a person's details (not their ID number or status)."""
    person = _person_or_404(person_id)
    form = PersonFieldsForm(obj=person)
    if request.method == "GET":
        form.monthly_income.data = person.monthly_income_fen / 100
    if form.validate_on_submit():
        with unit_of_work() as work:
            operations.update(person, user=current_user, **form.person_fields())
        if work.ok:
            flash(_("Saved."), "success")
            return redirect(url_for(".person", person_id=person.id))
    commit_alone(operations.health_viewed, person, current_user, "registry.edit")
    status = 400 if request.method == "POST" else 200
    return render_template("registry/person_form.html", form=form, person=person), status


def _community_choices(form, scope):
    communities = db.session.scalars(district_queries.communities(scope)).all()
    form.community.choices = [(c.id, f"{c.street.name} / {c.name}") for c in communities]
    return {c.id: c for c in communities}


def _enrol(form, write, done: str):
    """Run `write` (which enrols someone) in one unit of work and go to the person; a bad ID
    number goes on its field, a missing guardian on the guardian's, any other refusal is
    flashed. None when refused."""
    with unit_of_work(errors={IdNumberError: form.id_number.errors,
                              operations.GuardianError: []}) as work:
        person = write()
    if isinstance(work.error, operations.GuardianError):
        form.guardian_errors(work.error.problems)
    if not work.ok:
        return None
    flash(done, "success")
    return redirect(url_for(".person", person_id=person.id))


@bp.route("/households/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTRY)
def new_household():
    """Create a household with its first member."""
    form = NewHouseholdForm()
    communities = _community_choices(form, street_scope())
    if form.validate_on_submit():
        community = communities[form.community.data]

        def write():
            household = operations.create_household(form.code.data.strip(), community.street_id,
                                                    community.id, form.address.data or "")
            return operations.enrol(household, form.id_number.data, local_today(),
                                    _("New household"), user=current_user,
                                    guardian=form.guardian_details(), **form.person_fields())

        done = _enrol(form, write, _("Household and first member added."))
        if done is not None:
            return done
    status = 400 if request.method == "POST" else 200
    return render_template("registry/household_form.html", form=form), status


def _household_or_404(household_id):
    return scoped_or_404(queries.household(household_id, street_scope()), Household,
                         household_id)


@bp.get("/households/<int:household_id>")
def household(household_id):
    """A household and its members."""
    return render_template("registry/household.html", household=_household_or_404(household_id))


@bp.route("/households/<int:household_id>/members/new", methods=["GET", "POST"])
@requires(Permission.EDIT_REGISTRY)
def new_member(household_id):
    """Enrol another member of a household."""
    household = _household_or_404(household_id)
    form = NewPersonForm()
    form.guardian_person.choices = [("", "—")] + [
        (str(m.id), m.name) for m in household.members
        if guardians.can_be_guardian(m, local_today())]
    if form.validate_on_submit():
        done = _enrol(form, lambda: operations.enrol(
            household, form.id_number.data, local_today(), _("Added to household"),
            user=current_user, guardian=form.guardian_details(), **form.person_fields()),
            _("Member added."))
        if done is not None:
            return done
    status = 400 if request.method == "POST" else 200
    return render_template("registry/member_form.html", form=form, household=household), status
