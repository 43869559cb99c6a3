"""What a gift may be: the amounts the fund accepts, in integer fen, and yuan as people type it."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from charity.errors import DomainError

MIN_GIFT_FEN = 100
MAX_ONLINE_GIFT_FEN = 100_000_000
MAX_OFFLINE_GIFT_FEN = 10_000_000_000


class DonationError(DomainError):
    """A gift the platform refuses; the message is shown to the user."""


def check_amount(amount_fen: int, maximum: int = MAX_ONLINE_GIFT_FEN) -> int:
    """The amount, if it is a whole number of fen between ¥1 and `maximum`; else DonationError."""
    if not isinstance(amount_fen, int) or not MIN_GIFT_FEN <= amount_fen <= maximum:
        raise DonationError(_l("A gift is between ¥1 and ¥%(max)s.", max=f"{maximum // 100:,}"))
    return amount_fen


def yuan_to_fen(text: str) -> int:
    """'12.5' -> 1250; ValueError for anything that is not a positive amount in yuan."""
    try:
        value = Decimal((text or "").strip().replace(",", "").replace("¥", ""))
        whole_fen = value.is_finite() and value > 0 and value == value.quantize(Decimal("0.01"))
    except InvalidOperation:  # not a number, or too many digits to count in fen (1e26)
        raise ValueError(text) from None
    if not whole_fen:
        raise ValueError(text)
    return int(value * 100)
