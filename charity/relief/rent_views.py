"""Rent subsidy screens: a person's leases, class A validity windows and schedules, with the
forms that record them (the schedule is approved on its application's page)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from charity.auth.access import scoped_or_404, street_scope
from charity.auth.permissions import Permission, guard, requires
from charity.extensions import db
from charity.registry import queries as registry_queries
from charity.registry.models import Household, Person
from charity.relief import rent
from charity.relief.rent_forms import ClassValidityForm, ScheduleForm, TenancyForm
from charity.relief.rent_models import DibaoClassValidity, RentMonth, RentPayment, Tenancy
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("relief_rent", __name__, url_prefix="/relief/rent")
bp.before_request(guard(Permission.VIEW_RELIEF))


def _person_or_404(person_id: int) -> Person:
    return scoped_or_404(registry_queries.person(person_id, street_scope()), Person, person_id)


def _records(person: Person) -> dict:
    tenancies = db.session.scalars(select(Tenancy).where(
        Tenancy.household_id == person.household_id).order_by(Tenancy.starts_on)).all()
    windows = db.session.scalars(select(DibaoClassValidity).where(
        DibaoClassValidity.person_id == person.id).order_by(DibaoClassValidity.valid_from)).all()
    months = db.session.scalars(select(RentMonth).join(Tenancy).where(
        Tenancy.household_id == person.household_id)
        .order_by(RentMonth.application_id, RentMonth.month)).all()
    paid = {(p.application_id, p.month): p for p in db.session.scalars(select(RentPayment).where(
        RentPayment.household_id == person.household_id))}
    return {"tenancies": tenancies, "windows": windows, "months": months, "paid": paid}


def _render(person: Person, status: int = 200, **forms):
    forms = {"tenancy_form": TenancyForm(formdata=None), "window_form": ClassValidityForm(
        formdata=None), "schedule_form": ScheduleForm(formdata=None)} | forms
    return render_template("relief/rent_person.html", person=person, **_records(person),
                           **forms), status


@bp.get("/person/<int:person_id>")
def person(person_id):
    """A person's leases, class A windows and rent-subsidy schedules month by month."""
    return _render(_person_or_404(person_id))


def _record(person_id: int, form, form_name: str, write, message: str):
    """Validate the form, write with it in one unit of work, and show the page again (400
    with the reasons) or go back to it with `message`."""
    found = _person_or_404(person_id)
    if form.validate_on_submit():
        errors = next(iter(form)).errors
        with unit_of_work(errors=errors) as work:
            write(found, form)
        if work.ok:
            flash(message, "success")
            return redirect(url_for(".person", person_id=person_id))
    return _render(found, 400, **{form_name: form})


@bp.post("/person/<int:person_id>/tenancy")
@requires(Permission.SUBMIT_APPLICATION)
def tenancy(person_id):
    """Record the household's lease of a public rental home."""
    return _record(person_id, TenancyForm(), "tenancy_form", lambda person, form: (
        rent.record_tenancy(person.household, unit=form.unit.data, address=form.address.data,
                            monthly_rent_fen=form.monthly_rent.fen(),
                            starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                            user=current_user)), _("Lease recorded."))


@bp.post("/person/<int:person_id>/class-validity")
@requires(Permission.SUBMIT_APPLICATION)
def class_validity(person_id):
    """Record a window in which the person's dibao class A is valid."""
    return _record(person_id, ClassValidityForm(), "window_form", lambda person, form: (
        rent.record_class_validity(person, valid_from=form.valid_from.data,
                                   valid_until=form.valid_until.data, user=current_user)),
        _("Class A validity recorded."))


def _lease_in_scope(tenancy_id: int | None) -> Tenancy | None:
    """The lease posted, if on the viewer's streets; one of another street's (an id posted by
    hand, the form offers only the household's) is 404 and kept in the security log."""
    if not tenancy_id:
        return None
    query = select(Tenancy).join(Household).where(Tenancy.id == tenancy_id)
    scope = street_scope()
    return scoped_or_404(query if scope is None else query.where(Household.street_id == scope),
                         Tenancy, tenancy_id)


@bp.post("/person/<int:person_id>/schedule")
@requires(Permission.SUBMIT_APPLICATION)
def schedule(person_id):
    """The maker proposes the subsidy for some months of the household's current lease."""
    found, form = _person_or_404(person_id), ScheduleForm()
    lease = _lease_in_scope(request.form.get("tenancy_id", type=int))
    if lease is None or lease.household_id != found.household_id:
        form.first_month.errors = [_("Choose one of the household's leases.")]
    elif form.validate_on_submit():
        with unit_of_work(errors=form.first_month.errors) as work:
            application = rent.submit_schedule(
                found, lease, first_month=rent.parse_month(form.first_month.data),
                last_month=rent.parse_month(form.last_month.data), reason=form.reason.data,
                today=local_today(), user=current_user)
        if work.ok:
            flash(_("Rent subsidy schedule submitted for approval."), "success")
            return redirect(url_for("relief.case", application_id=application.id))
    return _render(found, 400, schedule_form=form)
