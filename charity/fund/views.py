"""Fund screens for staff and auditors: balances, the journal (read-only) and approvals."""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from charity.auth.access import street_scope
from charity.auth.permissions import Permission, can, refuse, requires
from charity.extensions import db
from charity.fund import names, queries
from charity.fund.models import BudgetAppropriation
from charity.fund.verify import verify
from charity.main import todo
from charity.main.input_guard import page_arg
from charity.relief import queries as relief_queries
from charity.relief.models import Application

bp = Blueprint("fund", __name__, url_prefix="/fund")

bp.add_app_template_global(names.account_name, "account_name")
bp.add_app_template_global(names.entry_kind_name, "entry_kind_name")
bp.add_app_template_global(names.memo_words, "memo_words")
bp.add_app_template_global(names.debit_credit, "debit_credit")
bp.add_app_template_global(names.measure_name, "measure_name")
bp.add_app_template_global(names.MEASURE_NAMES, "measure_names")


def group_label(code: str) -> str:
    """A heading for an account code's group."""
    head = code.split(":")[0]
    return {"cash": _("Cash in the bank"), "fees": _("Fees"), "budget": _("District budget"),
            "unrestricted": _("Unrestricted"), "restricted": _("Restricted funds"),
            "reserved": _("Reserved for approved applications"),
            "disbursed": _("Disbursed by measure"), "spent": _("Spent by measure"),
            "disputed": _("Held by disputes")}.get(head, head)


@bp.get("/")
@requires(Permission.VIEW_FUND)
def overview():
    """Balances by group. A street officer sees reserved money as a total only: one line per
    application would show other streets' cases."""
    found = queries.balances()
    per_case = street_scope() is None
    groups: dict[str, list[tuple[str, int]]] = {}
    for code, amount in found.items():
        if code.startswith("reserved:") and (amount == 0 or not per_case):
            continue
        groups.setdefault(group_label(code), []).append((code, amount))
    reserved = sum(v for c, v in found.items() if c.startswith("reserved:"))
    return render_template("fund/overview.html", groups=groups, reserved=reserved,
                           head=queries.head())


@bp.get("/journal")
@requires(Permission.VIEW_LEDGER)
def journal():
    """The journal, newest first, filtered by kind of entry; read-only."""
    kind = request.args.get("kind") or None
    page = db.paginate(queries.entries(kind), page=page_arg(), per_page=50, error_out=False)
    return render_template("fund/journal.html", page=page, kind=kind)


@bp.get("/verify")
@requires(Permission.VIEW_LEDGER)
def check():
    """Check the journal: zero sums, the hash chain, the head and every balance."""
    return render_template("fund/verify.html", report=verify())


@bp.get("/approvals")
@requires(Permission.VIEW_LEDGER)
def approvals():
    """The record of applications: maker, checker, committee, payment (`view=history`, the
    default); for an approver `view=waiting` lists what waits for their decision apart from
    the history: applications and committee cases someone else made, budget appropriations
    someone else recorded (four eyes)."""
    view = request.args.get("view") or "history"
    if view not in ("history", "waiting"):
        abort(400)
    if view == "waiting":
        if not can(Permission.APPROVE):
            refuse(needs=[str(Permission.APPROVE)])
        return _waiting()
    page = db.paginate(relief_queries.applications(None), page=page_arg(), per_page=50,
                       error_out=False)
    return render_template("fund/approvals.html", page=page, view=view)


def _waiting():
    user = current_user
    ids = todo.waiting_applications(user)
    if can(Permission.SIT_ON_COMMITTEE):
        ids = ids.union(todo.waiting_votes(user))
    applications = db.session.scalars(
        select(Application).where(Application.id.in_(ids)).options(
            joinedload(Application.created_by)).order_by(Application.created_at,
                                                         Application.id).limit(500)).all()
    budget = db.session.scalars(select(BudgetAppropriation).where(
        BudgetAppropriation.id.in_(todo.waiting_budget(user)))
        .order_by(BudgetAppropriation.id).limit(500)).all()
    return render_template("fund/approvals.html", view="waiting", applications=applications,
                           budget=budget)
