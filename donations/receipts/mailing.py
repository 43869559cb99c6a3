"""The receipt e-mail: every credited gift whose donor gave an e-mail address gets one message
with its receipt PDF attached and its signed receipt link, sent by a job (`receipt_mail`), never
inside the request or the job that credited it. A mail server that refuses or cannot be reached
is tried again with a growing pause (the job's retries).

One e-mail per gift: `credit` notes the gift (`due`) in the session; only once that session has
committed are the noted gifts handed to a job (`send_committed`, after each request and each
job), keyed by the gift, so two deliveries of the same credit event, or a webhook and a
reconciliation together, start at most one active job; the job locks the gift and sends nothing
if `receipt_mailed_at` is set, and sets it in the same commit that ends the job."""

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from charity.database import utcnow
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.runner import job_task
from charity.main import mail
from donations.giving.models import Donation
from donations.receipts import links, pdf

SUBJECT = _l("Your receipt from the Yuzhong relief fund")
#: Where a session keeps the gifts credited in its transaction, then those committed.
NOTED, COMMITTED = "receipts_noted", "receipts_committed"


class MailDeferred(RuntimeError):
    """The mail server refused the message or could not be reached: the job tries again."""


def due(donation: Donation) -> None:
    """Note a gift just credited: its receipt is mailed once the session commits."""
    db.session.info.setdefault(NOTED, set()).add(donation.id)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    noted = session.info.pop(NOTED, None)
    if noted:
        session.info.setdefault(COMMITTED, set()).update(noted)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(NOTED, None)


def _base_url() -> str:
    return request.host_url if has_request_context() else current_app.config["PUBLIC_URL"]


def send_committed() -> list[int]:
    """Start the receipt job of each gift credited and committed in this session that has an
    e-mail address and no receipt sent yet; their ids."""
    committed = db.session.info.pop(COMMITTED, None)
    started = []
    for gift_id in sorted(committed or ()):
        donation = db.session.get(Donation, gift_id)
        if donation is None or not donation.donor_email or donation.receipt_mailed_at \
                or not donation.credited:
            continue
        jobs.start("receipt_mail", f"receipt_mail:{gift_id}",
                   params={"donation_id": gift_id, "base_url": _base_url()})
        started.append(gift_id)
    return started


def compose_for(donation: Donation, base_url: str):
    """The receipt e-mail of a gift (see `charity.main.mail.compose`)."""
    with current_app.test_request_context(base_url=base_url):
        link = links.url(donation, external=True)
    content = pdf.receipt_pdf(donation)
    return mail.compose(
        donation.donor_email, SUBJECT, "receipt",
        attachments=[(pdf.receipt_name(donation), content, "application/pdf")],
        name=pdf.donor_shown(donation), receipt_number=donation.receipt_number,
        amount_fen=donation.amount_fen, link=link, days=links.RECEIPT_LINK_DAYS)


@job_task("receipt_mail", transient=(OperationalError, MailDeferred), max_retries=8)
def receipt_mail(job, progress) -> None:
    """Mail a credited gift's receipt, once."""
    progress(0, 1, "mailing")
    donation = db.session.get(Donation, job.params.get("donation_id"), with_for_update=True)
    if donation is None or donation.receipt_mailed_at or not donation.donor_email \
            or not donation.credited:
        job.params = job.params | {"sent": False}
        return None
    try:
        mail.send_message(compose_for(donation, job.params.get("base_url") or "/"))
    except mail.MailNotSent:
        raise MailDeferred(f"receipt {donation.id} not sent") from None
    donation.receipt_mailed_at = utcnow()
    job.params = job.params | {"sent": True}
    return None
