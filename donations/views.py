"""Giving pages (public, Chinese or English), the gift's status page, and Stripe's webhook."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from charity.extensions import csrf, db, limiter
from charity.labels import label
from charity.timeutil import local_today
from donations import designations, gateway, operations, queries, sponsorship, webhook
from donations.forms import PRESETS_YUAN, GiveForm
from donations.models import Donation, FundraisingCampaign

bp = Blueprint("donations", __name__, url_prefix="/donations")


def _choices() -> list[tuple[str, str]]:
    """The fund's designations, and the signed-in donor's own live sponsorships."""
    choices = designations.fund_choices()
    if current_user.is_authenticated:
        choices += [(s.designation, f"{designations.describe(s.designation)} · {label(s.kind)}")
                    for s in queries.sponsorships_of(current_user)
                    if s.status in sponsorship.LIVE]
    return choices


def _page(form: GiveForm, campaign: FundraisingCampaign | None, status: int = 200):
    form.designation.choices = _choices()
    return render_template(
        "donations/give.html", form=form, campaign=campaign, presets=PRESETS_YUAN,
        progress=queries.progress(campaign) if campaign else None,
        campaigns=db.session.scalars(queries.campaigns(local_today())).all(),
        recent=queries.recent_public(campaign.id if campaign else None),
        stripe_js=gateway.js_url(), localstripe=gateway.uses_localstripe(),
        methods=gateway.offered_methods(),
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"]), status


@bp.get("/")
def give():
    chosen = request.args.get("designation", "")
    return _page(GiveForm(formdata=None, amount="100", designation=chosen), None)


@bp.get("/campaigns/<slug>")
def campaign(slug):
    found = db.session.scalar(select(FundraisingCampaign).where(FundraisingCampaign.slug == slug))
    if found is None:
        abort(404)
    return _page(GiveForm(formdata=None, amount="100", campaign=str(found.id)), found)


def _error(message: str):
    return jsonify(error=message), 400


@bp.post("/give")
@limiter.limit("30 per minute")
def start():
    """Open a gift and its PaymentIntent; the page confirms it with Stripe.js (JSON)."""
    form = GiveForm()
    form.designation.choices = _choices()
    if not form.validate_on_submit():
        return _error(" ".join(str(e) for errors in form.errors.values() for e in errors))
    if form.designation.data and form.designation.data not in dict(form.designation.choices):
        return _error(_("Choose what the gift is for from the list."))
    method = form.method.data or "card"
    if method not in gateway.offered_methods():
        return _error(_("Choose a payment method from the list."))
    campaign = None
    if form.campaign.data:
        campaign = db.session.get(FundraisingCampaign, int(form.campaign.data)) \
            if form.campaign.data.isdigit() else None
        if campaign is None or not campaign.starts_on <= local_today() <= campaign.ends_on:
            return _error(_("This campaign is not open for gifts."))
    user = current_user if current_user.is_authenticated else None
    try:
        donation, intent = operations.start_online_gift(
            amount_fen=form.amount.fen, designation=form.designation.data or None,
            campaign=campaign, donor=user, donor_name=form.name.data or "",
            donor_email=form.email.data or "", anonymous=form.anonymous.data,
            client_ip=request.remote_addr, method=method,
            card=form.card.data if gateway.uses_localstripe() else None)
    except operations.DonationError as error:
        db.session.rollback()
        return _error(str(error))
    db.session.commit()
    # The page confirms on Stripe.js unless the server already did (localstripe's test card).
    confirm = not gateway.uses_localstripe() or intent["status"] == "requires_action"
    return jsonify(client_secret=intent["client_secret"], confirm=confirm, method=method,
                   status_url=url_for(".gift", token=donation.token))


def _gift_or_404(token: str) -> Donation:
    donation = db.session.scalar(select(Donation).where(Donation.token == token))
    if donation is None:
        abort(404)
    return donation


@bp.get("/gifts/<token>")
def gift(token):
    """What the server knows about a gift: never what the page hoped."""
    donation = _gift_or_404(token)
    return render_template("donations/gift.html", donation=donation,
                           designation=designations.describe(donation.designation))


@bp.get("/gifts/<token>/state")
def gift_state(token):
    donation = _gift_or_404(token)
    return jsonify(status=donation.status, label=label(donation.status))


@bp.post("/stripe/webhook")
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    """Stripe's events: verify, drop what was seen, check the amount, call one operation."""
    try:
        event = gateway.verify(request.get_data(), request.headers.get("Stripe-Signature"))
    except gateway.BadSignature:
        return jsonify(error="bad signature"), 400
    if db.session.get(webhook.StripeEvent, event["id"]) is not None:
        return jsonify(outcome="duplicate")
    try:
        outcome = webhook.handle(event)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if db.session.get(webhook.StripeEvent, event["id"]) is None:
            raise  # not a duplicate: a 500, and Stripe delivers again
        return jsonify(outcome="duplicate")  # the same event, delivered concurrently, won
    return jsonify(outcome=outcome)
