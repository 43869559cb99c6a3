"""`flask report ...`: reports for the command line."""

import json

import click
from flask.cli import with_appcontext

from charity.district.views import street_counts


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
