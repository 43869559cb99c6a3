"""Street-by-street screens for employment (measure 7) and medical care (measure 3)."""

from dataclasses import replace

from flask import Blueprint, current_app, render_template

from charity import eligibility as rules
from charity.auth.access import street_scope
from charity.auth.permissions import Permission, guard
from charity.casework import queries, snapshot
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
    found = snapshot.current(today)
    names = queries.street_names(scope)
    placements = queries.placements_by_street(scope)
    streets = {}
    for sid in names:
        services = found.counts[sid]["employment_services"]
        streets[sid] = {"owed": services["owed"], "three": services["receiving"],
                        "services": services["count"], "placements": placements.get(sid, 0),
                        "zero": found.counts[sid]["household_employment"]["gaps"]}
    page = ListPage.of(found.listing("household_employment", names), page_arg())
    page = replace(page, items=[row for row, _cell in queries.gap_rows(page.items, True)])
    return render_template("casework/employment.html", streets=streets, names=names, page=page,
                           share=share, owed=rules.standards(current_app.config)
                           ["employment_services_owed"], gap_snapshot=found)


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
