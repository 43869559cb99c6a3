"""Donations' jobs: reconciliation with Stripe (started from its page, and nightly by Celery
beat) and the nightly expiry of sponsorship pledges that received nothing in time."""

from datetime import timedelta

import stripe
from sqlalchemy.exc import OperationalError

from charity.auth.models import User
from charity.auth.permissions import Permission
from charity.extensions import db
from charity.jobs.runner import job_task
from charity.timeutil import local_today
from donations.receipts import mailing
from donations.sponsorship import operations as sponsorship
from donations.stripe import reconcile

#: How far back a reconciliation looks, as `flask donations reconcile` does by default.
RECONCILE_DAYS = 30


@job_task("reconciliation", transient=(OperationalError, stripe.APIConnectionError))
def reconciliation(job, progress) -> dict:
    """Compare the gifts of the last 30 days with Stripe. Each Stripe object is put right in a
    unit of work of its own (see donations/stripe/reconcile.py), so a retry repeats only what
    is still different."""
    progress(0, 1, "comparing")
    user = db.session.get(User, job.started_by_id) if job.started_by_id else None
    run = reconcile.reconcile(local_today() - timedelta(days=RECONCILE_DAYS), user=user)
    mailing.send_committed()  # the receipts of the gifts it credited (each committed already)
    job.params = job.params | {"reconciliation_id": run.id}
    return {"endpoint": "stripe_staff.page", "values": {},
            "needs": Permission.VIEW_RECONCILIATION}


@job_task("pledge_expiry")
def pledge_expiry(job, progress) -> None:
    """Sponsorship pledges that received no money in time expire (nightly, by Celery beat)."""
    progress(0, 1, "reading")
    job.params = job.params | {"expired": sponsorship.expire_unpaid()}
    return None


@job_task("sponsorship_pairing")
def sponsorship_pairing(job, progress) -> None:
    """Pair every waiting sponsorship pledge with people who fit, through the optimiser
    (nightly, by Celery beat, after the expiry): an open budget takes people registered since
    its money arrived, and a person a concurrent gift could not take is paired now."""
    progress(0, 1, "solving")
    today = local_today()
    expired = sponsorship.expire_unpaid()
    pledges = len(sponsorship.waiting())
    paired = sponsorship.pair_waiting(today.year, today)
    job.params = job.params | {"expired": expired, "pledges": pledges, "paired": paired}
    return None
