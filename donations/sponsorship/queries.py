"""Reading sponsorships: a donor's pledges and the fund entries of one pledge's money."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.extensions import db
from charity.fund.models import Account, JournalEntry, JournalLine
from donations.sponsorship.models import Sponsorship


def sponsorships_of(user) -> list[Sponsorship]:
    """A donor's pledges, newest first."""
    return list(db.session.scalars(select(Sponsorship).where(Sponsorship.donor_id == user.id)
                                   .order_by(Sponsorship.id.desc())))


#: How a donor reads the ledger's entry kinds.
ENTRY_KINDS = {"gift": _l("Gift received"), "refund": _l("Refund"),
               "dispute_hold": _l("Held in a card dispute"),
               "dispute_close": _l("Card dispute closed"), "transfer": _l("Transfer"),
               "reserve": _l("Set aside for an approved application"),
               "payment": _l("Paid out"), "reversal": _l("Reversal")}


@dataclass(frozen=True)
class FundEntry:
    """One ledger entry seen from one fund account: money in (positive) or out."""

    posted_at: datetime
    kind: str
    memo: str
    amount_fen: int


def fund_entries(code: str, limit: int = 100) -> list[FundEntry]:
    """The journal entries that moved a fund account, newest first, as its owner reads them."""
    rows = db.session.execute(
        select(JournalEntry.posted_at, JournalEntry.kind, JournalEntry.memo, JournalLine.amount)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id).where(Account.code == code)
        .order_by(JournalEntry.seq.desc()).limit(limit))
    return [FundEntry(posted_at, str(ENTRY_KINDS.get(kind, kind)), memo, -amount)
            for posted_at, kind, memo, amount in rows]
