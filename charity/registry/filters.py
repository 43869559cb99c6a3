"""The roster search's filters, read once from the query string: the list and its export
narrow by the same `PersonFilter`, so the export writes what the list shows."""

from flask import request
from flask_babel import gettext as _

from charity.district import queries as district_queries
from charity.district.models import Community
from charity.extensions import db
from charity.forms import choices
from charity.main.limits import as_id
from charity.registry import queries
from charity.registry.forms import FilterForm
from charity.registry.models import CATEGORIES, STATUSES

#: The longest search text read (the form's own bound); longer text is cut, for both.
SEARCH_TEXT_MAX = 40


def filter_form(scope):
    """The roster search's form, read from the query string, its choices within `scope`."""
    form = FilterForm(request.args)
    streets = db.session.scalars(district_queries.streets()).all()
    form.street.choices = [("", _("All streets"))] + [
        (str(s.id), s.name) for s in streets if scope is None or s.id == scope]
    street_id = scope or as_id(form.street.data)
    communities = db.session.scalars(district_queries.communities(street_id)).all()
    form.community.choices = [("", _("All communities"))] + [
        (str(c.id), c.name) for c in communities]
    form.elsewhere = _community_elsewhere(form, scope, street_id)
    form.category.choices = choices(CATEGORIES)
    form.status.choices = choices(STATUSES)
    form.flag.choices = [("", "—")] + [(f, label_flag(f)) for f in queries.FLAGS]
    return form


def _community_elsewhere(form, scope, street_id) -> str | None:
    """Until a street is chosen the page offers every community, so a street and another
    street's community may be chosen together: the street's communities are then listed and
    the reader told so (a message), not refused a choice the page offered. A community the page
    never offered (another street's, for a street officer; one that does not exist) is still
    refused by `SearchForm.unknown`."""
    chosen, offered = form.community.data, {v for v, _label in form.community.choices}
    street = dict(form.street.choices).get(str(street_id))
    if scope is not None or street is None or not chosen or chosen in offered:
        return None
    community = db.session.get(Community, as_id(chosen)) if as_id(chosen) else None
    if community is None:
        return None
    form.community.data = ""
    return _("%(community)s is not in %(street)s: the list shows all of the street's "
             "communities.", community=community.name, street=street)


def label_flag(flag: str) -> str:
    """A person flag's name in the user's language, for the search filter."""
    return {"orphan": _("Orphan"), "disabled": _("Disabled"), "seriously_ill": _("Seriously ill"),
            "lives_alone": _("Lives alone"), "student": _("Student")}[flag]


def person_filter(form) -> queries.PersonFilter:
    """The filters a roster search form holds: the list and its export both narrow by these."""
    return queries.PersonFilter(
        street_id=as_id(form.street.data), community_id=as_id(form.community.data),
        category=form.category.data or None, status=form.status.data or None,
        flag=form.flag.data or None, text=(form.q.data or "")[:SEARCH_TEXT_MAX] or None)


def export_args(form, scope) -> dict | None:
    """The query string that exports what the list shows (its filters, without the page), or
    None when no street is chosen (a roster export is one street's)."""
    args = {f.name: f.data for f in (form.q, form.street, form.community, form.category,
                                      form.status, form.flag) if f.data}
    if scope and "street" not in args:
        args["street"] = scope
    return args if args.get("street") else None
