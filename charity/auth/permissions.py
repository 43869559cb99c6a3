"""Who may do what: every capability of the platform, each mapped to its roles once.

Views ask `@requires(Permission.X)`, templates ask `can(Permission.X)` (the `Permission` enum
is a template global), code asks `can(Permission.X, user)`: nothing outside this module names a
role to decide access. A capability is granted when the user holds any one of its roles.
"""

from enum import StrEnum
from functools import wraps
from typing import NoReturn

from flask import abort
from flask_login import current_user
from flask_security import auth_required

from charity.transaction import commit_refusal


class Permission(StrEnum):
    """The platform's capabilities; the value is the name templates and logs use."""

    #: The registry, casework, the dashboard, the district page and visit campaigns.
    VIEW_REGISTRY = "view_registry"
    #: Enrol and edit people and households, import rosters, record casework and reviews.
    EDIT_REGISTRY = "edit_registry"
    #: Reveal a full ID number (each view is audited) and export full rosters.
    VIEW_FULL_ID = "view_full_id"
    #: See every street: district-wide roles are not held to one street's records.
    SEE_WHOLE_DISTRICT = "see_whole_district"
    #: Work one street's records: the street of the user's account, and no other.
    SEE_OWN_STREET = "see_own_street"
    #: Open a district-wide review cycle or festival visit campaign, and add a campaign's tasks.
    OPEN_DISTRICT_WORK = "open_district_work"
    #: Draw spot checks of logged visits and record what they found.
    SPOT_CHECK = "spot_check"
    #: Cadres and volunteers: their own pairings and visit tasks.
    HELP_PEOPLE = "help_people"
    #: A person's contacts and help given (on their page), who has not been contacted for a
    #: while, and the hours given per helper and per department.
    VIEW_CONTACTS = "view_contacts"
    #: The pairing overview, previews, the pairing roster and its export.
    VIEW_PAIRING = "view_pairing"
    #: Run the optimiser, publish a run, lock and forbid pairs; the queue of people a decline
    #: left without a helper.
    RUN_PAIRING = "run_pairing"
    #: The relief pages: applications and their cases.
    VIEW_RELIEF = "view_relief"
    #: Submit a relief application (the maker of the four eyes).
    SUBMIT_APPLICATION = "submit_application"
    #: Approve or reject an application (the checker of the four eyes).
    APPROVE = "approve"
    #: Pay an approved application.
    PAY = "pay"
    #: Vote on and keep the minutes of the case committee (一事一议).
    SIT_ON_COMMITTEE = "sit_on_committee"
    #: Read allocation proposals.
    VIEW_ALLOCATIONS = "view_allocations"
    #: Run the allocation optimiser, change a proposal and send it for approval.
    ALLOCATE = "allocate"
    #: The fund's balances (a street officer sees reservations as a total only).
    VIEW_FUND = "view_fund"
    #: The journal, the ledger check and the approvals record.
    VIEW_LEDGER = "view_ledger"
    #: The fund's annual report workbook.
    EXPORT_ANNUAL_REPORT = "export_annual_report"
    #: The audit log.
    VIEW_AUDIT_LOG = "view_audit_log"
    #: Beneficiaries by name, with the kind and reason of their relief, on the money pages
    #: (relief, approvals, allocations, the journal, the audit log's details); without it a
    #: case shows as its number only.
    SEE_BENEFICIARIES = "see_beneficiaries"
    #: Open a pseudonymised case for audit, with a reason (logged): its names for the day.
    OPEN_CASE_FOR_AUDIT = "open_case_for_audit"
    #: Record and confirm offline gifts.
    RECORD_GIFTS = "record_gifts"
    #: Decide on gifts held for review.
    REVIEW_GIFTS = "review_gifts"
    #: Create and change fundraising campaigns and their matching pools.
    MANAGE_CAMPAIGNS = "manage_campaigns"
    #: Start monthly giving and sponsorship pledges from the donor portal.
    GIVE_FROM_PORTAL = "give_from_portal"
    #: The last reconciliation of the gifts with Stripe, and the events still waiting.
    VIEW_RECONCILIATION = "view_reconciliation"
    #: Start a reconciliation with Stripe now (it also runs nightly).
    RUN_RECONCILIATION = "run_reconciliation"
    #: Open any donor's receipt (donors open their own).
    VIEW_ANY_RECEIPT = "view_any_receipt"
    #: The cadres' roster: import, add, edit, leaving, transfers, rank changes, invite links;
    #: a department liaison only their own department's cadres.
    MANAGE_CADRES = "manage_cadres"
    #: Every department's cadres (without it, a liaison keeps to their own department).
    MANAGE_ALL_CADRES = "manage_all_cadres"
    #: Approve or reject the sign-ups of volunteers and organisations (of one's street).
    REVIEW_HELPERS = "review_helpers"
    #: The jobs (pairing and allocation runs, reconciliation, expiry) of the user's streets:
    #: their progress, outcome and history.
    VIEW_JOBS = "view_jobs"
    #: The grievance queue: record complaints and appeals, answer them (of one's street).
    HANDLE_GRIEVANCES = "handle_grievances"
    #: Record a budget appropriation (the maker; another user with APPROVE posts it).
    RECORD_BUDGET = "record_budget"
    #: Add and change the yearly income lines and asset limits of temporary assistance.
    EDIT_INCOME_LINES = "edit_income_lines"
    #: The development outbox (the e-mails the platform wrote, kept as files): its receipts.
    VIEW_MAIL_OUTBOX = "view_mail_outbox"
    #: Every e-mail of the development outbox, sign-up and confirmation links included (a
    #: link there lets its reader confirm an address that is not theirs).
    VIEW_MAIL_OUTBOX_ALL = "view_mail_outbox_all"
    #: Issue, list and revoke the data-sharing API's tokens.
    MANAGE_API_TOKENS = "manage_api_tokens"


