"""The public disclosure page and the annual .xlsx: totals only, no personal data."""

from flask import Response, render_template, request
from flask_security import auth_required, roles_accepted

from charity.fund import annual
from charity.fund import disclosure as public
from charity.fund.views import bp
from charity.fund.views_helpers import MEASURE_NAMES
from charity.timeutil import local_today


@bp.get("/disclosure")
def disclosure():
    """Public: money in and out by month, measure, street and campaign, and the head hash."""
    year = request.args.get("year", type=int)
    report = public.build(year)
    return render_template("fund/disclosure.html", report=report, year=year,
                           measure_names=MEASURE_NAMES,
                           campaigns=public.campaign_progress(report.campaigns))


@bp.get("/annual-report.xlsx")
@auth_required()
@roles_accepted("admin", "fund_manager", "auditor")
def annual_report():
    year = request.args.get("year", type=int) or local_today().year
    body = annual.workbook(year, "重庆市渝中区慈善会")
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={
                        "Content-Disposition": f"attachment; filename=songtan-fund-{year}.xlsx"})
