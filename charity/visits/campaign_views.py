"""Campaign screens for staff: open a campaign, completion per street and department,
random spot checks of logged visits and their outcomes. Street officers see their street."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import roles_accepted

from charity.auth.access import street_scope
from charity.auth.roles import REGISTRY_ROLES
from charity.casework.queries import street_names
from charity.extensions import db
from charity.timeutil import local_today
from charity.visits import operations, queries
from charity.visits.forms import CampaignForm, OutcomeForm, SpotCheckForm
from charity.visits.models import Campaign
from charity.visits.views import bp

SUPERVISORS = ("admin", "street_officer")


def _render_campaigns(form, status=200):
    campaigns = db.session.scalars(queries.campaigns()).all()
    return render_template("visits/campaigns.html", campaigns=campaigns, form=form,
                           can_open=current_user.has_role("admin")), status


@bp.get("/campaigns")
@roles_accepted(*REGISTRY_ROLES)
def campaigns():
    today = local_today()
    return _render_campaigns(CampaignForm(formdata=None, year=today.year, starts_on=today,
                                          ends_on=today))


@bp.post("/campaigns")
@roles_accepted("admin")
def open_campaign():
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = operations.open_campaign(form.festival.data, form.year.data,
                                                form.starts_on.data, form.ends_on.data,
                                                user=current_user)
        except operations.VisitError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Campaign opened with %(n)s visit tasks.", n=len(campaign.tasks)), "success")
            return redirect(url_for(".campaign", campaign_id=campaign.id))
    return _render_campaigns(form, 400)


def _campaign_or_404(campaign_id):
    campaign = db.get_or_404(Campaign, campaign_id)
    return campaign


def _spot_form(scope, formdata=None):
    form = SpotCheckForm(formdata) if formdata is not None else SpotCheckForm(formdata=None)
    names = street_names(scope)
    form.street.choices = ([] if scope else [("", _("All streets"))]) + \
        [(str(i), n) for i, n in names.items()]
    return form


def render_campaign(campaign, form=None, status=200):
    scope = street_scope()
    names = street_names(scope)
    streets = db.session.execute(queries.completion_by_street(campaign.id, scope)).all()
    departments = db.session.execute(queries.completion_by_department(campaign.id, scope)).all()
    checks = db.session.scalars(queries.spot_checks(campaign.id, scope)).all()
    return render_template("visits/campaign.html", campaign=campaign, names=names,
                           streets=sorted(streets, key=lambda r: list(names).index(r[0])),
                           departments=departments, checks=checks,
                           form=form or _spot_form(scope),
                           can_check=current_user.has_any_role(*SUPERVISORS)), status


@bp.get("/campaigns/<int:campaign_id>")
@roles_accepted(*REGISTRY_ROLES)
def campaign(campaign_id):
    return render_campaign(_campaign_or_404(campaign_id))


@bp.post("/campaigns/<int:campaign_id>/tasks")
@roles_accepted("admin")
def refresh_tasks(campaign_id):
    """Give pairings made since the campaign opened their visit task."""
    added = operations.generate_tasks(_campaign_or_404(campaign_id))
    db.session.commit()
    flash(_("%(n)s visit tasks added.", n=added), "success")
    return redirect(url_for(".campaign", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/spot-checks")
@roles_accepted(*SUPERVISORS)
def draw_spot_check(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    scope = street_scope()
    form = _spot_form(scope, request.form)
    if form.validate_on_submit():
        street = scope or (int(form.street.data) if form.street.data else None)
        try:
            check = operations.draw_spot_check(campaign, form.size.data, street,
                                               form.seed.data, user=current_user)
        except operations.VisitError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for(".spot_check", check_id=check.id))
    return render_campaign(campaign, form, 400)


def _check_or_404(check_id):
    return db.first_or_404(queries.spot_check(check_id, street_scope()))


@bp.get("/spot-checks/<int:check_id>")
@roles_accepted(*REGISTRY_ROLES)
def spot_check(check_id, form=None, failed=None, status=200):
    check = _check_or_404(check_id)
    form = form or OutcomeForm(formdata=None, checked_on=local_today())
    return render_template("visits/spot_check.html", check=check, form=form, failed=failed,
                           can_check=current_user.has_any_role(*SUPERVISORS)), status


@bp.post("/spot-checks/<int:check_id>/items/<int:item_id>")
@roles_accepted(*SUPERVISORS)
def record_outcome(check_id, item_id):
    check = _check_or_404(check_id)
    item = next((i for i in check.items if i.id == item_id), None)
    if item is None:
        abort(404)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            operations.record_outcome(item, form.outcome.data, form.notes.data or "",
                                      form.checked_on.data, local_today(), user=current_user)
        except operations.VisitError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Finding recorded."), "success")
            return redirect(url_for(".spot_check", check_id=check.id))
    return spot_check(check.id, form, item.id, 400)
