"""`flask demo load`: the reference data, a seeded population and demo accounts."""

import click
from flask.cli import with_appcontext

from charity.demo.operations import DEMO_PASSWORD, demo_accounts, load_demo
from charity.district.operations import load_reference
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
    for email, role, street in demo_accounts(load_reference()):
        click.echo(f"  {role:15} {email}{'  ' + street if street else ''}")
