"""What a request may carry, checked before and as views read it: no NUL character anywhere, nor
any other control character but tab, line feed and carriage return (400 with a message, before
any view runs: a vertical tab pasted from a word processor would make the person's record one no
spreadsheet can hold, and every export of their street fail), ids in URLs and query strings
within what a database column holds (a larger one is a 404 or ignored, never an overflow), years
and pages within `charity.main.limits`."""

import re

from flask import Flask, Request, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
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


class ControlRefused(BadRequest):
    """A request with a control character other than tab, line feed or carriage return (what
    XML, and so a spreadsheet, cannot hold): refused before any view reads it."""

    user_message = _l("The request contains a control character (such as a vertical tab or "
                      "an escape, often pasted from another program), which is not allowed. "
                      "Remove it and try again. Nothing was saved.")


#: What each refusal looks for: NUL, told apart; the other C0 controls but tab, line feed and
#: carriage return.
REFUSED = ((re.compile("\\x00"), NulRefused),
           (re.compile("[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f]"), ControlRefused))


def _found(pattern: re.Pattern, values) -> bool:
    return any(pattern.search(key) or any(pattern.search(v) for v in values.getlist(key))
               for key in values)


def refuse_nul() -> None:
    """Before every request: 400 for a NUL, or another control character, in the path, the
    query string or a form field."""
    query = request.query_string.decode("latin-1")
    for pattern, refusal in REFUSED:
        if (pattern.search(request.path) or pattern.search(query)
                or _found(pattern, request.args) or _found(pattern, request.form)):
            raise refusal()


class GuardedRequest(Request):
    """Flask's request, whose JSON body nested too deep for the parser is a bad request (never
    a crash), and which a body over MAX_CONTENT_LENGTH leaves unread when read silently (as
    Flask-Security's loader reads it on every request): the view's own read answers 413."""

    def get_json(self, force=False, silent=False, cache=True):
        """The body as JSON, as Flask reads it, but see the class's docstring."""
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError as error:
            if silent:
                return None
            return self.on_json_loading_failed(ValueError(str(error)))
        except RequestEntityTooLarge:
            if silent:
                return None
            raise


def register(app: Flask) -> None:
    """Bound the `int` URL converter (before any blueprint adds its rules) and refuse NULs
    and other control characters."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = GuardedRequest
    app.before_request(refuse_nul)


def year_arg(name: str = "year") -> int | None:
    """A year from the query string between FIRST_YEAR and LAST_YEAR, else None."""
    found = int_arg(name, maximum=LAST_YEAR)
    return found if found and found >= FIRST_YEAR else None


def page_arg() -> int:
    """The page of a list the query string asks for: 1 unless it names a sane one."""
    return int_arg("page", 1, maximum=MAX_PAGE) or 1
