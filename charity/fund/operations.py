"""The ledger's operations: gifts, refunds, disputes, budget transfers, reservations,
payments and releases. Each posts one entry through `journal.post`, flushes, and raises
`LedgerError` (a ValueError with a user-facing message) on any refusal. A `posted_at` (loading
history) is passed on to `post`."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from charity.extensions import db
from charity.fund import accounts
from charity.fund.accounts import Purpose
from charity.fund.journal import LedgerError, lock_accounts, post, reverse
from charity.fund.models import Account, JournalEntry, JournalLine

__all__ = [
    "LedgerError", "Purpose", "post", "reverse", "record_gift", "record_refund",
    "record_dispute_hold", "record_dispute_close", "record_budget_transfer", "transfer",
    "reserve", "release", "pay",
]


def _positive(amount: int, what) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise LedgerError(_l("%(what)s must be a positive number of fen.", what=what))


def _gift(reference: str) -> JournalEntry:
    gift = db.session.scalar(select(JournalEntry).where(
        JournalEntry.reference == reference, JournalEntry.kind == "gift"))
    if gift is None:
        raise LedgerError(_l("No gift with reference %(ref)s.", ref=reference))
    return gift


def _fund_line(gift: JournalEntry) -> tuple[str, int]:
    """The gift's fund account and what it keeps of the gift, net of the fee (positive)."""
    line = next(li for li in gift.lines if accounts.is_spendable(li.account.code))
    return line.account.code, -line.amount


def gift_remaining(gift_reference: str) -> int:
    """What is left of a gift after its refunds, dispute holds and their reversals: what it
    brought into cash (its fee included), less what left cash or is held by a dispute for it
    (a dispute's fee, in and out in one entry, takes nothing from the gift)."""
    gift = _gift(gift_reference)
    moved = db.session.scalar(
        select(func.coalesce(func.sum(JournalLine.amount), 0)).join(JournalEntry).join(Account)
        .where(Account.code.in_(("cash", "fees", "disputed")),
               (JournalEntry.id == gift.id) | (JournalEntry.subject == gift_reference)))
    return int(moved)


def _fee_lines(code: str, fee_fen: int) -> list[tuple[str, int]]:
    """A fee leaves cash as an expense, and the fund account `code` bears it."""
    return [("fees", fee_fen), ("cash", -fee_fen), (code, fee_fen),
            (accounts.FEES_BORNE, -fee_fen)]


def record_gift(*, amount_fen: int, fee_fen: int = 0, designation: str | None, reference: str,
                memo: str = "", user=None, posted_at=None) -> JournalEntry:
    """A gift that arrived: Dr cash, Cr its fund account; the payment fee then leaves cash
    as an expense borne by that same fund account (so the funds hold what cash holds)."""
    _positive(amount_fen, _l("A gift"))
    if not isinstance(fee_fen, int) or fee_fen < 0 or fee_fen >= amount_fen:
        raise LedgerError(_l("The fee must be at least zero and less than the gift."))
    code = accounts.account_for(designation)
    if code is None:
        raise LedgerError(_l("Unknown designation %(d)s.", d=designation))
    lines = [("cash", amount_fen), (code, -amount_fen), *_fee_lines(code, fee_fen)]
    return post(lines, kind="gift", memo=memo, reference=reference, user=user,
                posted_at=posted_at)


def _drawn(code: str, amount_fen: int) -> list[tuple[str, int]]:
    """Debit lines taking `amount_fen` from the fund account `code` as far as it holds it, and
    the rest from unrestricted money: a gift's account holds the gift less its payment fee,
    and may have been partly spent, while the bank takes back the whole amount."""
    held = max(0, accounts.natural(code, lock_accounts([code])[code].balance))
    own = min(amount_fen, held)
    return [(code, own), ("unrestricted", amount_fen - own)]


