"""The district page: counts per street and category beside the plan's table."""

from flask import Blueprint, render_template

from charity.auth.access import street_scope
from charity.auth.permissions import Permission, requires
from charity.district import queries as district_queries
from charity.district.reference import CATEGORIES, attachment_counts
from charity.extensions import db
from charity.registry.queries import counts_by_street

bp = Blueprint("district", __name__, url_prefix="/district")


def street_counts() -> dict[str, dict[str, int]]:
    """Per street: enrolled people by category and subtotal, zeros included."""
    streets = db.session.scalars(district_queries.streets()).all()
    counts = {s.name: dict.fromkeys(CATEGORIES, 0) for s in streets}
    for street, category, count in db.session.execute(counts_by_street()):
        counts[street][category] = count
    for row in counts.values():
        row["subtotal"] = sum(row[c] for c in CATEGORIES)
    return counts


@bp.get("/")
@requires(Permission.VIEW_REGISTRY)
def overview():
    """The district for district-wide roles; a street officer sees their own street's row."""
    scope = street_scope()
    streets = [s for s in db.session.scalars(district_queries.streets())
               if scope is None or s.id == scope]
    names = {s.name for s in streets}
    groups = {g.street_id: g for g in db.session.scalars(district_queries.groups())}
    counts = {k: v for k, v in street_counts().items() if k in names}
    plan = {k: v for k, v in attachment_counts().items() if k in names}
    return render_template("district/overview.html", streets=streets, groups=groups,
                           counts=counts, plan=plan, categories=CATEGORIES)
