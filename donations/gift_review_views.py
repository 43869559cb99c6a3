"""The review queue: gifts held for review, and the decisions staff made on them."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required, roles_accepted

from charity.extensions import db
from charity.fund.operations import LedgerError
from charity.labels import label
from donations import review
from donations.forms import ReviewForm
from donations.models import Donation
from donations.operations import DonationError
from donations.views import bp

REVIEWERS = ("admin", "fund_manager", "approver")


def _page(status=200):
    return render_template(
        "donations/review.html", queue=db.session.scalars(review.queue()).all(),
        decided=db.session.scalars(review.decided()).all(), withheld=review.withheld_match,
        form=ReviewForm(formdata=None)), status


@bp.get("/staff/review")
@auth_required()
@roles_accepted(*REVIEWERS)
def review_queue():
    return _page()


@bp.post("/staff/gifts/<int:donation_id>/review")
@auth_required()
@roles_accepted(*REVIEWERS)
def review_gift(donation_id):
    donation = db.get_or_404(Donation, donation_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("Choose a decision from the list."), "error")
        return _page(status=400)
    try:
        decision = review.DECISIONS[form.decision.data](donation, current_user,
                                                        form.note.data or "")
    except (DonationError, LedgerError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return _page(status=400)
    db.session.commit()
    flash(_("Decision recorded: %(what)s.", what=label(decision.decision)), "success")
    return redirect(url_for(".review_queue"))
