"""`flask donations ...`: wire localstripe's webhook to the app, pair waiting sponsorships."""

from urllib.error import URLError

import click
from flask import current_app
from flask.cli import with_appcontext

from charity.extensions import db
from charity.timeutil import local_today
from donations.sponsorship import operations as sponsorship
from donations.stripe import devstripe


@click.group()
def donations():
    """Donations: Stripe wiring and sponsorship pairing."""


@donations.command("wire-localstripe")
@click.option("--app-url", required=True, help="Where the app listens, e.g. http://127.0.0.1:5000")
@with_appcontext
def wire_localstripe(app_url):
    """Register the app's webhook with localstripe (POST /_config/webhooks/songtan)."""
    base = current_app.config["STRIPE_API_BASE"]
    if not base:
        raise click.ClickException("STRIPE_API_BASE is empty: this is for localstripe only.")
    try:
        devstripe.wire(app_url, current_app.config["STRIPE_WEBHOOK_SECRET"], base)
    except (URLError, OSError, ValueError) as error:
        raise click.ClickException(f"localstripe refused: {error}") from None
    click.echo(f"localstripe at {base} now sends its events to {app_url}/donations/stripe/webhook")


@donations.command("pair-sponsorships")
@with_appcontext
def pair_sponsorships():
    """Pair waiting sponsorship pledges with people who fit, through the optimiser."""
    today = local_today()
    pledges = len(sponsorship.waiting())
    paired = sponsorship.pair_waiting(today.year, today)
    db.session.commit()
    click.echo(f"{paired} people paired with {pledges} waiting pledges")
