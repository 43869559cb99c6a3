"""The donations' lines of the home page's to-do lists (see `charity.main.todo`): the fund
manager's reconciliation with Stripe, and the donor's gifts and receipts. The app hands them
to the home page (`LISTS`), as charity itself knows nothing of donations."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.auth.permissions import Permission
from charity.extensions import db
from charity.main.todo import Item, count
from donations.giving.models import CREDITED, Donation
from donations.giving.review import queue as held_gifts
from donations.stripe.models import WAITING, Reconciliation, StripeEvent


def reconciliation(user) -> list[Item]:
    """What the last reconciliation left for a person, the notices waiting, the held gifts."""
    last = db.session.scalar(select(Reconciliation).order_by(Reconciliation.id.desc()).limit(1))
    waiting = select(StripeEvent.id).where(StripeEvent.outcome == WAITING)
    page = url_for("stripe_staff.page")
    return [Item(_l("Differences the last reconciliation could not put right"),
                 len(last.unfixed or []) if last else 0, page),
            Item(_l("Stripe notices waiting for their gift"), count(waiting), page),
            Item(_l("Gifts held for review"), count(held_gifts()), page)]


def donor(user) -> list[Item]:
    """A donor's gifts, and those credited (whose receipt they can download)."""
    gifts = select(Donation.id).where(Donation.donor_id == user.id)
    receipts = gifts.where(Donation.status.in_(CREDITED))  # as the portal offers them
    portal = url_for("giving_portal.portal")
    return [Item(_l("Your gifts"), count(gifts), portal),
            Item(_l("Receipts you can download"), count(receipts), portal)]


#: (permission, heading, lines) for the home page.
LISTS = ((Permission.RUN_RECONCILIATION, _l("Reconciliation with Stripe"), reconciliation),
         (Permission.GIVE_FROM_PORTAL, _l("Your giving"), donor))
