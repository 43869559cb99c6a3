"""Staff screens for campaigns and matching pools: list, create, edit, and the two September
charity days made ready for a year in one click."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from charity.auth.permissions import Permission, guard
from charity.extensions import db
from charity.timeutil import local_today
from charity.transaction import unit_of_work
from donations.campaigns import matchpool, operations
from donations.campaigns.forms import CampaignForm, CharityDaysForm, PoolForm
from donations.campaigns.models import FundraisingCampaign
from donations.giving import designations

bp = Blueprint("campaigns", __name__, url_prefix="/donations/staff/campaigns")
bp.before_request(guard(Permission.MANAGE_CAMPAIGNS))


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


def _list(days_form=None, status=200):
    found = db.session.scalars(select(FundraisingCampaign)
                               .order_by(FundraisingCampaign.starts_on.desc())).all()
    days_form = days_form or CharityDaysForm(formdata=None, year=local_today().year)
    return render_template("donations/campaigns.html", campaigns=found,
                           days_form=days_form), status


@bp.get("")
def campaign_list():
    """Every campaign, newest first, and the charity days form."""
    return _list()


def _save(campaign, form):
    fields = {name: getattr(form, name).data for name in (
        "title", "title_en", "description", "kind", "starts_on", "ends_on")}
    return operations.save_campaign(
        campaign, current_user, slug=(form.slug.data or "").strip() or None,
        goal_fen=form.goal.fen, designation=form.designation.data or None, **fields)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:campaign_id>", methods=["GET", "POST"])
def campaign_edit(campaign_id=None):
    """Create a campaign or change one (its address stays once shared)."""
    campaign = db.get_or_404(FundraisingCampaign, campaign_id) if campaign_id else None
    if request.method == "GET":
        return _edit_page(campaign, *_forms(campaign))
    form, pool_form = _forms(campaign, formdata=request.form)
    if form.validate():
        with unit_of_work(errors=form.slug.errors) as work:
            campaign = _save(campaign, form)
        if work.ok:
            flash(_("Campaign saved."), "success")
            return redirect(url_for(".campaign_edit", campaign_id=campaign.id))
    return _edit_page(campaign, form, pool_form, status=400)


@bp.post("/<int:campaign_id>/pool")
def pool_edit(campaign_id):
    """Give a campaign its matching pool, or change it."""
    campaign = db.get_or_404(FundraisingCampaign, campaign_id)
    form, _pool = _forms(campaign)
    pool_form = PoolForm()
    if pool_form.validate_on_submit():
        with unit_of_work(errors=pool_form.total.errors) as work:
            operations.save_pool(
                campaign, current_user, sponsor_name=pool_form.sponsor_name.data,
                total_fen=pool_form.total.fen, per_donor_cap_fen=pool_form.per_donor_cap.fen,
                per_day_cap_fen=pool_form.per_day_cap.fen)
        if work.ok:
            flash(_("Matching pool saved."), "success")
            return redirect(url_for(".campaign_edit", campaign_id=campaign.id))
    return _edit_page(campaign, form, pool_form, status=400)


@bp.post("/charity-days")
def charity_days():
    """Make China Charity Day and 99 Giving Day of a year ready (the missing ones)."""
    form = CharityDaysForm()
    if not form.validate_on_submit():
        return _list(days_form=form, status=400)
    with unit_of_work() as work:
        operations.charity_days(form.year.data, current_user)
    if not work.ok:
        return _list(days_form=form, status=400)
    flash(_("The charity days of %(year)s are ready.", year=form.year.data), "success")
    return redirect(url_for(".campaign_list"))
