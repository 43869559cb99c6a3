"""`flask relief expire`, `flask relief allocate` and `flask relief rent-batch`."""

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from charity.auth.models import User
from charity.extensions import db
from charity.relief import allocation, operations, proposals, rent
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
@click.option("--save-as", "email", help="Save the result as a draft proposal by this user.")
@with_appcontext
def allocate(time_limit, email):
    """Propose an allocation of the fund to open applications (prints JSON); with --save-as,
    save it as a draft proposal to review at /relief/allocations."""
    if email:
        maker = db.session.scalar(select(User).where(User.email == email))
        if maker is None:
            raise click.UsageError(f"no user {email}")
        try:
            proposal = proposals.run(maker, time_limit=time_limit)
        except operations.ReliefError as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"proposal {proposal.id}: {proposal.status}")
        return
    result, _ = allocation.propose(time_limit=time_limit)
    click.echo(json.dumps({
        "status": result.status, "objective": result.objective, "bound": result.bound,
        "seconds": round(result.seconds, 3),
        "funded": {str(k): v for k, v in result.funded.items()},
        "unfunded": {str(k): v for k, v in result.unfunded.items()},
        "streets": result.streets}, ensure_ascii=False, indent=2))


@relief.command("rent-batch")
@click.option("--month", required=True, help="The month to pay, as YYYY-MM.")
@with_appcontext
def rent_batch(month):
    """Pay each approved rent-subsidy schedule's months up to MONTH, once each (a re-run pays
    nothing new)."""
    try:
        result = rent.run_batch(rent.parse_month(month))
    except operations.ReliefError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"schedules: {result['schedules']}, months paid: {result['paid']}, "
               f"ended: {result['closed']}")
