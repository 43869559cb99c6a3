"""Staff screens for campaigns and matching pools: list, create, edit, and the two September
charity days made ready for a year in one click."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import auth_required, roles_accepted
from sqlalchemy import select

from charity.extensions import db
from charity.timeutil import local_today
from donations import campaigns, designations, matchpool
from donations.forms import CampaignForm, CharityDaysForm, PoolForm
from donations.models import FundraisingCampaign
from donations.views import bp

MANAGERS = ("admin", "fund_manager")


def _yuan(fen: int | None) -> str:
    return f"{fen / 100:.2f}" if fen else ""


def _forms(campaign: FundraisingCampaign | None, formdata=None):
    """The campaign and pool forms, filled from `formdata` or from the rows."""
    form = CampaignForm(formdata=formdata, obj=campaign,
                        goal=_yuan(campaign.goal_fen) if campaign else "")
    form.designation.choices = [(c, t) for c, t in designations.fund_choices()
                                if not c or c.startswith(("measure:", "street:"))]
    pool = campaign.pool if campaign else None
    pool_form = PoolForm(formdata=None, obj=pool, total=_yuan(pool and pool.total_fen),
                         per_donor_cap=_yuan(pool and pool.per_donor_cap_fen),
                         per_day_cap=_yuan(pool and pool.per_day_cap_fen))
    return form, pool_form


def _edit_page(campaign, form, pool_form, status=200):
    return render_template(
        "donations/campaign_edit.html", campaign=campaign, form=form, pool_form=pool_form,
        matched=matchpool.matched_total(campaign.pool) if campaign else 0), status


def _campaign_or_404(campaign_id: int) -> FundraisingCampaign:
    campaign = db.get_or_404(FundraisingCampaign, campaign_id)
    return campaign


@bp.get("/staff/campaigns")
@auth_required()
@roles_accepted(*MANAGERS)
def campaign_list(days_form=None, status=200):
    found = db.session.scalars(select(FundraisingCampaign)
                               .order_by(FundraisingCampaign.starts_on.desc())).all()
    days_form = days_form or CharityDaysForm(formdata=None, year=local_today().year)
    return render_template("donations/campaigns.html", campaigns=found,
                           days_form=days_form), status


@bp.post("/staff/campaigns/charity-days")
@auth_required()
@roles_accepted(*MANAGERS)
def charity_days():
    form = CharityDaysForm()
    if not form.validate_on_submit():
        return campaign_list(days_form=form, status=400)
    campaigns.charity_days(form.year.data, current_user)
    db.session.commit()
    flash(_("The charity days of %(year)s are ready.", year=form.year.data), "success")
    return redirect(url_for(".campaign_list"))


@bp.route("/staff/campaigns/new", methods=["GET", "POST"])
@bp.route("/staff/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@auth_required()
@roles_accepted(*MANAGERS)
def campaign_edit(campaign_id=None):
    campaign = _campaign_or_404(campaign_id) if campaign_id else None
    if request.method == "GET":
        return _edit_page(campaign, *_forms(campaign))
    form, pool_form = _forms(campaign, formdata=request.form)
    if form.validate():
        fields = {name: getattr(form, name).data for name in (
            "title", "title_en", "description", "kind", "starts_on", "ends_on")}
        try:
            campaign = campaigns.save_campaign(
                campaign, current_user, slug=(form.slug.data or "").strip() or None,
                goal_fen=form.goal.fen, designation=form.designation.data or None, **fields)
        except campaigns.CampaignError as error:
            db.session.rollback()
            form.slug.errors = [*form.slug.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Campaign saved."), "success")
            return redirect(url_for(".campaign_edit", campaign_id=campaign.id))
    return _edit_page(campaign, form, pool_form, status=400)


@bp.post("/staff/campaigns/<int:campaign_id>/pool")
@auth_required()
@roles_accepted(*MANAGERS)
def pool_edit(campaign_id):
    campaign = _campaign_or_404(campaign_id)
    form, _pool = _forms(campaign)
    pool_form = PoolForm()
    if pool_form.validate_on_submit():
        try:
            campaigns.save_pool(
                campaign, current_user, sponsor_name=pool_form.sponsor_name.data,
                total_fen=pool_form.total.fen, per_donor_cap_fen=pool_form.per_donor_cap.fen,
                per_day_cap_fen=pool_form.per_day_cap.fen)
        except campaigns.CampaignError as error:
            db.session.rollback()
            pool_form.total.errors = [*pool_form.total.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Matching pool saved."), "success")
            return redirect(url_for(".campaign_edit", campaign_id=campaign.id))
    return _edit_page(campaign, form, pool_form, status=400)

