"""Form pieces every package shares: a choice among code names, shown by their labels. (The
bounds of typed numbers and days are in `charity.main.limits`.)"""

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectField

from charity import labels


def choices(codes, blank: bool = True) -> list[tuple[str, str]]:
    """(code, label) pairs for a select, in the reader's language; an empty choice first
    when `blank`."""
    options = [(c, labels.label(c)) for c in codes]
    return ([("", "—")] if blank else []) + options


class CodeSelectField(SelectField):
    """A select of the code names in `codes`, offered by their labels in the reader's language
    (the labels are read when the form is made, so in the request's language)."""

    def __init__(self, label=None, validators=None, *, codes, blank: bool = False, **kwargs):
        super().__init__(label, validators, choices=choices(codes, blank), **kwargs)


class SearchForm(FlaskForm):
    """A list's filters, read from the query string."""

    class Meta:
        """A search in the query string: nothing to protect from forgery."""

        csrf = False

    def unknown(self) -> list[str]:
        """A message for each filter whose value is none of its choices (a link typed by hand,
        or kept from another street or an old page): the list is not shown for such a
        filter, rather than quietly shown without it. A choice by number (a street, a
        community) is not echoed: its number means nothing to the reader."""
        return [_unknown(field) for field in self if isinstance(field, SelectField)
                and field.data
                and str(field.data) not in {str(value) for value, _label in field.choices or ()}]


def _unknown(field: SelectField) -> str:
    number = str(field.data)
    if number.isascii() and number.isdigit():
        return _("%(field)s: the one chosen in the link is not one of the choices. "
                 "Choose from the list.", field=field.label.text)
    return _("%(field)s: “%(value)s” is not one of the choices. Choose from the list.",
             field=field.label.text, value=str(field.data)[:40])
