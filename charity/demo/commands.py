"""`flask demo load`: the reference data, a seeded population and demo accounts."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from charity.auth.models import User
from charity.demo.accounts import DEMO_PASSWORD
from charity.demo.operations import load_demo
from charity.extensions import db
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
    for user in db.session.scalars(select(User).order_by(User.id)):
        roles = ",".join(r.name for r in user.roles)
        click.echo(f"  {roles:15} {user.email}{'  ' + user.street.name if user.street else ''}")
