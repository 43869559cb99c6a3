"""`flask relief expire` and `flask relief allocate`."""

import json

import click
from flask.cli import with_appcontext

from charity.extensions import db
from charity.relief import allocation, operations
from charity.timeutil import local_today


@click.group()
def relief():
    """Relief applications."""


@relief.command("expire")
@with_appcontext
def expire():
    """Release reservations not paid by their day."""
    count = operations.expire(local_today())
    db.session.commit()
    click.echo(f"expired: {count}")


@relief.command("allocate")
@click.option("--time-limit", default=30.0, show_default=True, help="Seconds for the solver.")
@with_appcontext
def allocate(time_limit):
    """Propose an allocation of the fund to submitted applications (prints JSON)."""
    result, _ = allocation.propose(time_limit=time_limit)
    click.echo(json.dumps({
        "status": result.status, "objective": result.objective, "bound": result.bound,
        "seconds": round(result.seconds, 3),
        "funded": {str(k): v for k, v in result.funded.items()},
        "unfunded": {str(k): v for k, v in result.unfunded.items()},
        "streets": result.streets}, ensure_ascii=False, indent=2))
