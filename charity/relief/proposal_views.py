"""Allocation screens: run the optimiser, review and change a proposal case by case, and send
it for approval."""

from collections import defaultdict

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from charity.auth.permissions import Permission, requires
from charity.extensions import db
from charity.fund.accounts import is_spendable, may_fund
from charity.jobs import operations as jobs
from charity.jobs.pages import shown
from charity.relief import allocation, proposals
from charity.relief.allocation import purpose_of
from charity.relief.forms import AllocationCaseForm, AllocationRunForm
from charity.relief.models import AllocationProposal, ProposalItem
from charity.transaction import unit_of_work

bp = Blueprint("relief_allocations", __name__, url_prefix="/relief")

#: Why a case was left unfunded.
REASONS = {"no_fund_may_pay": _l("No fund may pay for it (restrictions)"),
           "funds_exhausted": _l("The funds that may pay for it are used up"),
           "dropped": _l("Dropped by staff")}


@bp.app_template_filter("allocation_reason")
def allocation_reason(reason: str) -> str:
    """Why a case was left unfunded, in the user's language."""
    return str(REASONS.get(reason, reason))


@bp.app_template_global("sent_proposal")
def sent_proposal(application_id: int) -> dict | None:
    """The sent proposal a case came from, with whoever sent it and the money it proposes."""
    sender, sources = allocation.proposed(application_id)
    if sender is None:
        return None
    proposal = db.session.scalar(select(AllocationProposal).join(AllocationProposal.items).where(
        AllocationProposal.state == "sent", ProposalItem.application_id == application_id))
    return {"proposal": proposal, "sources": sources}


def review(proposal: AllocationProposal) -> dict:
    """What the proposal page shows: funded and unfunded cases with the funds each may take,
    the streets, and every fund's money free, planned and left."""
    items = defaultdict(list)
    for item in proposal.items:
        items[item.application].append(item)
    free = allocation.available() if proposal.state == "draft" else {}
    planned: dict[str, int] = defaultdict(int)
    for item in proposal.items:
        if item.fund_code:
            planned[item.fund_code] += item.amount_fen
    known = allocation.restrictions()
    cases = [{"application": a, "items": rows, "funded": rows[0].fund_code is not None,
              "payers": [c for c in sorted(free) if is_spendable(c)
                         and may_fund(c, purpose)]}
             for a, rows in sorted(items.items(), key=lambda kv: (-kv[0].priority, kv[0].id))
             for purpose in [purpose_of(a, known)]]
    funds = [(code, free.get(code, 0), planned.get(code, 0))
             for code in sorted(set(free) | set(planned))]
    return {"funded": [c for c in cases if c["funded"]],
            "unfunded": [c for c in cases if not c["funded"]],
            "streets": allocation.street_figures(proposal), "funds": funds}


#: Cases per page on a proposal page (a district-sized proposal has thousands).
CASES_PER_PAGE = 100


def _page(proposal: AllocationProposal, status: int = 200, form=None):
    return render_template("relief/allocation.html", proposal=proposal, per_page=CASES_PER_PAGE,
                           form=form or AllocationCaseForm(), **review(proposal)), status


def _list(form, status: int = 200):
    found = db.session.scalars(select(AllocationProposal)
                               .order_by(AllocationProposal.id.desc()).limit(50)).all()
    return render_template("relief/allocations.html", proposals=found, form=form,
                           open_count=len(allocation.open_applications())), status


@bp.get("/allocations")
@requires(Permission.VIEW_ALLOCATIONS)
def allocations():
    """The latest proposals, and the form that runs the optimiser on the open cases."""
    return _list(AllocationRunForm())


@bp.post("/allocations")
@requires(Permission.ALLOCATE)
def run_allocation():
    """Start a job that runs the optimiser over the open cases and keeps its proposal as a
    draft; the job's page shows the progress and leads to the proposal."""
    form = AllocationRunForm()
    if form.validate_on_submit():
        job, started = jobs.start("allocation_run", "allocation_run", user=current_user,
                                  params={"tolerance_pct": form.tolerance.data})
        return shown(job, started)
    return _list(form, 400)


@bp.get("/allocations/<int:proposal_id>")
@requires(Permission.VIEW_ALLOCATIONS)
def proposal(proposal_id):
    """A proposal: funded and unfunded cases, the streets, and each fund's money."""
    return _page(db.get_or_404(AllocationProposal, proposal_id))


def _change(proposal_id: int, action, success: str):
    """Run one change on a proposal: 400 with the reason (and nothing written) if refused."""
    proposal = db.get_or_404(AllocationProposal, proposal_id)
    with unit_of_work() as work:
        action(proposal)
    if not work.ok:
        return _page(db.get_or_404(AllocationProposal, proposal_id), 400)
    flash(success, "success")
    return redirect(url_for(".proposal", proposal_id=proposal_id))


@bp.post("/allocations/<int:proposal_id>/cases/<int:application_id>")
@requires(Permission.ALLOCATE)
def change_case(proposal_id, application_id):
    """Fund a case of a draft from another fund, or with another amount."""
    form = AllocationCaseForm()
    if not form.validate_on_submit():
        flash(_("Choose a fund and an amount in yuan above zero."), "error")
        return _page(db.get_or_404(AllocationProposal, proposal_id), 400, form)
    return _change(proposal_id, lambda p: proposals.change(
        p, application_id, form.fund.data.strip(), form.amount_fen(), current_user),
        _("Case %(id)s changed.", id=application_id))


@bp.post("/allocations/<int:proposal_id>/cases/<int:application_id>/drop")
@requires(Permission.ALLOCATE)
def drop_case(proposal_id, application_id):
    """Take a case out of a draft's funding; it stays listed as dropped by staff."""
    return _change(proposal_id, lambda p: proposals.drop(p, application_id, current_user),
                   _("Case %(id)s dropped from the proposal.", id=application_id))


@bp.post("/allocations/<int:proposal_id>/send")
@requires(Permission.ALLOCATE)
def send_allocation(proposal_id):
    """Send a draft's funded cases for approval; another person approves each case."""
    return _change(proposal_id, lambda p: proposals.send(p, current_user),
                   _("Sent for approval: another person approves each case."))
