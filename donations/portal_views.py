"""The donor portal: history, receipts, the yearly statement, monthly gifts, sponsorships."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required, roles_accepted
from sqlalchemy import select

from charity.extensions import db
from charity.fund import queries as fund_queries
from charity.timeutil import local_today
from donations import designations, gateway, monthly, queries, receipts, sponsorship
from donations.forms import MonthlyForm, SponsorshipForm
from donations.models import Donation
from donations.operations import DonationError
from donations.pledge_models import RecurringGift, Sponsorship
from donations.views import bp

STAFF = ("admin", "fund_manager", "approver", "auditor")
#: Who may give from the portal: donors only (staff and auditors only read it).
GIVERS = ("donor",)


def _pdf(content: bytes, name: str):
    return content, 200, {"Content-Type": "application/pdf",
                          "Content-Disposition": f'inline; filename="{name}"'}


def _forms():
    monthly_form, sponsor_form = MonthlyForm(formdata=None), SponsorshipForm(formdata=None)
    monthly_form.designation.choices = designations.fund_choices()
    sponsor_form.street.choices = [(c, t) for c, t in designations.fund_choices()
                                   if c.startswith("street:") or not c]
    return monthly_form, sponsor_form


@bp.get("/portal")
@auth_required()
def portal():
    monthly_form, sponsor_form = _forms()
    return render_template(
        "donations/portal.html", gifts=db.session.scalars(queries.of_donor(current_user)).all(),
        years=queries.donor_years(current_user), recurring=queries.recurring_of(current_user),
        sponsorships=queries.sponsorships_of(current_user), monthly_form=monthly_form,
        sponsor_form=sponsor_form, describe=designations.describe,
        may_give=current_user.has_any_role(*GIVERS),
        stripe_js=gateway.js_url(), publishable_key=gateway.publishable_key())


@bp.get("/portal/receipts/<int:donation_id>.pdf")
@auth_required()
def receipt(donation_id):
    donation = db.session.get(Donation, donation_id)
    mine = donation is not None and donation.donor_id == current_user.id
    if donation is None or not (mine or current_user.has_any_role(*STAFF)):
        abort(404)
    if not donation.credited:
        abort(404)
    return _pdf(receipts.receipt_pdf(donation), f"receipt-{donation.receipt_number}.pdf")


@bp.get("/portal/statements/<int:year>.pdf")
@auth_required()
def statement(year):
    gifts = queries.statement(current_user, year)
    return _pdf(receipts.statement_pdf(current_user, year, gifts), f"statement-{year}.pdf")


def _own_recurring(gift_id) -> RecurringGift:
    gift = db.session.get(RecurringGift, gift_id)
    if gift is None or gift.donor_id != current_user.id:
        abort(404)
    return gift


@bp.post("/portal/monthly")
@auth_required()
@roles_accepted(*GIVERS)
def start_monthly():
    """Open a monthly gift; the page saves the card with Stripe.js, then activates (JSON)."""
    form = MonthlyForm()
    form.designation.choices = designations.fund_choices()
    if not form.validate_on_submit():
        return jsonify(error=" ".join(str(e) for es in form.errors.values() for e in es)), 400
    try:
        gift, secret = monthly.start(current_user, form.amount.fen, form.designation.data,
                                     show_name=form.show_name.data)
    except (monthly.MonthlyError, DonationError) as error:
        db.session.rollback()
        return jsonify(error=str(error)), 400
    db.session.commit()
    return jsonify(client_secret=secret,
                   activate_url=url_for(".activate_monthly", gift_id=gift.id))


def _monthly_action(gift_id, action, *args):
    gift = _own_recurring(gift_id)
    try:
        action(gift, *args)
    except (monthly.MonthlyError, DonationError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".portal")), 400
    db.session.commit()
    flash(_("Your monthly gift is updated."), "success")
    return redirect(url_for(".portal"))


@bp.post("/portal/monthly/<int:gift_id>/activate")
@auth_required()
@roles_accepted(*GIVERS)
def activate_monthly(gift_id):
    return _monthly_action(gift_id, monthly.activate)


@bp.post("/portal/monthly/<int:gift_id>/change")
@auth_required()
@roles_accepted(*GIVERS)
def change_monthly(gift_id):
    form = MonthlyForm()
    form.designation.choices = designations.fund_choices()
    if not form.validate_on_submit():
        flash(_("Write an amount in yuan, e.g. 100 or 12.50."), "error")
        return redirect(url_for(".portal")), 400
    return _monthly_action(gift_id, monthly.change, form.amount.fen)


@bp.post("/portal/monthly/<int:gift_id>/cancel")
@auth_required()
@roles_accepted(*GIVERS)
def cancel_monthly(gift_id):
    return _monthly_action(gift_id, monthly.cancel)


@bp.post("/portal/sponsorships")
@auth_required()
@roles_accepted(*GIVERS)
def pledge():
    _monthly, form = _forms()
    form.process(request.form)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for es in form.errors.values() for e in es), "error")
        return redirect(url_for(".portal")), 400
    street = form.street.data.removeprefix("street:") if form.street.data else None
    street_id = next((s.id for s in db.session.scalars(select(designations.Street))
                      if s.name == street), None)
    try:
        found = sponsorship.pledge(current_user, form.kind.data, form.amount.fen, street_id)
    except (sponsorship.SponsorshipError, DonationError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".portal")), 400
    db.session.commit()
    return redirect(url_for(".sponsorship_page", sponsorship_id=found.id))


@bp.get("/portal/sponsorships/<int:sponsorship_id>")
@auth_required()
def sponsorship_page(sponsorship_id):
    found = db.session.get(Sponsorship, sponsorship_id)
    if found is None or found.donor_id != current_user.id:
        abort(404)
    gifts = db.session.scalars(select(Donation).where(
        Donation.designation == found.designation, Donation.status.in_(queries.CREDITED))).all()
    given = sum(g.amount_fen - g.refunded_fen for g in gifts)
    held = fund_queries.balance(f"restricted:{found.designation}")
    profiles = [sponsorship.profile(p.person, local_today()) for p in found.people]
    return render_template("donations/sponsorship.html", sponsorship=found, profiles=profiles,
                           given=given, held=held, spent=max(0, given - held),
                           deadline=sponsorship.deadline(found),
                           entries=queries.fund_entries(f"restricted:{found.designation}"),
                           unit=sponsorship.unit_fen(found.kind))
