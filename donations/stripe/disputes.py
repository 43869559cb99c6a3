"""Card disputes: the bank takes a gift's money back while Stripe asks; closed, it returns
(won) or is gone (lost). Each dispute is held once and closed once, by its id, whichever of its
two notices arrives first."""

from donations.giving import operations
from donations.stripe import objects
from donations.stripe.events import Step, in_fund, then

IN_FUND = ("in fund", "credited")
#: Dispute states in which the money comes back: won, or an inquiry closed without a chargeback.
RETURNED = ("won", "warning_closed")


def _fee(dispute: dict) -> int:
    """Stripe's dispute fee, from the dispute's balance transactions."""
    transactions = dispute.get("balance_transactions") or []
    if not isinstance(transactions, list):
        raise objects.Malformed("balance_transactions is not a list")
    return sum(objects.whole(t, "fee", 0) for t in transactions if isinstance(t, dict))


def _hold(gift, dispute: dict):
    amount, fee = objects.whole(dispute, "amount"), _fee(dispute)
    return lambda: operations.dispute_opened(gift, amount, fee, dispute["id"])


def dispute_created(dispute: dict) -> Step:
    """A card dispute opened: hold the disputed money and Stripe's fee."""
    found = in_fund(dispute)
    if found.outcome not in IN_FUND:
        return found
    gift = found.donation
    if gift.dispute_id == dispute["id"]:
        return Step("ignored: this dispute is known already", gift)
    if gift.dispute_open:
        return Step("ignored: a dispute is already open", gift)
    return then(found, "disputed", _hold(gift, dispute))


def dispute_closed(dispute: dict) -> Step:
    """A card dispute ended: the held money returns (won) or is gone (lost). A dispute whose
    opening notice has not arrived is held first, then closed."""
    found = in_fund(dispute)
    if found.outcome not in IN_FUND:
        return found
    gift, won = found.donation, dispute.get("status") in RETURNED
    this_one = gift.dispute_id in (None, dispute["id"])
    if gift.dispute_open and not this_one:
        return Step("ignored: another dispute is open", gift)
    if gift.dispute_id == dispute["id"] and not gift.dispute_open:
        return Step("ignored", gift)
    hold = None if gift.dispute_open else _hold(gift, dispute)
    return then(then(found, "", hold), "dispute won" if won else "dispute lost",
                lambda: operations.dispute_closed(gift, won, dispute["id"]))
