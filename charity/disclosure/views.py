"""The public disclosure page (totals only, no personal data) and the annual .xlsx for staff
and auditors. It reads the fund's ledger and the donations' campaigns, so it lives beside both."""

from flask import Blueprint, render_template
from flask_login import current_user

from charity.auth.permissions import Permission, requires
from charity.casework import snapshot
from charity.casework.gaps import ALL_MEASURES
from charity.disclosure import coverage
from charity.fund import disclosure as public
from charity.fund.views_helpers import MEASURE_NAMES
from charity.jobs import exports
from charity.jobs import operations as jobs
from charity.jobs.pages import shown
from charity.main.input_guard import year_arg
from charity.timeutil import local_today
from donations.campaigns import queries as campaign_queries

bp = Blueprint("disclosure", __name__, url_prefix="/fund")


@bp.get("/disclosure")
def disclosure():
    """Public: money in and out by month, measure, street and campaign, budget income, the
    people covered and visits made per street this year, and the head hash."""
    year = year_arg()
    report = public.build(year)
    today = local_today()
    return render_template("fund/disclosure.html", report=report, year=year,
                           measure_names=MEASURE_NAMES, today=today,
                           coverage=coverage.by_street(today), coverage_measures=ALL_MEASURES,
                           campaigns=campaign_queries.disclosed(report.campaigns),
                           gap_snapshot=snapshot.current(today))


@bp.post("/annual-report.xlsx")
@requires(Permission.EXPORT_ANNUAL_REPORT)
def annual_report():
    """Start a job that writes the fund's year in one workbook; its page leads to the
    download. A second start shows the first."""
    year = year_arg() or local_today().year
    job, started = jobs.start("annual_report", f"annual_report:{year}", user=current_user,
                              params={"ext": "xlsx", "year": year,
                                      "lang": exports.language()})
    return shown(job, started)