#: The roles that hold each capability: the only place roles are named for access.
ROLES: dict[Permission, frozenset[str]] = {
    Permission.VIEW_REGISTRY: frozenset({"admin", "fund_manager", "approver", "street_officer"}),
    Permission.EDIT_REGISTRY: frozenset({"admin", "street_officer"}),
    Permission.VIEW_FULL_ID: frozenset({"admin", "street_officer", "approver"}),
    Permission.SEE_WHOLE_DISTRICT: frozenset({"admin", "fund_manager", "approver", "auditor"}),
    Permission.SEE_OWN_STREET: frozenset({"street_officer"}),
    Permission.OPEN_DISTRICT_WORK: frozenset({"admin"}),
    Permission.SPOT_CHECK: frozenset({"admin", "street_officer"}),
    Permission.HELP_PEOPLE: frozenset({"cadre", "volunteer"}),
    Permission.REVIEW_HELPERS: frozenset({"admin", "street_officer"}),
    Permission.VIEW_CONTACTS: frozenset({"admin", "street_officer"}),
    Permission.VIEW_PAIRING: frozenset({"admin", "street_officer", "fund_manager", "approver"}),
    Permission.RUN_PAIRING: frozenset({"admin", "street_officer"}),
    Permission.VIEW_RELIEF: frozenset({"admin", "fund_manager", "street_officer", "approver",
                                       "auditor"}),
    Permission.SUBMIT_APPLICATION: frozenset({"admin", "fund_manager", "street_officer"}),
    Permission.APPROVE: frozenset({"admin", "approver"}),
    Permission.PAY: frozenset({"admin", "fund_manager"}),
    Permission.SIT_ON_COMMITTEE: frozenset({"admin", "approver", "fund_manager"}),
    Permission.VIEW_ALLOCATIONS: frozenset({"admin", "fund_manager", "approver", "auditor"}),
    Permission.ALLOCATE: frozenset({"admin", "fund_manager"}),
    Permission.VIEW_FUND: frozenset({"admin", "fund_manager", "approver", "auditor",
                                     "street_officer"}),
    Permission.VIEW_LEDGER: frozenset({"admin", "fund_manager", "approver", "auditor"}),
    Permission.EXPORT_ANNUAL_REPORT: frozenset({"admin", "fund_manager", "auditor"}),
    Permission.VIEW_AUDIT_LOG: frozenset({"admin", "auditor"}),
    Permission.SEE_BENEFICIARIES: frozenset({"admin", "fund_manager", "approver",
                                             "street_officer"}),
    Permission.OPEN_CASE_FOR_AUDIT: frozenset({"auditor"}),
    Permission.RECORD_GIFTS: frozenset({"admin", "fund_manager", "approver"}),
    Permission.REVIEW_GIFTS: frozenset({"admin", "fund_manager", "approver"}),
    Permission.MANAGE_CAMPAIGNS: frozenset({"admin", "fund_manager"}),
    Permission.GIVE_FROM_PORTAL: frozenset({"donor"}),
    Permission.VIEW_RECONCILIATION: frozenset({"admin", "fund_manager", "approver", "auditor"}),
    Permission.VIEW_ANY_RECEIPT: frozenset({"admin", "fund_manager", "approver", "auditor"}),
    Permission.RUN_RECONCILIATION: frozenset({"admin", "fund_manager"}),
    Permission.VIEW_JOBS: frozenset({"admin", "fund_manager", "approver", "auditor",
                                     "street_officer"}),
    Permission.MANAGE_CADRES: frozenset({"admin", "liaison"}),
    Permission.MANAGE_ALL_CADRES: frozenset({"admin"}),
    Permission.HANDLE_GRIEVANCES: frozenset({"admin", "street_officer", "approver"}),
    Permission.RECORD_BUDGET: frozenset({"admin", "fund_manager"}),
    Permission.EDIT_INCOME_LINES: frozenset({"admin", "fund_manager"}),
    Permission.VIEW_MAIL_OUTBOX: frozenset({"admin", "fund_manager"}),
    Permission.VIEW_MAIL_OUTBOX_ALL: frozenset({"admin"}),
    Permission.MANAGE_API_TOKENS: frozenset({"admin"}),
}


#: Who signs in with a second factor (an authenticator app's code) as well as the password:
#: the roles that move money or approve it. They set it up at their first sign-in.
SECOND_FACTOR_ROLES = frozenset({"admin", "approver", "fund_manager"})


def needs_second_factor(user) -> bool:
    """Whether `user`'s roles require two-factor sign-in."""
    return any(user.has_role(role) for role in SECOND_FACTOR_ROLES)


def can(permission: Permission, user=None) -> bool:
    """Whether `user` (the signed-in user by default) holds `permission`."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    return any(user.has_role(role) for role in ROLES[permission])


def refuse(**detail) -> NoReturn:
    """Answer 403, and keep the refusal in the security log (who, what, why)."""
    commit_refusal("forbidden", **detail)
    abort(403)


def requires(*permissions: Permission):
    """A view decorator: sign-in first, then 403 unless the user holds one of `permissions`
    (each refusal is kept in the security log)."""

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not any(can(permission) for permission in permissions):
                refuse(needs=[str(permission) for permission in permissions])
            return view(*args, **kwargs)

        return auth_required()(checked)

    return decorator


def guard(*permissions: Permission):
    """A blueprint's `before_request` check, as `requires` gives a view: every route of the
    blueprint needs sign-in and one of `permissions`; a route may ask for more."""
    return requires(*permissions)(_let_through)


def _let_through() -> None:
    """Nothing to do once the check has passed: the request goes on to its view."""
