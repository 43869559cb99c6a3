"""Casework screens: the coverage-gap matrix per street, per person and per household."""

from dataclasses import replace

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.access import scoped_or_404, street_scope
from charity.auth.permissions import Permission, guard
from charity.casework import queries, snapshot
from charity.casework.forms import GapFilterForm
from charity.casework.gaps import ALL_MEASURES, MEASURE_NUMBER, PERSON_MEASURES
from charity.casework.pages import ACTIONS, person_or_404, render_person
from charity.casework.paging import ListPage
from charity.fund.views_helpers import MEASURE_NAMES
from charity.main.input_guard import page_arg
from charity.main.limits import as_id
from charity.registry import operations as registry_operations
from charity.registry import queries as registry_queries
from charity.registry.models import Household
from charity.timeutil import local_today
from charity.transaction import commit_alone

bp = Blueprint("casework", __name__, url_prefix="/casework")
#: Every casework page needs the registry; street officers see their own street only.
bp.before_request(guard(Permission.VIEW_REGISTRY))
#: Measures owed for a health or disability detail: the list of who has such a gap is audited.
HEALTH_MEASURES = ("special_disease_aid", "centralised_care")


def _filters(scope):
    """The gaps form, its street and measure, and the messages of values none of its choices
    (then neither street nor measure)."""
    form = GapFilterForm(request.args)
    names = queries.street_names(scope)
    form.street.choices = [("", _("All streets"))] + [(str(i), n) for i, n in names.items()]
    unknown = form.unknown()
    if unknown:
        return form, None, None, unknown
    street = as_id(form.street.data)
    measure = form.measure.data if form.measure.data in ALL_MEASURES else None
    return form, (street if street in names else None), measure, unknown


@bp.get("/gaps")
def gaps():
    """Per street and measure: owed, receiving, gaps; with a measure chosen, who has the gap."""
    scope = street_scope()
    form, street_id, measure, unknown = _filters(scope)
    today = local_today()
    names = queries.street_names(scope)
    found = snapshot.current(today)
    listing = None
    if measure:
        listing = ListPage.of(found.listing(measure, [street_id] if street_id else names),
                              page_arg())
        listing = replace(listing, items=queries.gap_rows(listing.items,
                                                          measure not in PERSON_MEASURES))
        if measure in HEALTH_MEASURES:
            commit_alone(registry_operations.health_listed,
                         [row.subject for row, _cell in listing.items], current_user,
                         "casework.gaps", measure)
    return render_template("casework/gaps.html", form=form, summary=found.summary(names),
                           names=names, measures=ALL_MEASURES, numbers=MEASURE_NUMBER,
                           measure=measure, measure_names=MEASURE_NAMES, listing=listing,
                           actions=ACTIONS, today=today, gap_snapshot=found,
                           unknown=unknown), 400 if unknown else 200


@bp.get("/people/<int:person_id>")
def person(person_id):
    """A person's measures owed and received, with the forms that record casework."""
    return render_person(person_or_404(person_id))


@bp.get("/households/<int:household_id>")
def household(household_id):
    """The household's members and their gaps, and the household's own measures."""
    household = scoped_or_404(registry_queries.household(household_id, street_scope()),
                              Household, household_id)
    person_rows, household_rows = queries.household_matrix(household, local_today())
    return render_template("casework/household.html", household=household, rows=person_rows,
                           household_row=household_rows[0] if household_rows else None,
                           measures=PERSON_MEASURES, actions=ACTIONS)
