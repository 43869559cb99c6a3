"""Offline gifts recorded by staff: cash, bank transfer, payroll; single or in a batch.
At or above the threshold a second person confirms before the fund is credited."""

import csv
from datetime import date, datetime, time
from io import StringIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.validators import ValidationError

from charity.audit.operations import record
from charity.errors import SelfApproval
from charity.extensions import db
from charity.fund import accounts, journal
from charity.main.limits import MAX_GIFT_FEN, check_day, check_fen
from charity.timeutil import SHANGHAI
from donations.giving import designations, operations
from donations.giving.amounts import (
    MAX_OFFLINE_GIFT_FEN,
    MIN_GIFT_FEN,
    DonationError,
    check_amount,
    yuan_to_fen,
)
from donations.giving.models import OFFLINE_CHANNELS, Donation


class SecondPersonError(DonationError, SelfApproval):
    """Four eyes on gifts: whoever recorded (or gave) a gift asked to confirm or review it."""


def record_offline(*, channel: str, amount_fen: int, receipt_number: str, donor_name: str,
                   designation: str | None, given_on: date, user, show_name: bool = False,
                   memo: str = "") -> Donation:
    """Record one offline gift; credit it now, or hold it for a second person's confirmation
    when it reaches OFFLINE_CONFIRM_THRESHOLD_FEN."""
    if channel not in OFFLINE_CHANNELS:
        raise DonationError(_l("Unknown channel."))
    check_amount(amount_fen, MAX_OFFLINE_GIFT_FEN)
    receipt_number = receipt_number.strip()
    if not receipt_number.isprintable():
        raise DonationError(_l("A receipt number is one line, without tabs or line breaks."))
    if not receipt_number or db.session.scalar(
            select(Donation.id).where(Donation.receipt_number == receipt_number)):
        raise DonationError(
            _l("Receipt number %(n)s is missing or already used.", n=receipt_number))
    donation = operations.new_donation(
        amount_fen=amount_fen, designation=designation, channel=channel,
        receipt_number=receipt_number, donor_name=donor_name.strip(), show_name=show_name,
        memo=memo, recorded_by_id=user.id,
        given_at=datetime.combine(given_on, time(12), SHANGHAI))
    record("donation.offline", "donation", donation.id, user=user, amount_fen=amount_fen)
    if amount_fen >= current_app.config["OFFLINE_CONFIRM_THRESHOLD_FEN"]:
        donation.status = "awaiting_confirmation"
        db.session.flush()
    else:
        operations.credit(donation, user=user)
    return donation


def confirm(donation: Donation, user) -> Donation:
    """The second person confirms a large offline gift; then the fund is credited."""
    if donation.status != "awaiting_confirmation":
        raise DonationError(_l("This gift is not waiting for confirmation."))
    if donation.recorded_by_id == user.id:
        raise SecondPersonError(_l("A second person must confirm a gift you recorded."))
    donation.confirmed_by_id = user.id
    operations.credit(donation, user=user)
    return donation


#: What the optional seventh field of a batch line may say: show the donor's name, or not.
SHOW_NAME = {"show", "yes", "y", "1", "显名", "公开", "是"}
HIDE_NAME = {"", "anonymous", "no", "n", "0", "匿名", "否"}


def _batch_line(row: list[str]) -> dict:
    """One batch line as `record_offline` arguments; DonationError if it is malformed."""
    if len(row) not in (6, 7):
        raise DonationError(_l("A line has six fields, and may have a seventh."))
    channel, amount, receipt, donor, designation, given = (c.strip() for c in row[:6])
    show = row[6].strip().lower() if len(row) == 7 else ""
    if show not in SHOW_NAME | HIDE_NAME:
        raise DonationError(
            _l("The seventh field is 'show' to show the donor's name, or empty."))
    try:
        amount_fen, given_on = yuan_to_fen(amount), date.fromisoformat(given)
        designation = designations.check(designation or None)
        check_fen(amount_fen, MAX_GIFT_FEN, MIN_GIFT_FEN)
        check_day(given_on)
    except (designations.DesignationError, ValidationError) as error:
        raise DonationError(str(error)) from None
    except ValueError:
        raise DonationError(
            _l("Write amounts in yuan and dates as YYYY-MM-DD.")) from None
    return dict(channel=channel, amount_fen=amount_fen, receipt_number=receipt,
                donor_name=donor, designation=designation, given_on=given_on,
                show_name=show in SHOW_NAME)


def _numbered(number: int, error: Exception) -> DonationError:
    return DonationError(_l("Line %(n)s: %(why)s", n=number, why=str(error)))


def record_batch(text: str, user) -> list[Donation]:
    """Record every line of a batch, or none: any bad line raises with its line number. A
    line's donor is anonymous unless its seventh field says 'show'. The ledger's locks for
    every fund account the batch posts to are taken before its first posting, so it never
    waits for the ledger midway while holding what another posting needs (a deadlock on
    PostgreSQL)."""
    lines = []
    for number, row in enumerate(csv.reader(StringIO(text.strip())), start=1):
        if not any(cell.strip() for cell in row):
            continue
        try:
            lines.append((number, _batch_line(row)))
        except DonationError as error:
            raise _numbered(number, error) from None
    if not lines:
        raise DonationError(_l("The batch has no gifts."))
    journal.lock_accounts({"cash"} | {code for _n, line in lines
                                      if (code := accounts.account_for(line["designation"]))})
    gifts = []
    for number, line in lines:
        try:
            gifts.append(record_offline(**line, user=user))
        except (DonationError, ValueError) as error:
            raise _numbered(number, error) from None
    return gifts
