"""`flask match run` and `flask match export`: the pairing workflow from the command line;
`flask match liaison`: make an account a department's liaison."""

import json
import shutil

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from charity.audit.operations import record
from charity.auth.models import User
from charity.auth.operations import ensure_roles
from charity.district.models import Department, Street
from charity.extensions import db
from charity.jobs import exports
from charity.jobs.follow import start_and_follow
from charity.jobs.messages import error_text
from charity.pairing import operations, tasks
from charity.pairing.messages import render
from charity.pairing.models import PUBLISHABLE


@click.group("match")
def match():
    """Pairing: run the optimiser, export the roster."""


@match.command("run")
@click.option("--street", help="Run for one street (Chinese name), e.g. 七星岗.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@with_appcontext
def run(street, as_json):
    """Run matching and publish it (unless infeasible); print the run summary."""
    scope = None
    if street:
        scope = db.session.scalar(select(Street).where(Street.name == street))
        if scope is None:
            raise click.BadParameter(f"unknown street: {street}", param_hint="--street")
    match_run = operations.run(scope)
    published = None
    if match_run.status in PUBLISHABLE:
        published = operations.publish(match_run)
    db.session.commit()
    s = match_run.summary
    summary = {
        "run": match_run.id, "status": match_run.status, "objective": match_run.objective,
        "bound": match_run.bound, "seconds": match_run.seconds,
        "coverage": {k: {"covered": v[0], "total": v[1]} for k, v in s["coverage"].items()},
        "quota_violations": s["quota_violations"],
        "conflicts": [render(conflict) for conflict in s["conflicts"]],
        "unmatched": len(s["unmatched"]), "published": published,
        "households": {key: s["households"][key] for key in
                       ("households", "split", "bound", "before", "proven", "cost")},
    }
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        h = s["households"]
        click.echo(f"run {match_run.id}: {match_run.status} objective={match_run.objective} "
                   f"bound={match_run.bound} in {match_run.seconds}s; published: {published}; "
                   f"split households {h['split']} (lower bound {h['bound']}), household "
                   f"rule's cost {h['cost']['objective']}")
    if match_run.status not in PUBLISHABLE:
        raise SystemExit(1)


@match.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False),
              help="Copy the file here too (without it, a .csv is also printed).")
@with_appcontext
def export(fmt, output):
    """The pairing roster of the district (beneficiary id, street, helper kind, helper id, rank,
    group street) as the export job the pages start: its steps are printed (on stderr) as it
    goes, on a worker or, when none answers, in this process; then where its file is."""
    job = start_and_follow("pairing_export", tasks.export_key(None, fmt),
                           lambda line: click.echo(line, err=True),
                           params={"ext": fmt, "from": "cli"})
    if job.state != "succeeded":
        raise click.ClickException(f"job {job.id} {job.state}: {error_text(job.error)}")
    path = exports.path(job)
    click.echo(f"job {job.id}: the file is {path}", err=True)
    if output:
        shutil.copyfile(path, output)
        click.echo(f"copied to {output}", err=True)
    elif fmt == "csv":
        click.echo(path.read_bytes().decode("utf-8-sig"), nl=False)


@match.command("liaison")
@click.argument("email")
@click.argument("department")
@with_appcontext
def liaison(email, department):
    """Make the account EMAIL the liaison of DEPARTMENT (its Chinese name): they import and
    manage that department's cadres, and no other's."""
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        raise click.BadParameter(f"no account: {email}", param_hint="EMAIL")
    found = db.session.scalar(select(Department).where(Department.name == department))
    if found is None:
        raise click.BadParameter(f"unknown department: {department}", param_hint="DEPARTMENT")
    role = ensure_roles()["liaison"]
    if role not in user.roles:
        user.roles.append(role)
    user.department_id = found.id
    record("user.liaison", "user", user.id, department_id=found.id)
    db.session.commit()
    click.echo(f"{user.email} is the liaison of {found.name}")
