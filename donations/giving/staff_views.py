"""The fund staff's gift desk: offline gifts (single or a batch), and the second person's
confirmation of large ones."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.permissions import Permission, guard
from charity.extensions import db
from charity.timeutil import local_today
from charity.transaction import unit_of_work
from donations.giving import designations, offline, queries, review
from donations.giving.forms import BatchForm, OfflineGiftForm
from donations.giving.models import Donation

bp = Blueprint("giving_staff", __name__, url_prefix="/donations/staff")
bp.before_request(guard(Permission.RECORD_GIFTS))


def _render(form=None, batch=None, status=200):
    form = form or OfflineGiftForm(formdata=None, given_on=local_today())
    form.designation.choices = designations.fund_choices()
    return render_template(
        "donations/staff.html", form=form, batch=batch or BatchForm(formdata=None),
        awaiting=db.session.scalars(queries.awaiting_confirmation()).all(),
        flagged=db.session.scalars(review.queue()).all(),
        threshold=current_app.config["OFFLINE_CONFIRM_THRESHOLD_FEN"]), status


@bp.get("")
def staff():
    """The desk: the offline gift form, the batch form, gifts awaiting a second person."""
    return _render()


@bp.post("/offline")
def record_offline():
    """Record one offline gift (credited now, or held for a second person above the line)."""
    form = OfflineGiftForm()
    form.designation.choices = designations.fund_choices()
    if form.validate_on_submit():
        with unit_of_work() as work:
            donation = offline.record_offline(
                channel=form.channel.data, amount_fen=form.amount.fen,
                receipt_number=form.receipt_number.data, donor_name=form.donor_name.data,
                designation=form.designation.data or None, given_on=form.given_on.data,
                show_name=form.show_name.data, memo=form.memo.data or "", user=current_user)
        if work.ok:
            flash(_("Gift recorded and credited.") if donation.credited else
                  _("Gift recorded; a second person must confirm it."), "success")
            return redirect(url_for(".staff"))
    return _render(form=form, status=400)


@bp.post("/offline/batch")
def record_batch():
    """Record every line of a batch, or none."""
    batch = BatchForm()
    if batch.validate_on_submit():
        with unit_of_work() as work:
            gifts = offline.record_batch(batch.rows.data, current_user)
        if work.ok:
            flash(_("%(n)s gifts recorded.", n=len(gifts)), "success")
            return redirect(url_for(".staff"))
    return _render(batch=batch, status=400)


@bp.post("/gifts/<int:donation_id>/confirm")
def confirm(donation_id):
    """The second person confirms a large offline gift, which credits it."""
    donation = db.get_or_404(Donation, donation_id)
    with unit_of_work() as work:
        offline.confirm(donation, current_user)
    if not work.ok:
        return _render(status=400)
    flash(_("Gift confirmed and credited."), "success")
    return redirect(url_for(".staff"))
