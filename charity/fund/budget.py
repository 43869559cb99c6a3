"""Budget appropriations (纳入本级预算) with four eyes: fund staff record one by its document
number, date, amount and measure; another user approves it, and only the approval posts it to
the ledger (Dr cash, Cr `budget` or the measure's restricted fund). Each step is audited."""

from datetime import date
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from charity.audit.operations import record as audit
from charity.database import utcnow
from charity.errors import DomainError, SelfApproval
from charity.extensions import db
from charity.fund.accounts import MEASURES
from charity.fund.journal import post
from charity.fund.models import BudgetAppropriation
from charity.main.limits import FIRST_DAY, MAX_CAMPAIGN_FEN, last_day

#: The largest appropriation: ¥100,000,000.
MAX_APPROPRIATION_FEN = MAX_CAMPAIGN_FEN
DOCUMENT_MAX = 60


class BudgetError(DomainError):
    """An appropriation the operation refuses; the message says why."""


class Appropriation(NamedTuple):
    """What the budget document says."""

    document: str
    issued_on: date
    amount_fen: int
    measure: int | None


def _duplicate(document: str) -> BudgetError:
    return BudgetError(_l("Budget document %(doc)s is recorded already.", doc=document))


def _checked(item: Appropriation) -> str:
    document = " ".join((item.document or "").split())
    if not document or len(document) > DOCUMENT_MAX:
        raise BudgetError(_l("Give the budget document's number (at most %(n)s characters).",
                             n=DOCUMENT_MAX))
    amount = item.amount_fen
    if not isinstance(amount, int) or isinstance(amount, bool) or \
            not 0 < amount <= MAX_APPROPRIATION_FEN:
        raise BudgetError(_l("An appropriation is between ¥0.01 and ¥100,000,000."))
    if not isinstance(item.issued_on, date) or not FIRST_DAY <= item.issued_on <= last_day(1):
        raise BudgetError(_l("The document's date is between %(first)s and %(last)s.",
                             first=FIRST_DAY.isoformat(), last=last_day(1).isoformat()))
    if item.measure is not None and item.measure not in MEASURES:
        raise BudgetError(_l("Choose one of the plan's measures, or none."))
    return document


def record(item: Appropriation, *, user) -> BudgetAppropriation:
    """The maker records an appropriation; nothing is posted until another user approves."""
    document = _checked(item)
    if db.session.scalar(select(exists().where(BudgetAppropriation.document == document))):
        raise _duplicate(document)
    row = BudgetAppropriation(document=document, issued_on=item.issued_on,
                              amount_fen=item.amount_fen, measure=item.measure,
                              recorded_by_id=user.id)
    db.session.add(row)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same document recorded concurrently
        raise _duplicate(document) from None
    audit("budget_recorded", "budget_appropriation", row.id, user=user, document=document,
          amount_fen=row.amount_fen, measure=row.measure)
    return row


def approve(row: BudgetAppropriation, *, user) -> None:
    """The checker approves: the appropriation is posted to the ledger. Refused to its maker
    and to an appropriation approved already (a second tab, a double click)."""
    db.session.refresh(row, with_for_update=True)
    if row.approved_at is not None:
        raise BudgetError(_l("This appropriation is approved already."))
    if row.recorded_by_id == user.id:
        raise SelfApproval(_l("Someone other than who recorded it must approve it."))
    entry = post([("cash", row.amount_fen), (row.account, -row.amount_fen)],
                 kind="budget_transfer", memo=row.document,
                 reference=f"budget:{row.document}", user=user)
    row.approved_by_id, row.approved_at, row.entry_id = user.id, utcnow(), entry.id
    audit("budget_approved", "budget_appropriation", row.id, user=user, document=row.document,
          amount_fen=row.amount_fen, entry_seq=entry.seq)


def listing():
    """Appropriations, waiting ones first, then the latest."""
    return select(BudgetAppropriation).order_by(
        BudgetAppropriation.approved_at.is_not(None), BudgetAppropriation.issued_on.desc(),
        BudgetAppropriation.id.desc()).limit(200)
