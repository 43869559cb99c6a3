"""`flask ledger verify` and `flask fund balance`: the ledger from the command line."""

import json
import sys

import click
from flask.cli import with_appcontext

from charity.fund import queries
from charity.fund.verify import verify as verify_journal


@click.group()
def ledger():
    """The fund's journal."""


@ledger.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def verify(as_json):
    """Recheck zero sums, balances and the hash chain; print the head hash; exit 1 on a break."""
    report = verify_journal()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"entries: {report.entries}  head: {report.head_seq} {report.head_hash}")
        for error in report.errors:
            click.echo(f"BROKEN: {error}", err=True)
        click.echo("OK" if report.ok else "BROKEN")
    if not report.ok:
        sys.exit(1)


@click.group()
def fund():
    """The relief fund."""


@fund.command("balance")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def balance(as_json):
    """The fund's balances by account code, in fen."""
    found = queries.balances()
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for code, amount in found.items():
        click.echo(f"{code:40} {amount:>16,}")
