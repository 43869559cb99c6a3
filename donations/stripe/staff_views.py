"""The reconciliation page: the last comparison of the gifts with Stripe, what it put right,
what needs a person, and the Stripe events still waiting for their gift."""

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from charity.auth.permissions import Permission, guard, requires
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.pages import shown
from charity.main.templating import fen
from donations.giving import review
from donations.stripe.models import WAITING, Reconciliation, StripeEvent

bp = Blueprint("stripe_staff", __name__, url_prefix="/donations/staff/reconciliation")
bp.before_request(guard(Permission.VIEW_RECONCILIATION))

#: Why a difference needs a person, in the reader's language.
REASONS = {
    "no_gift": _l("Stripe holds this payment, and no gift here matches it"),
    "unknown_to_stripe": _l("A gift waits for a payment Stripe does not know"),
    "refused": _l("The ledger refused it; the gift is held for review"),
    "not_listed": _l("Stripe did not list these objects"),
    "expired": _l("A Stripe notice waited 30 days for a gift that never came"),
}
#: What the reconciliation did, by the webhook's outcome.
OUTCOMES = {
    "credited": _l("Credited to the fund"), "failed": _l("Marked as a failed payment"),
    "flagged": _l("Held for review: the amount or fee differs"),
    "refunded": _l("Refund posted: %(amount)s"), "disputed": _l("Card dispute: money held"),
    "dispute won": _l("Card dispute won: money returned"),
    "dispute lost": _l("Card dispute lost: money gone"),
    "canceled": _l("Monthly gift cancelled"),
}
#: What the examined counts are of.
KINDS = {
    "payment_intents": _l("Payments"), "charges": _l("Charges"), "disputes": _l("Disputes"),
    "invoices": _l("Invoices"), "subscriptions": _l("Monthly subscriptions"),
    "pending gifts": _l("Gifts still pending"), "waiting events": _l("Events waiting"),
}


def outcome_label(outcome: str) -> str:
    """What the reconciliation did, in the reader's language."""
    word, _sep, amount = outcome.partition(" ")
    if word == "refunded" and amount.isdigit():
        return str(OUTCOMES["refunded"]) % {"amount": fen(int(amount))}
    return str(OUTCOMES.get(outcome, outcome))


@bp.get("")
def page():
    """The last reconciliation, the events waiting for their gift, the gifts held for review."""
    last = db.session.scalar(select(Reconciliation).order_by(Reconciliation.id.desc()).limit(1))
    waiting = db.session.scalars(select(StripeEvent).where(StripeEvent.outcome == WAITING)
                                 .order_by(StripeEvent.received_at).limit(100)).all()
    held = db.session.scalar(select(func.count()).select_from(review.queue().subquery()))
    return render_template("donations/reconciliation.html", last=last, waiting=waiting,
                           held=held, reasons=REASONS, kinds=KINDS, outcome=outcome_label,
                           form=FlaskForm())


@bp.post("/runs")
@requires(Permission.RUN_RECONCILIATION)
def run():
    """Start a reconciliation job now (it also runs nightly); its page shows the progress and
    leads back here. A second start while one runs shows the first."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    job, started = jobs.start("reconciliation", "reconciliation", user=current_user)
    return shown(job, started)
