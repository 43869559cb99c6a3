"""Resident ID numbers (身份证): validation with python-stdnum, encryption, keyed hash, masking."""

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date

from cryptography.fernet import Fernet
from flask import current_app
from flask_babel import lazy_gettext as _l
from stdnum import exceptions, numdb
from stdnum.cn import ric

from charity.errors import DomainError
from charity.main.limits import FIRST_BIRTH


class IdNumberError(DomainError):
    """The number cannot be a valid resident ID; the message is shown to the user."""


@dataclass(frozen=True)
class IdCheck:
    """A valid ID number in its compact form, what it says of its holder, and any warnings."""

    number: str
    birth_date: date
    sex: str
    warnings: tuple = field(default=())


def check(value: str, today: date) -> IdCheck:
    """Validate an 18-digit ID number: format, check digit, birth date and an area code missing
    from stdnum's table are errors; a retired area code is only a warning (numbers issued under
    it stay valid)."""
    number = ric.compact(value or "")
    if len(number) != 18:
        raise IdNumberError(_l("An ID number has 18 characters."))
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise IdNumberError(_l("An ID number is 17 digits and a digit or X."))
    if number[-1] != ric.calc_check_digit(number):
        raise IdNumberError(_l("The check digit of this ID number is wrong."))
    try:
        born = ric.get_birth_date(number)
    except exceptions.ValidationError:
        raise IdNumberError(_l("The birth date in this ID number does not exist.")) from None
    if born > today:
        raise IdNumberError(_l("The birth date in this ID number is in the future."))
    if born < FIRST_BIRTH:
        raise IdNumberError(_l("The birth date in this ID number is too far in the past."))
    warnings = []
    status = area_status(number[:6])
    if status is None:
        raise IdNumberError(_l("The area code %(code)s is not a county code of any year.",
                               code=number[:6]))
    if status == "retired":
        warnings.append(_l("The area code %(code)s is retired; check the number with its "
                           "holder.", code=number[:6]))
    sex = "M" if int(number[16]) % 2 else "F"
    return IdCheck(number=number, birth_date=born, sex=sex, warnings=tuple(warnings))


#: A county's name in stdnum's table, with the years it was in use: "[1983-1994]东矿区",
#: "[-2010]崇文区", "[1997-]渝中区" or just "东城区".
_YEARS = re.compile(r"^\[(\d{4})?-(\d{4})?\]")


def area_status(code: str) -> str | None:
    """"current" when the 6-digit code names a county in stdnum's table today, "retired" when
    every county it named has an end year, None when the table does not know it. (stdnum's own
    check ties the code to the birth year, but numbers are reissued under today's codes.)"""
    names = [name for _part, props in numdb.get("cn/loc").info(code)
             for name in props.get("county", "").split(",") if name]
    if not names:
        return None
    ended = [(match := _YEARS.match(name)) is not None and match.group(2) for name in names]
    return "retired" if all(ended) else "current"


def with_check_digit(first17: str) -> str:
    """Complete 17 digits with their check digit."""
    return first17 + ric.calc_check_digit(first17 + "0")


def keyed_hash(number: str) -> str:
    """The HMAC of an ID number, which finds a duplicate without decrypting anything."""
    key = current_app.config["ID_HASH_KEY"].encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    return Fernet(current_app.config["ID_ENCRYPTION_KEY"].encode())


def encrypt(number: str) -> str:
    """An ID number encrypted for storage."""
    return _fernet().encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    """The ID number a stored token holds; whoever shows it logs the view (as
    `operations.reveal_id` and the roster export do)."""
    return _fernet().decrypt(token.encode()).decode()


def mask(number: str) -> str:
    """First 4 and last 2 characters; the rest starred."""
    return number[:4] + "*" * (len(number) - 6) + number[-2:]


def sealed(number: str) -> dict[str, str]:
    """The three stored forms of a valid number, as Person column values."""
    return {
        "id_number_encrypted": encrypt(number),
        "id_number_hash": keyed_hash(number),
        "id_number_masked": mask(number),
    }
