"""Who may see what: street scope and the roles behind full ID numbers."""

from flask import abort, current_app
from flask_login import current_user

DISTRICT_WIDE = ("admin", "fund_manager", "approver", "auditor")


def street_scope() -> int | None:
    """None for district-wide roles; a street officer's street id otherwise."""
    if current_user.has_any_role(*DISTRICT_WIDE):
        return None
    if current_user.has_role("street_officer") and current_user.street_id:
        return current_user.street_id
    abort(403)


def can_see_full_id(user) -> bool:
    return user.is_authenticated and user.has_any_role(*current_app.config["FULL_ID_ROLES"])


def can_edit_registry(user) -> bool:
    return user.is_authenticated and user.has_any_role("admin", "street_officer")
