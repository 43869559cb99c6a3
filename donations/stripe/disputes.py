"""Card disputes: the bank takes a gift's money back while Stripe asks; closed, it returns
(won) or is gone (lost). Each dispute is held once and closed once, by its id (the ledger's
entries for it are the record), whichever of its two notices arrives first. An inquiry
(`warning_*`) takes no money: nothing is held for it."""

from sqlalchemy import select

from charity.extensions import db
from charity.fund.models import JournalEntry
from donations.giving import operations
from donations.stripe import objects
from donations.stripe.events import Step, in_fund, then

IN_FUND = ("in fund", "credited")
#: Closed dispute states in which the money comes back (or never left): won, an inquiry closed
#: without a chargeback, a dispute prevented before the bank took the money.
RETURNED = ("won", "warning_closed", "prevented")
#: Every closed state: the rest of Stripe's states are open.
CLOSED = (*RETURNED, "lost")


def _fee(dispute: dict) -> int:
    """Stripe's dispute fee, from the dispute's balance transactions."""
    transactions = dispute.get("balance_transactions") or []
    if not isinstance(transactions, list):
        raise objects.Malformed("balance_transactions is not a list")
    return sum(objects.whole(t, "fee", 0) for t in transactions if isinstance(t, dict))


def _posted(dispute: dict, what: str) -> bool:
    """Whether the ledger has this dispute's hold (or close) already."""
    return db.session.scalar(select(JournalEntry.id).where(
        JournalEntry.reference == f"stripe:{dispute['id']}:{what}")) is not None


def _inquiry(dispute: dict) -> bool:
    return str(dispute.get("status", "")).startswith("warning_")


def _hold(gift, dispute: dict):
    amount, fee = objects.whole(dispute, "amount"), _fee(dispute)
    return lambda: operations.dispute_opened(gift, amount, fee, dispute["id"])


def dispute_created(dispute: dict) -> Step:
    """A card dispute opened: hold the disputed money and Stripe's fee."""
    found = in_fund(dispute)
    if found.outcome not in IN_FUND:
        return found
    gift = found.donation
    if _inquiry(dispute):
        return then(found, "ignored: an inquiry takes no money", None)
    if _posted(dispute, "hold"):
        return then(found, "ignored: this dispute is known already", None)
    if gift.dispute_open:
        return then(found, "ignored: a dispute is already open", None)
    return then(found, "disputed", _hold(gift, dispute))


def dispute_closed(dispute: dict) -> Step:
    """A card dispute ended: the held money returns (won) or is gone (lost). A dispute whose
    opening notice has not arrived is held first, then closed; an inquiry held nothing."""
    found = in_fund(dispute)
    if found.outcome not in IN_FUND:
        return found
    gift, won = found.donation, dispute.get("status") in RETURNED
    held = _posted(dispute, "hold")
    if _posted(dispute, "close") or (_inquiry(dispute) and not held):
        return then(found, "ignored", None)
    if gift.dispute_open and not held:
        return then(found, "ignored: another dispute is open", None)
    hold = None if held else _hold(gift, dispute)
    return then(then(found, "", hold), "dispute won" if won else "dispute lost",
                lambda: operations.dispute_closed(gift, won, dispute["id"]))
