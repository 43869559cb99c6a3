"""The donor portal: a donor's gifts, monthly giving and sponsorships in one page, and the
monthly gift's start, change and cancellation."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required

from charity.auth.permissions import Permission, can, requires
from charity.extensions import db
from charity.main.headers import loads_from
from charity.transaction import unit_of_work
from donations.giving import designations, monthly, monthly_signup, queries
from donations.giving.forms import MonthlyForm
from donations.giving.models import RecurringGift
from donations.sponsorship import queries as sponsorship_queries
from donations.sponsorship.forms import pledge_form
from donations.stripe import gateway, refusals, webhook

bp = Blueprint("giving_portal", __name__, url_prefix="/donations")


def _monthly_form(**prefill) -> MonthlyForm:
    """The monthly form, as posted, or on the page with `prefill`'s values (see
    `monthly_signup.prefill`)."""
    form = MonthlyForm(**prefill)
    form.designation.choices = designations.fund_choices()
    return form


@bp.get("/portal")
@loads_from(gateway.page_sources)
@auth_required()
def portal():
    """A donor's gifts, receipts, statements, monthly gifts and sponsorships. The query's
    amount, designation and show_name pre-fill the monthly form where they are valid (the
    giving page and the public monthly page send them here)."""
    prefill = monthly_signup.prefill(request.args)
    return render_template(
        "donations/portal.html", refusals=refusals.refusal_messages(),
        gifts=db.session.scalars(queries.of_donor(current_user)).all(),
        years=queries.donor_years(current_user), recurring=queries.recurring_of(current_user),
        sponsorships=sponsorship_queries.sponsorships_of(current_user),
        monthly_form=_monthly_form(**prefill), prefilled=bool(prefill),
        sponsor_form=pledge_form(),
        describe=designations.describe, may_give=can(Permission.GIVE_FROM_PORTAL),
        stripe_js=gateway.js_url(), publishable_key=gateway.publishable_key())


def _own_recurring(gift_id) -> RecurringGift:
    gift = db.session.get(RecurringGift, gift_id)
    if gift is None or gift.donor_id != current_user.id:
        abort(404)
    return gift


@bp.post("/portal/monthly")
@requires(Permission.GIVE_FROM_PORTAL)
def start_monthly():
    """Open a monthly gift; the page saves the card with Stripe.js, then activates (JSON).
    A gift like one the donor has answers 409 until the form's `confirm` box is ticked."""
    form = _monthly_form()
    if not form.validate_on_submit():
        return jsonify(error=" ".join(str(e) for es in form.errors.values() for e in es)), 400
    with unit_of_work(errors=False) as work:
        gift, secret = monthly.start(current_user, form.amount.fen, form.designation.data,
                                     show_name=form.show_name.data,
                                     start_key=form.start_key.data,
                                     confirmed=form.confirm_duplicate.data)
    if isinstance(work.error, monthly.DuplicateMonthly):
        return jsonify(error=str(work.error), confirm="confirm_duplicate"), 409
    if not work.ok:
        return jsonify(error=str(work.error)), 400
    return jsonify(client_secret=secret,
                   activate_url=url_for(".activate_monthly", gift_id=gift.id))


def _monthly_action(gift_id, action, *args):
    gift = _own_recurring(gift_id)
    with unit_of_work() as work:
        action(gift, *args)
    if not work.ok:
        return redirect(url_for(".portal")), 400
    if gift.subscription:  # its first invoice's notice may have come before this commit
        with unit_of_work(errors=False):
            webhook.apply_waiting([f"sub:{gift.subscription}"])
    flash(_("Your monthly gift is updated."), "success")
    return redirect(url_for(".portal"))


@bp.post("/portal/monthly/<int:gift_id>/activate")
@requires(Permission.GIVE_FROM_PORTAL)
def activate_monthly(gift_id):
    """Subscribe once the donor's card is saved."""
    return _monthly_action(gift_id, monthly.activate)


@bp.post("/portal/monthly/<int:gift_id>/change")
@requires(Permission.GIVE_FROM_PORTAL)
def change_monthly(gift_id):
    """A new monthly amount from the next invoice on."""
    _own_recurring(gift_id)
    form = _monthly_form()
    if not form.validate_on_submit():
        flash(_("Write an amount in yuan, e.g. 100 or 12.50."), "error")
        return redirect(url_for(".portal")), 400
    return _monthly_action(gift_id, monthly.change, form.amount.fen)


@bp.post("/portal/monthly/<int:gift_id>/cancel")
@requires(Permission.GIVE_FROM_PORTAL)
def cancel_monthly(gift_id):
    """Stop the monthly gift now."""
    return _monthly_action(gift_id, monthly.cancel)
