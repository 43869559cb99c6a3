"""A gift's receipt and a donor's yearly statement, as PDF; the development outbox."""

from flask import Blueprint, abort, render_template
from flask_login import current_user
from flask_security import auth_required

from charity.auth.permissions import Permission, can, requires
from charity.extensions import db
from charity.main.limits import FIRST_YEAR, LAST_YEAR
from donations.giving import queries
from donations.giving.models import Donation
from donations.receipts import mailing, outbox, pdf

bp = Blueprint("receipts", __name__, url_prefix="/donations/portal")


@bp.after_app_request
def mail_receipts(response):
    """After any request that committed credited gifts: their receipt e-mails, as jobs."""
    mailing.send_committed()
    return response


@bp.get("/receipts/<int:donation_id>.pdf")
@auth_required()
def receipt(donation_id):
    """The receipt of a received gift: its donor's, or any for the fund's staff and auditors."""
    donation = db.session.get(Donation, donation_id)
    mine = donation is not None and donation.donor_id == current_user.id
    if donation is None or not (mine or can(Permission.VIEW_ANY_RECEIPT)):
        abort(404)
    if not donation.credited:
        abort(404)
    return pdf.served(pdf.receipt_pdf(donation), pdf.receipt_name(donation))


@bp.get(f"/statements/<int(min={FIRST_YEAR}, max={LAST_YEAR}):year>.pdf")
@auth_required()
def statement(year):
    """The signed-in donor's received gifts of one year and their total."""
    gifts = queries.statement(current_user, year)
    return pdf.served(pdf.statement_pdf(current_user, year, gifts), f"statement-{year}.pdf")


@bp.get("/outbox")
@requires(Permission.VIEW_MAIL_OUTBOX)
def mail_outbox():
    """The e-mails the platform sent, when it keeps them as files (development, the demo)."""
    kinds = _kinds()
    return render_template("donations/outbox.html", messages=outbox.caught(kinds),
                           folder=outbox.folder(), everything=kinds is None)


def _kinds() -> frozenset | None:
    """The kinds of message the signed-in user may read in the outbox (None: every one)."""
    return None if can(Permission.VIEW_MAIL_OUTBOX_ALL) else outbox.RECEIPTS


@bp.get("/outbox/<name>/<int:index>")
@requires(Permission.VIEW_MAIL_OUTBOX)
def outbox_attachment(name, index):
    """One attachment of a message in the outbox (a receipt's PDF)."""
    found = outbox.attachment(name, index, _kinds())
    if found is None:
        abort(404)
    filename, content = found
    if not filename.endswith(".pdf"):
        return content, 200, {"Content-Type": "application/octet-stream",
                              "Content-Disposition": "attachment"}
    return pdf.served(content, filename)
