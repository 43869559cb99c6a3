"""What the route crawler (tests/test_route_crawler.py) sends: bad values for URL variables,
query parameters and form fields, and the forms it finds on the pages it reads."""

from html.parser import HTMLParser

from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

HUGE = "99999999999"
#: Beyond a 64-bit integer: SQLite's driver cannot even bind it.
HUGER = "99999999999999999999"
LONG = "x" * 10_000
#: Bad values for a URL variable; an `int` one gets the first three (the converter itself turns
#: away the others).
URL_VALUES = (HUGE, HUGER, "0", "-1", "%00", "x" * 300)
#: Bad values for every query parameter and form field at once.
BAD_VALUES = (HUGER, "-1", "1e30", "9999-12-31", "\x00", LONG)
#: Bad values for one field of a form otherwise filled as the page offers it.
FIELD_VALUES = ("1e30", "-1", "abc", "9999-12-31", "1800-01-01", HUGE, LONG)

#: Every query parameter the app reads (grep request.args).
QUERY_PARAMS = ("q", "street", "community", "category", "status", "flag", "kind", "lang",
                "page", "measure", "refer", "state", "person", "full", "next", "year",
                "designation", "since", "until", "user", "action", "department", "rank")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def field_names() -> list[str]:
    """The name of every field of every form the app defines (Flask-Security's among them)."""
    names = set()
    for form in _subclasses(FlaskForm):
        names |= {name for name in dir(form) if isinstance(getattr(form, name, None),
                                                           UnboundField)}
    return sorted(names)


class FormFinder(HTMLParser):
    """The POST forms of a page: their action and the values the page fills them with (an
    input's value, a select's first or selected option, a textarea's text)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict, set]] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = (attrs.get("action") or "", {}, set())
            self.forms.append(self._form)
        if self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._option(attrs)
            return
        _action, values, editable = self._form
        name, kind = attrs["name"], (attrs.get("type") or "text").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attrs:
                values[name] = attrs.get("value", "y")
        elif tag == "input" and kind not in ("submit", "button", "file"):
            values[name] = attrs.get("value", "")
            if kind in ("text", "number", "date", "email", "search"):
                editable.add(name)
        elif tag == "select":
            self._select = name
            values.pop(name, None)
        elif tag == "textarea":
            self._textarea = name
            values[name] = ""
            editable.add(name)

    def _option(self, attrs):
        values = self._form[1]
        if self._select not in values or "selected" in attrs:
            values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[1][self._textarea] += data


def forms_of(html: str) -> list[tuple[str, dict, set]]:
    """(action, values, names a person types into) of each POST form of a page."""
    finder = FormFinder()
    finder.feed(html)
    return finder.forms
