"""`flask donations ...`: wire localstripe's webhook to the app, pair waiting sponsorships,
reconcile the gifts with Stripe."""

import json
from datetime import timedelta
from urllib.error import URLError

import click
from flask import current_app
from flask.cli import with_appcontext

from charity.extensions import db
from charity.timeutil import local_today
from donations.sponsorship import operations as sponsorship
from donations.stripe import devstripe, reconcile


@click.group()
def donations():
    """Donations: Stripe wiring, sponsorship pairing and reconciliation."""


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


@donations.command("reconcile")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Examine Stripe objects created on or after this day (default: 30 days ago).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def reconcile_command(since, as_json):
    """Compare the gifts with Stripe, apply what is missing, report what needs a person."""
    day = since.date() if since else local_today() - timedelta(days=30)
    run = reconcile.reconcile(day)
    db.session.commit()
    report = {"id": run.id, "since": str(run.since), "examined": run.examined,
              "fixed": run.fixed, "unfixed": run.unfixed}
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"examined since {day}: " + ", ".join(f"{n} {k}" for k, n in run.examined.items()))
    for entry in run.fixed:
        click.echo(f"  fixed   {entry['object']}: {entry['outcome']}")
    for entry in run.unfixed:
        click.echo(f"  UNFIXED {entry['object']}: {entry['reason']} {entry.get('detail', '')}")
