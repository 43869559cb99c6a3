"""A donor's sponsorship pledges: make one from the portal, and follow one's money and people."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_security import auth_required
from sqlalchemy import select

from charity.auth.permissions import Permission, requires
from charity.district.models import Street
from charity.extensions import db
from charity.fund import queries as fund_queries
from charity.timeutil import local_today
from charity.transaction import unit_of_work
from donations.giving.models import CREDITED, Donation
from donations.sponsorship import operations, queries
from donations.sponsorship.forms import pledge_form
from donations.sponsorship.models import Sponsorship

bp = Blueprint("sponsorship", __name__, url_prefix="/donations/portal/sponsorships")


@bp.post("")
@requires(Permission.GIVE_FROM_PORTAL)
def pledge():
    """Pledge to fund one need; people are paired as the pledge's money arrives."""
    form = pledge_form(request.form)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for es in form.errors.values() for e in es), "error")
        return redirect(url_for("giving_portal.portal")), 400
    street = form.street.data.removeprefix("street:") if form.street.data else None
    street_id = db.session.scalar(select(Street.id).where(Street.name == street)) \
        if street else None
    with unit_of_work() as work:
        found = operations.pledge(current_user, form.kind.data, form.amount.fen, street_id)
    if not work.ok:
        return redirect(url_for("giving_portal.portal")), 400
    return redirect(url_for(".page", sponsorship_id=found.id))


@bp.get("/<int:sponsorship_id>")
@auth_required()
def page(sponsorship_id):
    """One pledge: the money given and held, the fund entries, and the people it pairs
    (anonymised profiles only)."""
    found = db.session.get(Sponsorship, sponsorship_id)
    if found is None or found.donor_id != current_user.id:
        abort(404)
    gifts = db.session.scalars(select(Donation).where(
        Donation.designation == found.designation, Donation.status.in_(CREDITED))).all()
    given = sum(g.amount_fen - g.refunded_fen for g in gifts)
    account = f"restricted:{found.designation}"
    held = fund_queries.balance(account)
    profiles = [operations.profile(p.person, local_today()) for p in found.people]
    return render_template("donations/sponsorship.html", sponsorship=found, profiles=profiles,
                           given=given, held=held, spent=max(0, given - held),
                           deadline=operations.deadline(found),
                           entries=queries.fund_entries(account),
                           unit=operations.unit_fen(found.kind))
