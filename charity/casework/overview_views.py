"""Street-by-street screens for employment (measure 7) and medical care (measure 3)."""

from flask import Blueprint, current_app, render_template

from charity import eligibility as rules
from charity.auth.access import street_scope
from charity.auth.permissions import Permission, guard
from charity.casework import queries
from charity.casework.paging import ListPage
from charity.extensions import db
from charity.main.input_guard import page_arg
from charity.timeutil import local_today

bp = Blueprint("casework_overview", __name__, url_prefix="/casework")
bp.before_request(guard(Permission.VIEW_REGISTRY))


def share(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


@bp.get("/employment")
def employment():
    """Services owed and given toward three, placements, and the zero-employment households."""
    scope = street_scope()
    today = local_today()
    person_rows, household_rows = queries.district_matrix(scope, today)
    names = queries.street_names(scope)
    placements = queries.placements_by_street(scope)
    streets = {sid: {"owed": 0, "three": 0, "services": 0, "zero": 0,
                     "placements": placements.get(sid, 0)} for sid in names}
    for row in person_rows:
        cell = next(c for c in row.cells if c.measure == "employment_services")
        if cell.owed:
            street = streets[row.street_id]
            street["owed"] += 1
            street["three"] += cell.receives
            street["services"] += cell.count
    zero = [row for row in household_rows if row.cells[0].gap]
    for row in zero:
        streets[row.street_id]["zero"] += 1
    page = ListPage.of(zero, page_arg())
    return render_template("casework/employment.html", streets=streets, names=names, page=page,
                           share=share, owed=rules.standards(current_app.config)
                           ["employment_services_owed"])


@bp.get("/medical")
def medical():
    """Family-doctor contracts, health records, special diseases and the out-of-catalogue
    share of inpatient costs per street against the plan's 15% line."""
    scope = street_scope()
    names = queries.street_names(scope)
    costs = queries.out_of_catalogue_by_street(scope)
    rows = []
    for street_id, people, doctor, record, disease in db.session.execute(
            queries.medical_by_street(scope)):
        total, outside = costs.get(street_id, (0, 0))
        rows.append({"street_id": street_id, "people": people, "doctor": share(doctor, people),
                     "record": share(record, people), "disease": disease, "total": total,
                     "outside": outside, "share": share(outside, total)})
    rows.sort(key=lambda r: list(names).index(r["street_id"]))
    limit = rules.standards(current_app.config)["out_of_catalogue_limit_pct"]
    return render_template("casework/medical.html", rows=rows, names=names, limit=limit)
