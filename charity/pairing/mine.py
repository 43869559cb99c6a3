"""The signed-in helper and their own pairings: what the helper's phone pages look up first."""

from flask import abort
from flask_login import current_user

from charity.auth.access import note_out_of_scope
from charity.auth.permissions import refuse
from charity.extensions import db
from charity.pairing import queries
from charity.pairing.models import Pairing


def helper() -> tuple[str, int]:
    """('cadre', id) or ('volunteer', id) of the signed-in helper; 403 for anyone else."""
    found = queries.helper_of(current_user)
    if found is None:
        refuse(reason="not a helper")
    return found


def mine_or_404(pairing_id) -> Pairing:
    """One of the signed-in helper's pairings; 404 for anyone else's (kept in the security
    log when it exists)."""
    kind, helper_id = helper()
    pairing = db.session.get(Pairing, pairing_id)
    owner = pairing and (pairing.cadre_id if kind == "cadre" else pairing.volunteer_id)
    if pairing is None or pairing.helper_kind != kind or owner != helper_id:
        note_out_of_scope(Pairing, pairing_id)
        abort(404)
    return pairing
