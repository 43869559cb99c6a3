"""`flask demo load`: the reference data, a seeded population and demo accounts."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from charity.auth.models import User
from charity.config import is_production
from charity.demo.accounts import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_TOTP_KEY
from charity.demo.operations import load_demo
from charity.extensions import db, security
from charity.timeutil import local_today


@click.group()
def demo():
    """Demo data."""


@demo.command("load")
@click.option("--seed", default=2019, show_default=True, help="Seed of the population generator.")
@with_appcontext
def load(seed):
    """Load the district, a demo population and an account for every role (idempotent)."""
    added = load_demo(local_today(), seed)
    db.session.commit()
    click.echo(f"people added: {added['people']}, cadres added: {added['cadres']}, "
               f"accounts added: {added['accounts']}")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for user in db.session.scalars(select(User).where(User.email.endswith(DEMO_DOMAIN))
                                   .order_by(User.id)):
        roles = ",".join(r.name for r in user.roles)
        click.echo(f"  {roles:15} {user.email}{'  ' + user.street.name if user.street else ''}")
    click.echo(f"Admin, fund manager and approvers also give a code: add the key {DEMO_TOTP_KEY} "
               "to an authenticator app, or run `flask --app charity demo codes`.")


@demo.command("codes")
@with_appcontext
def codes():
    """Print the code each demo account with an authenticator shows now (valid 30 s);
    development only (`SONGTAN_ENV=development`), and the demo's accounts only."""
    if is_production(current_app.config):
        raise click.UsageError("demo codes is for the demo: SONGTAN_ENV is not development")
    for user in db.session.scalars(select(User).where(User.tf_totp_secret.is_not(None),
                                                      User.email.endswith(DEMO_DOMAIN))
                                   .order_by(User.id)):
        click.echo(f"  {security.totp_factory.generate_totp_password(user.tf_totp_secret)}  "
                   f"{user.email}")
