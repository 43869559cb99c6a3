"""`flask report ...`: reports for the command line."""

import json

import click
from flask.cli import with_appcontext

from charity.district.views import street_counts
from charity.timeutil import local_today


@click.group()
def report():
    """Reports."""


@report.command("streets")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_appcontext
def streets(as_json):
    """People on the roster per street (Chinese name) and category (dibao, tekun,
    filed_hardship)."""
    counts = street_counts()
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'street':8} {'dibao':>6} {'tekun':>6} {'filed':>6} {'total':>6}")
    for name, row in counts.items():
        click.echo(f"{name:8} {row['dibao']:>6} {row['tekun']:>6} {row['filed_hardship']:>6} "
                   f"{row['subtotal']:>6}")


@report.command("gaps")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_appcontext
def gaps(as_json):
    """Per street (Chinese name) and measure: how many are owed it, receive it, have a gap."""
    from charity.casework.snapshot import street_summary

    summary = street_summary(None, local_today())
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    for name, measures in summary.items():
        click.echo(name)
        for measure, row in measures.items():
            click.echo(f"  {measure:24} owed {row['owed']:>6}  receiving {row['receiving']:>6}"
                       f"  gaps {row['gaps']:>6}")
