"""The review queue: gifts held for review, and the decisions staff made on them."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.permissions import Permission, guard
from charity.extensions import db
from charity.labels import label
from charity.transaction import unit_of_work
from donations.giving import review
from donations.giving.forms import ReviewForm
from donations.giving.models import Donation

bp = Blueprint("giving_review", __name__, url_prefix="/donations/staff")
bp.before_request(guard(Permission.REVIEW_GIFTS))


def _page(status=200):
    return render_template(
        "donations/review.html", queue=db.session.scalars(review.queue()).all(),
        decided=db.session.scalars(review.decided()).all(), withheld=review.withheld_match,
        form=ReviewForm(formdata=None)), status


@bp.get("/review")
def review_queue():
    """Gifts held for review, oldest first, and the latest decisions."""
    return _page()


@bp.post("/gifts/<int:donation_id>/review")
def review_gift(donation_id):
    """Release a withheld match, keep it withheld, or clear the flag."""
    donation = db.get_or_404(Donation, donation_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("Choose a decision from the list."), "error")
        return _page(status=400)
    with unit_of_work() as work:
        decision = review.DECISIONS[form.decision.data](donation, current_user,
                                                        form.note.data or "")
    if not work.ok:
        return _page(status=400)
    flash(_("Decision recorded: %(what)s.", what=label(decision.decision)), "success")
    return redirect(url_for(".review_queue"))
