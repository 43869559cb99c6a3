"""Campaign screens for staff: open a campaign, completion per street and department,
random spot checks of logged visits and their outcomes. Street officers see their street."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from charity.auth.access import scoped_or_404, street_scope
from charity.auth.permissions import Permission, guard, requires
from charity.casework.queries import street_names
from charity.extensions import db
from charity.timeutil import local_today
from charity.transaction import unit_of_work
from charity.visits import operations, queries
from charity.visits.forms import CampaignForm, OutcomeForm, SpotCheckForm
from charity.visits.models import Campaign, SpotCheck

bp = Blueprint("visits_campaigns", __name__, url_prefix="/visits")
bp.before_request(guard(Permission.VIEW_REGISTRY))


def _render_campaigns(form, status=200):
    campaigns = db.session.scalars(queries.campaigns()).all()
    return render_template("visits/campaigns.html", campaigns=campaigns, form=form), status


@bp.get("/campaigns")
def campaigns():
    """The festival visit campaigns, and for admins the form that opens one."""
    today = local_today()
    return _render_campaigns(CampaignForm(formdata=None, year=today.year, starts_on=today,
                                          ends_on=today))


@bp.post("/campaigns")
@requires(Permission.OPEN_DISTRICT_WORK)
def open_campaign():
    """Open a festival campaign: every live pairing gets its visit task."""
    form = CampaignForm()
    if form.validate_on_submit():
        with unit_of_work(errors=form.form_errors) as work:
            campaign = operations.open_campaign(form.festival.data, form.year.data,
                                                form.starts_on.data, form.ends_on.data,
                                                user=current_user)
        if work.ok:
            flash(_("Campaign opened with %(n)s visit tasks.", n=len(campaign.tasks)), "success")
            return redirect(url_for(".campaign", campaign_id=campaign.id))
    return _render_campaigns(form, 400)


def _spot_form(scope, formdata=None):
    form = SpotCheckForm(formdata) if formdata is not None else SpotCheckForm(formdata=None)
    names = street_names(scope)
    form.street.choices = ([] if scope else [("", _("All streets"))]) + \
        [(str(i), n) for i, n in names.items()]
    return form


def _render_campaign(campaign, form=None, status=200):
    scope = street_scope()
    names = street_names(scope)
    streets = db.session.execute(queries.completion_by_street(campaign.id, scope)).all()
    departments = db.session.execute(queries.completion_by_department(campaign.id, scope)).all()
    checks = db.session.scalars(queries.spot_checks(campaign.id, scope)).all()
    return render_template("visits/campaign.html", campaign=campaign, names=names,
                           streets=sorted(streets, key=lambda r: list(names).index(r[0])),
                           departments=departments, checks=checks,
                           form=form or _spot_form(scope)), status


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id):
    """A campaign's completion per street and department, and its spot checks."""
    return _render_campaign(db.get_or_404(Campaign, campaign_id))


@bp.post("/campaigns/<int:campaign_id>/tasks")
@requires(Permission.OPEN_DISTRICT_WORK)
def refresh_tasks(campaign_id):
    """Give pairings made since the campaign opened their visit task."""
    campaign = db.get_or_404(Campaign, campaign_id)
    with unit_of_work() as work:
        added = operations.generate_tasks(campaign)
    if work.ok:
        flash(_("%(n)s visit tasks added.", n=added), "success")
    return redirect(url_for(".campaign", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/spot-checks")
@requires(Permission.SPOT_CHECK)
def draw_spot_check(campaign_id):
    """Draw a random sample of the campaign's logged visits to check (a seed repeats it)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    scope = street_scope()
    form = _spot_form(scope, request.form)
    if form.validate_on_submit():
        street = scope or (int(form.street.data) if form.street.data else None)
        with unit_of_work(errors=form.form_errors) as work:
            check = operations.draw_spot_check(campaign, form.size.data, street,
                                               form.seed.data, user=current_user)
        if work.ok:
            return redirect(url_for(".spot_check", check_id=check.id))
    return _render_campaign(campaign, form, 400)


def _check_or_404(check_id):
    return scoped_or_404(queries.spot_check(check_id, street_scope()), SpotCheck, check_id)


def _render_check(check_id, form=None, failed=None, status=200):
    form = form or OutcomeForm(formdata=None, checked_on=local_today())
    return render_template("visits/spot_check.html", check=_check_or_404(check_id), form=form,
                           failed=failed), status


@bp.get("/spot-checks/<int:check_id>")
def spot_check(check_id):
    """A spot check's sampled visits and what checking each one found."""
    return _render_check(check_id)


@bp.post("/spot-checks/<int:check_id>/items/<int:item_id>")
@requires(Permission.SPOT_CHECK)
def record_outcome(check_id, item_id):
    """Record what checking one sampled visit found."""
    check = _check_or_404(check_id)
    item = next((i for i in check.items if i.id == item_id), None)
    if item is None:
        abort(404)
    form = OutcomeForm()
    if form.validate_on_submit():
        with unit_of_work(errors=form.form_errors) as work:
            operations.record_outcome(item, form.outcome.data, form.notes.data or "",
                                      form.checked_on.data, local_today(), user=current_user)
        if work.ok:
            flash(_("Finding recorded."), "success")
            return redirect(url_for(".spot_check", check_id=check.id))
    return _render_check(check.id, form, item.id, 400)
