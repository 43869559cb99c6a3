"""The auditor's read-only view of the audit log."""

from flask import Blueprint, render_template, request
from flask_security import auth_required, roles_accepted

from charity.audit import queries
from charity.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@auth_required()
@roles_accepted("admin", "auditor")
def log():
    query = queries.entries(request.args.get("action") or None)
    page = db.paginate(query, per_page=100, error_out=False)
    return render_template("audit/log.html", page=page)
