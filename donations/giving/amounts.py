"""What a gift may be: the amounts the fund accepts, in integer fen, and yuan as people type it."""

from flask_babel import lazy_gettext as _l

from charity.errors import DomainError
from charity.main.limits import MAX_CONFIRMED_GIFT_FEN, parse_yuan

MIN_GIFT_FEN = 100
MAX_ONLINE_GIFT_FEN = 100_000_000
#: An offline gift staff confirmed as large (above `limits.MAX_GIFT_FEN`).
MAX_OFFLINE_GIFT_FEN = MAX_CONFIRMED_GIFT_FEN


class DonationError(DomainError):
    """A gift the platform refuses; the message is shown to the user."""


#: What a gift out of bounds is told (`%(max)s` in yuan).
GIFT_BOUNDS = _l("A gift is between ¥1 and ¥%(max)s.")


def check_amount(amount_fen: int, maximum: int = MAX_ONLINE_GIFT_FEN) -> int:
    """The amount, if it is a whole number of fen between ¥1 and `maximum`; else DonationError."""
    if not isinstance(amount_fen, int) or not MIN_GIFT_FEN <= amount_fen <= maximum:
        raise DonationError(GIFT_BOUNDS % {"max": f"{maximum // 100:,}"})
    return amount_fen


def yuan_to_fen(text: str) -> int:
    """'12.5' -> 1250; ValueError for anything that is not a positive amount in yuan."""
    return parse_yuan(text)
