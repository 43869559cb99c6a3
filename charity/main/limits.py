"""The bounds of every number and date a person types, written once: amounts in yuan (kept as
integer fen), record ids, and days. Forms use the field classes and validators here; query
parameters and URL variables are read by `charity.main.input_guard` with the same bounds.
Anything outside is refused with a message in the user's language, never a 500. The roster
import checks its cells against the same limits, so a row its dry run accepts is one the forms
would accept too, and the database can hold."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, IntegerField, StringField
from wtforms.validators import ValidationError

from charity.timeutil import local_today

#: The largest id (and integer) a database column holds: PostgreSQL's `integer`.
MAX_ID = 2**31 - 1

#: One gift, online or offline: ¥10,000,000. Above it staff must confirm the amount.
MAX_GIFT_FEN = 1_000_000_000
#: The most a gift staff confirmed may be: ¥100,000,000.
MAX_CONFIRMED_GIFT_FEN = 10_000_000_000
#: A campaign's goal or a matching pool and its caps: ¥100,000,000.
MAX_CAMPAIGN_FEN = 10_000_000_000
#: One relief case, assessed or allocated: ¥1,000,000.
MAX_CASE_FEN = 100_000_000
#: One inpatient stay's cost: ¥10,000,000.
MAX_COST_FEN = 1_000_000_000
#: A person's monthly income: ¥1,000,000.
MAX_INCOME_FEN = 100_000_000

#: A person's or a guardian's name (Person.name is String(40)).
NAME_MAX = 40
#: A household number (Household.code is String(20)).
HOUSEHOLD_CODE_MAX = 20
#: An ID number as typed, spaces included (18 characters once compact).
ID_NUMBER_MAX = 20
#: A household's address (Household.address is String(200)).
ADDRESS_MAX = 200
#: A guardian's relation to the person ("母亲", "祖父", ...).
RELATION_MAX = 20
#: A telephone number as typed: digits, spaces, +, - and parentheses.
PHONE_MAX = 20
PHONE_PATTERN = r"^[0-9+()\- ]{5,20}$"
#: An e-mail address (RFC 5321's path limit).
EMAIL_MAX = 254
#: An organisation's name (Volunteer.name is String(80)).
ORGANISATION_NAME_MAX = 80
#: A reason given for a decision or a pause.
REASON_MAX = 200
#: How many people a volunteer, or an organisation, takes on at once.
VOLUNTEER_CAPACITY = (1, 10)
ORGANISATION_CAPACITY = (1, 200)
#: How far ahead a helper may pause until.
PAUSE_DAYS_MAX = 366
#: A month's income in yuan, as the roster import reads it.
MONTHLY_INCOME_MAX_YUAN = MAX_INCOME_FEN // 100
#: The earliest date of a past event on the roster (a residence permit, a consent).
EARLIEST_DATE = date(1950, 1, 1)
#: An uploaded roster workbook: the most rows (after the header), the most bytes its zip may
#: unpack to, and the largest ratio of a member's unpacked to packed size (a zip bomb's mark).
IMPORT_MAX_ROWS = 50_000
#: The columns of a roster sheet that are read (the roster has 23; room for a few of one's own).
#: A sheet whose declared width is Excel's 16,384 columns would otherwise become that many
#: cells per row in memory, whatever the file's size.
IMPORT_MAX_COLUMNS = 100
#: The sheets an uploaded workbook may list: openpyxl opens every one it lists (reading each
#: to its size), and a listing may name one sheet a hundred thousand times.
IMPORT_MAX_SHEETS = 50
IMPORT_MAX_UNPACKED = 50 * 1024 * 1024
IMPORT_MAX_RATIO = 100

#: The first day the platform records anything (gifts, costs, visits, reviews).
FIRST_DAY = date(2000, 1, 1)
#: The first birth date a living person may have (an ID number's; until today).
FIRST_BIRTH = date(1900, 1, 1)
#: How far ahead a planned day (a review, a campaign's end) may be.
PLANNING_YEARS = 10
#: The years a report, a statement or a campaign may be of.
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: The last page a list may be asked for (a larger number shows the first).
MAX_PAGE = 100_000


def yuan(fen: int) -> str:
    """An amount in fen as yuan with thousands separators, for messages: '10,000,000', '0.01'."""
    return f"{fen // 100:,}" if fen % 100 == 0 else f"{fen / 100:,.2f}"


def read_yuan(text) -> Decimal:
    """The number typed ('¥1,200.5' -> 1200.5); ValueError unless it is a finite number."""
    try:
        value = Decimal(str(text or "").strip().replace(",", "").replace("¥", ""))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


#: What an amount out of bounds is told, unless its field says it better.
OUT_OF_BOUNDS = _l("Write an amount between ¥%(min)s and ¥%(max)s.")


def to_fen(value: Decimal, maximum: int, minimum: int = 1, message=OUT_OF_BOUNDS) -> int:
    """An amount in yuan as integer fen, if between `minimum` and `maximum` fen and a whole
    number of fen; else ValidationError with the bounds (`message`, in the user's language,
    with `%(min)s` and `%(max)s` in yuan)."""
    # Compared in yuan: `value * 100` overflows Decimal's context for '1e999999999'.
    if not Decimal(minimum) / 100 <= value <= Decimal(maximum) / 100:
        raise ValidationError(message % {"min": yuan(minimum), "max": yuan(maximum)})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_l("Write the amount in yuan with at most two decimals."))
    return int(value * 100)


def parse_yuan(text) -> int:
    """'12.5' -> 1250 fen; ValueError for anything but a positive amount of whole fen."""
    value = read_yuan(text)
    try:
        return to_fen(value, maximum=MAX_CONFIRMED_GIFT_FEN * 1000)
    except ValidationError:
        raise ValueError(text) from None


class YuanField(StringField):
    """A yuan amount typed by a person, at most `maximum` fen; `.fen` holds it in integer fen
    once validated."""

    fen: int | None = None

    def __init__(self, label=None, validators=None, *, maximum: int, minimum: int = 1,
                 message=OUT_OF_BOUNDS, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.maximum, self.minimum, self.message = maximum, minimum, message

    def pre_validate(self, form):
        """Read the typed amount into `.fen`, or refuse it with a message in the user's
        language."""
        self.fen = None
        try:
            value = read_yuan(self.data)
            if value <= 0:
                raise ValueError(value)
        except ValueError:
            raise ValidationError(_l("Write an amount in yuan, e.g. 100 or 12.50.")) from None
        self.fen = to_fen(value, self.maximum, self.minimum, self.message)


class BoundedDecimalField(DecimalField):
    """A decimal amount in yuan between `minimum` and `maximum` fen, with at most two
    decimals; an unreadable one ('1e400', 'NaN') is refused like a typing slip."""

    def __init__(self, label=None, validators=None, *, maximum: int, minimum: int = 1,
                 **kwargs):
        super().__init__(label, validators, places=2, **kwargs)
        self.maximum, self.minimum = maximum, minimum

    def pre_validate(self, form):
        """Refuse amounts out of bounds or with part of a fen."""
        if self.data is None:
            return
        if not self.data.is_finite():
            raise ValidationError(_l("Write an amount in yuan, e.g. 100 or 12.50."))
        to_fen(self.data, self.maximum, self.minimum)

    def _value(self):
        """What was typed, shown again as typed (an amount out of bounds cannot be rounded)."""
        return self.raw_data[0] if self.raw_data else super()._value()

    def fen(self) -> int | None:
        """The amount in integer fen, None when empty."""
        return None if self.data is None else int(self.data * 100)


def check_fen(amount_fen: int, maximum: int, minimum: int = 1) -> None:
    """ValidationError unless `minimum` <= `amount_fen` <= `maximum`: for amounts read from
    elsewhere than a form field (a batch line)."""
    to_fen(Decimal(amount_fen) / 100, maximum, minimum)


def last_day(days_ahead: int) -> date:
    """Today plus `days_ahead` days, in Shanghai."""
    return local_today() + timedelta(days=days_ahead)


def check_day(day: date | None, first: date = FIRST_DAY, days_ahead: int = 1) -> None:
    """ValidationError unless `day` is None or between `first` and today plus `days_ahead`."""
    if day is not None and not first <= day <= last_day(days_ahead):
        raise ValidationError(_l("Choose a day between %(first)s and %(last)s.",
                                 first=first.isoformat(),
                                 last=last_day(days_ahead).isoformat()))


class PastDateField(DateField):
    """A day something happened (a gift, a cost, a visit, a review): from 2000-01-01 until
    tomorrow (a day ahead, for a clock a time zone away)."""

    first, days_ahead = FIRST_DAY, 1

    def pre_validate(self, form):
        """Refuse a day outside the field's range, with the range in the message."""
        check_day(self.data, self.first, self.days_ahead)


class RosterDateField(PastDateField):
    """A day on the roster that may predate the platform (a residence permit, a consent): from
    1950-01-01 until tomorrow, as the roster import reads it."""

    first = EARLIEST_DATE


class PlannedDateField(PastDateField):
    """A day planned ahead (a review, a campaign's end): from 2000-01-01 to ten years ahead."""

    days_ahead = 366 * PLANNING_YEARS


class IdField(IntegerField):
    """A record's number typed by a person: a whole number a database id can be."""

    def pre_validate(self, form):
        """Refuse a number no record can have."""
        if self.data is not None and not 1 <= self.data <= MAX_ID:
            raise ValidationError(_l("No record has this number."))


def as_int(text, default: int | None = None, maximum: int = MAX_ID) -> int | None:
    """A whole number between 0 and `maximum` written in `text`, else `default`."""
    text = str(text or "")
    if not text.isascii() or not text.isdigit() or len(text) > len(str(maximum)):
        return default
    return int(text) if int(text) <= maximum else default


def as_id(text) -> int | None:
    """A record id written in `text`, or None when no id can be it."""
    return as_int(text) or None
