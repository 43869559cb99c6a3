"""The public disclosure page (totals only, no personal data) and the annual .xlsx for staff
and auditors. It reads the fund's ledger and the donations' campaigns, so it lives beside both."""

from flask import Blueprint, Response, render_template

from charity.auth.permissions import Permission, requires
from charity.fund import annual
from charity.fund import disclosure as public
from charity.fund.views_helpers import MEASURE_NAMES
from charity.main.input_guard import year_arg
from charity.timeutil import local_today
from donations.campaigns import queries as campaign_queries

bp = Blueprint("disclosure", __name__, url_prefix="/fund")


@bp.get("/disclosure")
def disclosure():
    """Public: money in and out by month, measure, street and campaign, and the head hash."""
    year = year_arg()
    report = public.build(year)
    return render_template("fund/disclosure.html", report=report, year=year,
                           measure_names=MEASURE_NAMES,
                           campaigns=campaign_queries.disclosed(report.campaigns))


@bp.get("/annual-report.xlsx")
@requires(Permission.EXPORT_ANNUAL_REPORT)
def annual_report():
    """The fund's year in one workbook."""
    year = year_arg() or local_today().year
    body = annual.workbook(year, "重庆市渝中区慈善会")
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={
                        "Content-Disposition": f"attachment; filename=songtan-fund-{year}.xlsx"})
