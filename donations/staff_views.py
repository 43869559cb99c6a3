"""Staff screens: record offline gifts (one or a batch), confirm large ones; links to the
review queue and the campaigns."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required, roles_accepted

from charity.extensions import db
from charity.fund.operations import LedgerError
from charity.timeutil import local_today
from donations import designations, offline, queries, review
from donations.forms import BatchForm, OfflineGiftForm
from donations.models import Donation
from donations.operations import DonationError
from donations.views import bp

STAFF = ("admin", "fund_manager", "approver")


def _render(form=None, batch=None, status=200):
    form = form or OfflineGiftForm(formdata=None, given_on=local_today())
    form.designation.choices = designations.fund_choices()
    return render_template(
        "donations/staff.html", form=form, batch=batch or BatchForm(formdata=None),
        awaiting=db.session.scalars(queries.awaiting_confirmation()).all(),
        flagged=db.session.scalars(review.queue()).all(),
        threshold=current_app.config["OFFLINE_CONFIRM_THRESHOLD_FEN"]), status


@bp.get("/staff")
@auth_required()
@roles_accepted(*STAFF)
def staff():
    return _render()


@bp.post("/staff/offline")
@auth_required()
@roles_accepted(*STAFF)
def record_offline():
    form = OfflineGiftForm()
    form.designation.choices = designations.fund_choices()
    if form.validate_on_submit():
        try:
            donation = offline.record_offline(
                channel=form.channel.data, amount_fen=form.amount.fen,
                receipt_number=form.receipt_number.data, donor_name=form.donor_name.data,
                designation=form.designation.data or None, given_on=form.given_on.data,
                anonymous=form.anonymous.data, memo=form.memo.data or "", user=current_user)
        except (DonationError, LedgerError) as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Gift recorded and credited.") if donation.credited else
                  _("Gift recorded; a second person must confirm it."), "success")
            return redirect(url_for(".staff"))
    return _render(form=form, status=400)


@bp.post("/staff/offline/batch")
@auth_required()
@roles_accepted(*STAFF)
def record_batch():
    batch = BatchForm()
    if batch.validate_on_submit():
        try:
            gifts = offline.record_batch(batch.rows.data, current_user)
        except (DonationError, LedgerError) as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("%(n)s gifts recorded.", n=len(gifts)), "success")
            return redirect(url_for(".staff"))
    return _render(batch=batch, status=400)


@bp.post("/staff/gifts/<int:donation_id>/confirm")
@auth_required()
@roles_accepted(*STAFF)
def confirm(donation_id):
    donation = db.get_or_404(Donation, donation_id)
    try:
        offline.confirm(donation, current_user)
    except (DonationError, LedgerError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render(status=400)
    db.session.commit()
    flash(_("Gift confirmed and credited."), "success")
    return redirect(url_for(".staff"))
