"""Giving pages (public, Chinese or English) and the gift's status page."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from charity.extensions import db, limiter
from charity.labels import label
from charity.main.headers import loads_from, personal
from charity.main.limits import as_id
from charity.timeutil import local_today
from charity.transaction import unit_of_work
from donations.campaigns import queries as campaign_queries
from donations.campaigns.models import FundraisingCampaign
from donations.giving import designations, operations, queries
from donations.giving.forms import PRESETS_YUAN, GiveForm
from donations.giving.models import Donation
from donations.receipts import links, pdf
from donations.sponsorship import operations as sponsorship
from donations.sponsorship import queries as sponsorship_queries
from donations.stripe import gateway, refusals, webhook

bp = Blueprint("giving", __name__, url_prefix="/donations")


def _choices() -> list[tuple[str, str]]:
    """The fund's designations, and the signed-in donor's own live sponsorships."""
    choices = designations.fund_choices()
    if current_user.is_authenticated:
        choices += [(s.designation, f"{designations.describe(s.designation)} · {label(s.kind)}")
                    for s in sponsorship_queries.sponsorships_of(current_user)
                    if s.status in sponsorship.LIVE]
    return choices


def _page(form: GiveForm, campaign: FundraisingCampaign | None, status: int = 200):
    form.designation.choices = _choices()
    return render_template(
        "donations/give.html", form=form, campaign=campaign, presets=PRESETS_YUAN,
        progress=campaign_queries.progress(campaign) if campaign else None,
        campaigns=db.session.scalars(campaign_queries.campaigns(local_today())).all(),
        recent=queries.recent_public(campaign.id if campaign else None),
        stripe_js=gateway.js_url(), localstripe=gateway.uses_localstripe(),
        methods=gateway.offered_methods(), refusals=refusals.refusal_messages(),
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"]), status


@bp.get("/")
@loads_from(gateway.page_sources)
def give():
    """The giving page: an amount, what it is for, and the payment."""
    chosen = request.args.get("designation", "")
    return _page(GiveForm(formdata=None, amount="100", designation=chosen), None)


@bp.get("/campaigns/<slug>")
@loads_from(gateway.page_sources)
def campaign(slug):
    """A campaign's giving page with its progress."""
    found = db.session.scalar(select(FundraisingCampaign).where(FundraisingCampaign.slug == slug))
    if found is None:
        abort(404)
    return _page(GiveForm(formdata=None, amount="100", campaign=str(found.id)), found)


def _error(message: str):
    return jsonify(error=message), 400


def _open_campaign(value: str | None) -> FundraisingCampaign | None:
    """The campaign a gift names, if it takes gifts today; ValueError otherwise."""
    if not value:
        return None
    campaign = db.session.get(FundraisingCampaign, as_id(value)) if as_id(value) else None
    if campaign is None or not campaign.starts_on <= local_today() <= campaign.ends_on:
        raise ValueError(value)
    return campaign


def _checked(form: GiveForm) -> str | None:
    """Why a submitted giving form is refused, or None."""
    if not form.validate_on_submit():
        return " ".join(str(e) for errors in form.errors.values() for e in errors)
    if form.designation.data and form.designation.data not in dict(form.designation.choices):
        return _("Choose what the gift is for from the list.")
    if (form.method.data or "card") not in gateway.offered_methods():
        return _("Choose a payment method from the list.")
    return None


@bp.post("/give")
@limiter.limit("30 per minute")
def start():
    """Open a gift and its PaymentIntent; the page confirms it with Stripe.js (JSON)."""
    form = GiveForm()
    form.designation.choices = _choices()
    refused = _checked(form)
    if refused:
        return _error(refused)
    try:
        campaign = _open_campaign(form.campaign.data)
    except ValueError:
        return _error(_("This campaign is not open for gifts."))
    method = form.method.data or "card"
    with unit_of_work(errors=False) as work:
        donation, intent = operations.start_online_gift(
            amount_fen=form.amount.fen, designation=form.designation.data or None,
            campaign=campaign, donor=current_user if current_user.is_authenticated else None,
            donor_name=form.name.data or "", donor_email=form.email.data or "",
            show_name=form.show_name.data, client_ip=request.remote_addr, method=method,
            card=form.card.data if gateway.uses_localstripe() else None)
    if not work.ok:
        return _error(str(work.error))
    # A notice about this PaymentIntent may have come before the gift was committed.
    with unit_of_work(errors=False):
        webhook.apply_waiting([f"pi:{donation.payment_intent}"])
    # The page confirms with Stripe.js unless the server already did (a test card sent here).
    confirm = intent["status"] in gateway.TO_CONFIRM
    return jsonify(client_secret=intent["client_secret"], confirm=confirm, method=method,
                   status_url=url_for(".gift", token=donation.token))


def _gift_or_404(token: str) -> Donation:
    donation = db.session.scalar(select(Donation).where(Donation.token == token))
    if donation is None:
        abort(404)
    return donation


@bp.get("/gifts/<token>")
@personal
def gift(token):
    """What the server knows about a gift: never what the page hoped."""
    donation = _gift_or_404(token)
    return render_template("donations/gift.html", donation=donation,
                           designation=designations.describe(donation.designation),
                           receipt_link=links.url(donation) if donation.credited else None)


@bp.get("/receipts/<signed>.pdf")
@personal
@limiter.limit("60 per minute")
def signed_receipt(signed):
    """A gift's receipt from its signed link (the thank-you page's, the e-mail's), signed in
    or not; a link tampered with, expired, or of a gift not credited is 404."""
    donation = links.read(signed)
    if donation is None:
        abort(404)
    return pdf.served(pdf.receipt_pdf(donation), pdf.receipt_name(donation))


@bp.get("/gifts/<token>/state")
@personal
def gift_state(token):
    """The gift's state as JSON, for the page that waits for Stripe's answer."""
    donation = _gift_or_404(token)
    return jsonify(status=donation.status, label=label(donation.status))
