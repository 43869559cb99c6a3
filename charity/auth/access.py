"""Street scope: which street's records the signed-in user works with, and the lookups that
keep a user to it."""

from flask import abort
from flask_login import current_user
from sqlalchemy import Select

from charity.auth.permissions import Permission, can, refuse
from charity.extensions import db
from charity.transaction import commit_refusal


def street_scope() -> int | None:
    """None for district-wide roles; a street officer's street id otherwise (403 for anyone
    with neither, or a street officer whose account names no street)."""
    if can(Permission.SEE_WHOLE_DISTRICT):
        return None
    if can(Permission.SEE_OWN_STREET) and current_user.street_id:
        return current_user.street_id
    refuse(needs=[str(Permission.SEE_WHOLE_DISTRICT), str(Permission.SEE_OWN_STREET)])


def note_out_of_scope(model, object_id) -> bool:
    """Whether a row the viewer's scoped lookup did not find exists all the same (on another
    street, or another helper's); if so the security log keeps the attempt. The caller answers
    as it would for a row that does not exist, so the answer tells nothing."""
    if object_id is None or db.session.get(model, object_id) is None:
        return False
    commit_refusal("out_of_scope", object_type=model.__tablename__, object_id=object_id)
    return True


def scoped_or_404(query: Select, model, object_id):
    """The row `query` finds within the viewer's scope; 404 otherwise, the same whether the
    row does not exist or is out of scope (the second is kept in the security log)."""
    found = db.session.scalar(query)
    if found is None:
        note_out_of_scope(model, object_id)
        abort(404)
    return found
