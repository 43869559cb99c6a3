"""Gifts changing state, and their ledger entries. Operations flush; the caller commits once."""

import secrets
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from charity.audit.operations import record
from charity.database import utcnow
from charity.extensions import db
from charity.fund import operations as ledger
from charity.timeutil import SHANGHAI
from donations.campaigns import matchpool
from donations.campaigns.models import FundraisingCampaign
from donations.giving import designations
from donations.giving.amounts import DonationError, check_amount
from donations.giving.models import Donation
from donations.receipts import mailing
from donations.receipts.pdf import one_line
from donations.sponsorship import operations as sponsorship
from donations.stripe import gateway, refusals


def new_donation(*, amount_fen: int, designation: str | None,
                 campaign: FundraisingCampaign | None = None, **fields) -> Donation:
    """A Donation row with a fresh token and a checked designation; flushed."""
    if campaign is not None:
        designation = f"campaign:{campaign.id}"
    try:
        designation = designations.check(designation)
    except designations.DesignationError as error:
        raise DonationError(str(error)) from None
    if "donor_name" in fields:  # one line, as the receipt and its e-mail print it
        fields["donor_name"] = one_line(fields["donor_name"])
    donation = Donation(token=secrets.token_urlsafe(18), amount_fen=amount_fen,
                        designation=designation, campaign=campaign, **fields)
    db.session.add(donation)
    db.session.flush()
    return donation


def start_online_gift(*, amount_fen: int, designation: str | None, donor=None,
                      campaign: FundraisingCampaign | None = None, donor_name: str = "",
                      donor_email: str = "", show_name: bool = False,
                      client_ip: str | None = None, card: str | None = None,
                      method: str = "card") -> tuple:
    """Open a pending online gift and its PaymentIntent; return (donation, intent).
    Nothing is credited here: only the webhook credits."""
    check_amount(amount_fen)
    donation = new_donation(
        amount_fen=amount_fen, designation=designation, campaign=campaign, channel="online",
        donor_id=getattr(donor, "id", None), donor_name=donor_name.strip(),
        donor_email=(donor_email or getattr(donor, "email", "") or "").strip().lower(),
        show_name=show_name, client_ip=client_ip)
    try:
        intent = gateway.create_payment_intent(
            amount_fen, donation.currency,
            {"donation": str(donation.id), "token": donation.token}, card=card, method=method)
    except Exception as error:  # stripe.StripeError and network errors alike
        raise DonationError(refusals.refusal_message(error)) from None
    donation.payment_intent = intent["id"]
    db.session.flush()
    return donation, intent


def local_year(moment: datetime) -> int:
    """The Asia/Shanghai year of a moment (a naive one is taken to be UTC, as stored)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(SHANGHAI).year


def credit(donation: Donation, user=None, fee_fen: int = 0) -> None:
    """Mark a gift paid and post it to the fund (less the payment fee, which the fund pays as
    an expense), with any matching pool's match; a gift to a sponsorship pairs the people its
    money now covers. Everything else is written first, so the ledger's head lock is held
    only for the postings and the commit that follows."""
    donation.status, donation.fee_fen = "succeeded", fee_fen
    donation.paid_at = utcnow()
    if not donation.receipt_number:
        donation.receipt_number = f"ST{local_year(donation.given_at)}{donation.id:08d}"
    record("donation.credit", "donation", donation.id, user=user, amount_fen=donation.amount_fen)
    pool = donation.campaign.pool if donation.campaign is not None else None
    match = matchpool.apply(pool, donation) if pool is not None else None
    sponsorship.money_arrived(donation.designation)
    ledger.record_gift(amount_fen=donation.amount_fen, fee_fen=fee_fen,
                       designation=donation.designation, reference=donation.reference,
                       memo=f"捐赠 {donation.receipt_number}", user=user)
    if match is not None:
        matchpool.post(pool, donation, match, user=user)
    mailing.due(donation)


def flag(donation: Donation, reason: str) -> None:
    """Hold a gift for staff review without crediting it."""
    donation.status = "flagged" if donation.status == "pending" else donation.status
    donation.review_flag = reason[:200]
    db.session.flush()


def refund(donation: Donation, refunded_total_fen: int, reference: str) -> int:
    """Bring the gift's refunds up to `refunded_total_fen` (Stripe reports the running total);
    post the difference as a refund and return it."""
    delta = refunded_total_fen - donation.refunded_fen
    if delta <= 0:
        return 0
    if refunded_total_fen > donation.amount_fen:
        raise ledger.LedgerError(_l("A refund cannot exceed the gift."))
    ledger.record_refund(gift_reference=donation.reference, amount_fen=delta,
                         reference=reference, memo=f"退款 {donation.receipt_number}")
    donation.refunded_fen = refunded_total_fen
    donation.status = _settled_status(donation)
    db.session.flush()
    return delta


def _settled_status(donation: Donation) -> str:
    """A credited gift's state from its facts: an open dispute shows first, then a lost one,
    then its refunds."""
    if donation.dispute_open:
        return "disputed"
    if donation.status == "dispute_lost":
        return "dispute_lost"
    if donation.refunded_fen:
        return "refunded" if donation.refunded_fen == donation.amount_fen \
            else "partially_refunded"
    return "succeeded"


def dispute_opened(donation: Donation, amount_fen: int, fee_fen: int, dispute: str) -> None:
    """The bank took the money back pending a dispute: hold it, with Stripe's fee."""
    ledger.record_dispute_hold(gift_reference=donation.reference, amount_fen=amount_fen,
                               fee_fen=fee_fen, reference=f"stripe:{dispute}:hold")
    donation.dispute_open, donation.status, donation.dispute_id = True, "disputed", dispute
    db.session.flush()


def dispute_closed(donation: Donation, won: bool, dispute: str) -> None:
    """The dispute ended: the held money returns (won) or is gone with the fee (lost). Refunds
    delivered while it was open stay counted."""
    ledger.record_dispute_close(gift_reference=donation.reference, won=won,
                                reference=f"stripe:{dispute}:close")
    donation.dispute_open = False
    donation.status = _settled_status(donation) if won else "dispute_lost"
    db.session.flush()
