"""What a request may carry, checked before and as views read it: no NUL character anywhere
(400 with a message, before any view runs), ids in URLs and query strings within what a
database column holds (a larger one is a 404 or ignored, never an overflow), years and pages
within `charity.main.limits`."""

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from charity.main.limits import FIRST_YEAR, LAST_YEAR, MAX_ID, MAX_PAGE, as_id, as_int


def int_arg(name: str, default: int | None = None, maximum: int = MAX_ID) -> int | None:
    """A whole number from the query string between 0 and `maximum`, else `default` (a bad
    or huge one is ignored, as a link typed wrong)."""
    return as_int(request.args.get(name), default, maximum)


def id_arg(name: str) -> int | None:
    """A record id from the query string, or None when it is missing or no id can be it."""
    return as_id(request.args.get(name))


class BoundedIntConverter(IntegerConverter):
    """The `int` URL converter, bounded to what an id column holds: a larger number is a 404,
    never an overflow in the database driver."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class NulRefused(BadRequest):
    """A request with a NUL character anywhere in its path, query string or form: refused
    before any view reads it (no database stores one, and no person types one)."""

    user_message = _l("The request contains a NUL character (\\0), which is not allowed. "
                      "Nothing was saved.")


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key))
               for key in values)


def refuse_nul() -> None:
    """Before every request: 400 for a NUL in the path, the query string or a form field."""
    if ("\x00" in request.path or b"\x00" in request.query_string
            or _has_nul(request.args) or _has_nul(request.form)):
        raise NulRefused()


def register(app: Flask) -> None:
    """Bound the `int` URL converter (before any blueprint adds its rules) and refuse NULs."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul)


def year_arg(name: str = "year") -> int | None:
    """A year from the query string between FIRST_YEAR and LAST_YEAR, else None."""
    found = int_arg(name, maximum=LAST_YEAR)
    return found if found and found >= FIRST_YEAR else None


def page_arg() -> int:
    """The page of a list the query string asks for: 1 unless it names a sane one."""
    return int_arg("page", 1, maximum=MAX_PAGE) or 1
