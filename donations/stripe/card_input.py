"""A card as people type it into the test card fields (localstripe's stand-in for Stripe's card
Element, which on Stripe itself does this reading): the number with spaces or dashes, the
month as "MM" or "MM/YY" (the year then left empty), the year with 2 or 4 digits. A card that
cannot be read is refused with Stripe's own error code (`incomplete_number`,
`invalid_expiry_year`, ...), which the page turns into the donor's language
(`donations.stripe.refusals`), never localstripe's English "Bad request"."""

import re
import unicodedata
from datetime import date

#: localstripe's test cards are 16 digits, as Visa and Mastercard numbers are.
NUMBER_DIGITS = 16
#: What the fake Stripe.js puts before the year typed (it expects two digits).
YEAR_PREFIX = "20"
#: The furthest ahead an expiry year may be (Stripe refuses a year further out as invalid).
MAX_YEARS_AHEAD = 50
_SEPARATORS = re.compile(r"[\s\-.]+")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def _digits(typed: str) -> str:
    """`typed` with every decimal digit in ASCII: a Chinese input method's full-width `４` and
    other scripts' digits are the digits people mean; a sign that only looks like one (`²`,
    `⑵`) is left as it is, and refused by `_is_digits`."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in typed or "")


def _is_digits(text: str) -> bool:
    return bool(_ASCII_DIGITS.fullmatch(text))


class CardInputError(ValueError):
    """A card that cannot be read: `code` is Stripe's error code for it."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def number(typed: str) -> str:
    """The card number's digits: spaces, dashes and dots dropped; checked by length and Luhn."""
    digits = _SEPARATORS.sub("", _digits(typed))
    if not digits:
        raise CardInputError("incomplete_number")
    if not _is_digits(digits):
        raise CardInputError("invalid_number")
    if len(digits) < NUMBER_DIGITS:
        raise CardInputError("incomplete_number")
    if len(digits) > NUMBER_DIGITS or not luhn(digits):
        raise CardInputError("incorrect_number")
    return digits


def luhn(digits: str) -> bool:
    """Whether a card number's check digit is right (the Luhn formula)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _year(typed: str) -> int:
    """A year typed with 2 or 4 digits (the fake Stripe.js's "20" before it, or not)."""
    digits = _SEPARATORS.sub("", _digits(typed))
    if len(digits) == 6 and digits.startswith(YEAR_PREFIX):  # "20" + a 4-digit year
        digits = digits[2:]
    if digits in ("", YEAR_PREFIX):  # nothing typed after the fake Stripe.js's "20"
        raise CardInputError("incomplete_expiry")
    if not _is_digits(digits) or len(digits) not in (2, 4):
        raise CardInputError("invalid_expiry_year")
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def expiry(month: str, year: str, today: date | None = None) -> tuple[int, int]:
    """(month, year) from the month field (or "MM/YY" typed into it) and the year field;
    a date before this month is refused as Stripe refuses it."""
    month, year = _digits(month).replace("／", "/").strip(), _digits(year).strip()
    if "/" in month:
        month, _slash, year = month.partition("/")
        month, year = month.strip(), year.strip()
    if not month:
        raise CardInputError("incomplete_expiry")
    if not _is_digits(month) or len(month) > 2 or not 1 <= int(month) <= 12:
        raise CardInputError("invalid_expiry_month")
    found = (int(month), _year(year))
    today = today or date.today()
    if (found[1], found[0]) < (today.year, today.month) or \
            found[1] > today.year + MAX_YEARS_AHEAD:
        raise CardInputError("invalid_expiry_year")
    return found


def cvc(typed: str) -> str:
    """The security code: 3 digits (localstripe's test cards)."""
    digits = _digits(typed).strip()
    if not digits:
        raise CardInputError("incomplete_cvc")
    if not _is_digits(digits) or len(digits) != 3:
        raise CardInputError("invalid_cvc")
    return digits


def card(fields: dict) -> dict:
    """The card fields as localstripe takes them: number, exp_month, exp_year, cvc; read in
    the order the donor sees them (the number first), as Stripe's card Element does."""
    digits = number(str(fields.get("number") or ""))
    month, year = expiry(str(fields.get("exp_month") or ""), str(fields.get("exp_year") or ""))
    return {"number": digits, "exp_month": month, "exp_year": year,
            "cvc": cvc(str(fields.get("cvc") or ""))}