def _nonzero(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [line for line in lines if line[1]]


def record_refund(*, gift_reference: str, amount_fen: int, reference: str, memo: str = "",
                  user=None, posted_at=None) -> JournalEntry:
    """Give back part or all of a gift out of cash: its fund account pays what it still
    holds of it, unrestricted money the rest (Stripe keeps its fee; spent money stays spent).
    Refuses more than is left of the gift, or when neither holds it."""
    _positive(amount_fen, _l("A refund"))
    code, _ = _fund_line(_gift(gift_reference))
    if amount_fen > gift_remaining(gift_reference):
        raise LedgerError(_l("The refund is more than what is left of this gift."))
    return post(_nonzero([*_drawn(code, amount_fen), ("cash", -amount_fen)]), kind="refund",
                memo=memo, reference=reference, user=user, subject=gift_reference,
                posted_at=posted_at)


def record_dispute_hold(*, gift_reference: str, amount_fen: int, fee_fen: int,
                        reference: str) -> JournalEntry:
    """A card dispute holds money: from the gift's fund account into `disputed`, and what
    that account no longer holds of it (the gift brought in its amount less the payment fee,
    and may be partly spent) from unrestricted money. The dispute fee leaves cash as an expense
    borne by the gift's fund account, or, for what it no longer holds after the hold, by
    unrestricted money. Refused when neither holds it."""
    _positive(amount_fen, _l("A disputed amount"))
    if not isinstance(fee_fen, int) or fee_fen < 0:
        raise LedgerError(_l("The fee must be at least zero."))
    code, _ = _fund_line(_gift(gift_reference))
    if amount_fen > gift_remaining(gift_reference):
        raise LedgerError(_l("The dispute is for more than what is left of this gift."))
    drawn = _drawn(code, amount_fen)
    left = max(0, accounts.natural(code, lock_accounts([code])[code].balance)) - drawn[0][1]
    own_fee = min(fee_fen, left)
    lines = [*drawn, ("disputed", -amount_fen), *_fee_lines(code, own_fee),
             *_fee_lines("unrestricted", fee_fen - own_fee)]
    return post(_nonzero(lines), kind="dispute_hold", reference=reference,
                subject=gift_reference)


def record_dispute_close(*, gift_reference: str, won: bool, reference: str) -> JournalEntry:
    """Close a gift's open dispute: won returns the held money where the hold took it from
    (the gift's fund account first, then unrestricted money), lost pays it out of cash."""
    code, _ = _fund_line(_gift(gift_reference))
    entries = db.session.scalars(select(JournalEntry).where(
        JournalEntry.subject == gift_reference,
        JournalEntry.kind.in_(("dispute_hold", "dispute_close")))).all()
    held = sum(-li.amount for e in entries for li in e.lines if li.account.code == "disputed")
    if held <= 0:
        raise LedgerError(_l("This gift has no open dispute."))
    if not won:
        return post([("disputed", held), ("cash", -held)], kind="dispute_close", memo="lost",
                    reference=reference, subject=gift_reference)
    # The hold took from the gift's account first (its fee share only when it covered the
    # whole hold), so that account's part of the hold is the least of the two.
    from_gift = min(held, sum(li.amount for e in entries if e.kind == "dispute_hold"
                              for li in e.lines if li.account.code == code))
    lines = [("disputed", held), (code, -from_gift), ("unrestricted", from_gift - held)]
    return post(_nonzero(lines), kind="dispute_close", memo="won",
                reference=reference, subject=gift_reference)


def record_budget_transfer(*, amount_fen: int, reference: str, memo: str = "",
                           user=None) -> JournalEntry:
    """Money from the district budget arrives: Dr cash, Cr the `budget` fund account."""
    _positive(amount_fen, _l("A transfer"))
    return post([("cash", amount_fen), ("budget", -amount_fen)], kind="budget_transfer",
                memo=memo, reference=reference, user=user)


def transfer(*, source: str, target: str, amount_fen: int, memo: str = "",
             reference: str | None = None, user=None) -> JournalEntry:
    """Move undesignated money (unrestricted or the budget) into a restricted fund."""
    _positive(amount_fen, _l("A transfer"))
    if not accounts.may_transfer(source, target) or accounts.kind_of(target) is None:
        raise LedgerError(_l("Money cannot move from %(s)s to %(t)s.", s=source, t=target))
    return post([(source, amount_fen), (target, -amount_fen)], kind="transfer", memo=memo,
                reference=reference, user=user)


def reserve(application_id: int, sources: list[tuple[str, int]], purpose: Purpose, *,
            user=None, memo: str = "", posted_at=None) -> JournalEntry:
    """Set money aside for an approved application, from one or more fund accounts that may
    pay for its purpose, into `reserved:<application id>`."""
    total = 0
    for code, amount in sources:
        _positive(amount, _l("A reservation"))
        if not accounts.may_fund(code, purpose):
            raise LedgerError(_l("Money in %(code)s may not be spent on this application.",
                                 code=code))
        total += amount
    lines = [(code, amount) for code, amount in sources]
    lines.append((f"reserved:{application_id}", -total))
    return post(lines, kind="reserve", memo=memo, reference=f"reserve:{application_id}",
                user=user, posted_at=posted_at)


def reservation(application_id: int) -> JournalEntry | None:
    return db.session.scalar(select(JournalEntry).where(
        JournalEntry.reference == f"reserve:{application_id}"))


def release(application_id: int, *, reason: str, user=None, posted_at=None) -> JournalEntry:
    """Return an unpaid reservation to the accounts it came from (rejected or expired)."""
    entry = reservation(application_id)
    if entry is None:
        raise LedgerError(_l("Nothing is reserved for this application."))
    return reverse(entry, reason=reason, user=user, posted_at=posted_at)


def pay(application_id: int, measure: int, *, user=None, memo: str = "",
        posted_at=None) -> JournalEntry:
    """Pay a reservation out: the money leaves cash as a disbursement under its measure, and
    the reservation becomes money spent on that measure."""
    code = f"reserved:{application_id}"
    held = accounts.natural(code, lock_accounts([code])[code].balance)
    if held <= 0:
        raise LedgerError(_l("Nothing is reserved for this application."))
    lines = [(code, held), ("cash", -held), (f"disbursed:measure:{measure}", held),
             (f"spent:measure:{measure}", -held)]
    return post(lines, kind="payment", memo=memo, reference=f"pay:{application_id}",
                user=user, posted_at=posted_at)
