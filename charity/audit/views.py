"""The auditor's read-only view of the audit log."""

from flask import Blueprint, render_template, request

from charity.audit import queries
from charity.auth.permissions import Permission, requires
from charity.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@requires(Permission.VIEW_AUDIT_LOG)
def log():
    """The audit log, newest first, filtered by action."""
    query = queries.entries(request.args.get("action") or None)
    page = db.paginate(query, per_page=100, error_out=False)
    return render_template("audit/log.html", page=page)
