"""Helpers on their phone: log a visit, a talk, a call or help given to a person paired with
them, see their own history with that person, and download their record of service hours."""

import secrets
from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.permissions import Permission, requires
from charity.contacts import operations, pdf, queries
from charity.contacts.forms import ContactForm
from charity.extensions import db
from charity.labels import label
from charity.main.input_guard import year_arg
from charity.pairing.mine import helper, mine_or_404
from charity.pairing.models import Cadre, Volunteer
from charity.timeutil import local_today
from charity.transaction import unit_of_work

bp = Blueprint("my_contacts", __name__, url_prefix="/my")


def _form(submitted: bool = False) -> ContactForm:
    """The posted form, or a blank one with the defaults (today, 30 minutes) and its one-time
    key."""
    form = ContactForm() if submitted else ContactForm(
        formdata=None, happened_on=local_today(), minutes=30,
        submission=secrets.token_urlsafe(16))
    form.department.choices = [("", "—")] + [
        (str(d.id), d.name) for d in db.session.scalars(queries.departments())]
    return form


def _render(pairing, form, status=200):
    entries = queries.history(pairing.person_id, helper())
    return render_template("contacts/log.html", pairing=pairing, person=pairing.person,
                           form=form, entries=entries), status


@bp.get("/pairings/<int:pairing_id>/contacts")
@requires(Permission.HELP_PEOPLE)
def contacts(pairing_id):
    """The one-screen form (now, 30 minutes) and the helper's history with the person."""
    return _render(mine_or_404(pairing_id), _form())


@bp.post("/pairings/<int:pairing_id>/contacts")
@requires(Permission.HELP_PEOPLE)
def log_contact(pairing_id):
    """Log a contact or help given: one operation, one commit, back to the person's page."""
    pairing = mine_or_404(pairing_id)
    form = _form(submitted=True)
    if form.validate_on_submit():
        department = form.department.data or ""
        help_given = operations.Help(
            goods=form.goods.data or None, amount_fen=form.amount.fen,
            department_id=int(department) if department.isdigit() else None)
        with unit_of_work(errors=form.form_errors) as work:
            operations.log(pairing, form.kind.data, form.happened_on.data, form.minutes.data,
                           form.note.data or "", local_today(), help_given, user=current_user,
                           submission=form.submission.data or None)
        if work.ok:
            flash(_("Saved. Thank you."), "success")
            return redirect(url_for(".contacts", pairing_id=pairing.id))
    return _render(pairing, form, 400)


def _name(kind: str, helper_id: int) -> str:
    model = Cadre if kind == "cadre" else Volunteer
    return db.session.get(model, helper_id).name


@bp.get("/hours.pdf")
@requires(Permission.HELP_PEOPLE)
def hours_pdf():
    """The signed-in helper's record of service hours of one year (this year unless
    ``?year=``): each entry's date, kind, street and minutes, and the total. It names no
    person helped: it is made to hand to a school or an employer."""
    kind, helper_id = helper()
    year = year_arg() or local_today().year
    start, end = date(year, 1, 1), date(year, 12, 31)
    entries = db.session.scalars(queries.service_record((kind, helper_id), start, end)).all()
    minutes = sum(entry.minutes for entry in entries)
    total = f"{minutes / 60:.1f}"
    rows = [(format_date(e.happened_on, "yyyy-MM-dd"), label(e.kind),
             e.person.household.street.name, str(e.minutes)) for e in entries]
    content = pdf.render(
        _("Record of volunteer service hours"),
        [_("Helper: %(name)s (%(kind)s)", name=_name(kind, helper_id), kind=label(kind)),
         _("Period: %(start)s to %(end)s", start=format_date(start, "yyyy-MM-dd"),
           end=format_date(min(end, local_today()), "yyyy-MM-dd")),
         _("Issued by the Yuzhong District charity federation's platform on %(day)s, from "
           "the entries the helper logged.", day=format_date(local_today(), "yyyy-MM-dd"))],
        [_("Date"), _("Kind"), _("Street"), _("Time (minutes)")], rows,
        _("Total: %(hours)s hours (%(minutes)s minutes, %(count)s entries)",
          hours=total, minutes=minutes, count=len(entries)))
    return content, 200, {"Content-Type": "application/pdf",
                          "Content-Disposition": f'attachment; filename="hours-{year}.pdf"'}
