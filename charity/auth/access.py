"""Street scope: which street's records the signed-in user works with."""

from flask import abort
from flask_login import current_user

from charity.auth.permissions import Permission, can


def street_scope() -> int | None:
    """None for district-wide roles; a street officer's street id otherwise (403 for anyone
    with neither, or a street officer whose account names no street)."""
    if can(Permission.SEE_WHOLE_DISTRICT):
        return None
    if can(Permission.SEE_OWN_STREET) and current_user.street_id:
        return current_user.street_id
    abort(403)
