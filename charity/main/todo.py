"""Each user's to-do list on the home page: what waits for them, counted from the records with
one aggregate query per line, each line leading to the page where the work is done.

Which lists a user sees follows their permissions (never their role's name): a user holding
several (the administrator) sees each list once. A line counts only the user's own streets.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, not_, select

from charity.auth.access import street_scope
from charity.auth.permissions import Permission, can
from charity.extensions import db
from charity.fund.models import BudgetAppropriation
from charity.grievances.models import Grievance
from charity.pairing import queries as pairing_queries
from charity.pairing.models import Pairing
from charity.registry.models import Household, Person
from charity.relief import rent
from charity.relief.intake_models import IntakeCase
from charity.relief.models import AllocationProposal, Application, CommitteeVote, ProposalItem
from charity.relief.rent_models import RentMonth, RentPayment
from charity.timeutil import local_today
from charity.visits.models import VisitTask
from charity.visits.queries import my_tasks
from charity.volunteers.queries import waiting_count

#: A grievance is "due soon" this many days before its deadline.
DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class Item:
    """One line of a to-do list: what, how many, and where it is done."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Section:
    """One list of the home page, under its heading."""

    title: str
    items: list[Item]


def count(query) -> int:
    """How many rows a query finds, counted by the database."""
    return _count(query)


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) \
        or 0


def _scoped(query, column):
    scope = street_scope()
    return query if scope is None else query.where(column == scope)


def _made_by(user):
    """Applications `user` made: submitted, or sent in an allocation proposal that funds them
    (the maker of the four eyes, as `charity.relief.operations` decides it)."""
    sent = exists().where(ProposalItem.application_id == Application.id,
                          ProposalItem.proposal_id == Application.proposal_id,
                          ProposalItem.fund_code.is_not(None),
                          AllocationProposal.id == ProposalItem.proposal_id,
                          AllocationProposal.sent_by_id == user.id)
    return (Application.created_by_id == user.id) | sent


def waiting_applications(user):
    """Applications waiting for `user`'s decision: submitted by someone else."""
    return select(Application.id).where(Application.state == "submitted",
                                         not_(_made_by(user)))


def waiting_votes(user):
    """Committee cases `user` has not voted on and did not make."""
    voted = exists().where(CommitteeVote.application_id == Application.id,
                           CommitteeVote.member_id == user.id)
    return select(Application.id).where(Application.state == "committee", not_(voted),
                                        not_(_made_by(user)))


def waiting_budget(user):
    """Budget appropriations recorded by someone else, not yet approved."""
    return select(BudgetAppropriation.id).where(BudgetAppropriation.approved_by_id.is_(None),
                                                BudgetAppropriation.recorded_by_id != user.id)


def waiting_for_me(user) -> int:
    """The menu's count: applications and budget appropriations waiting for `user`."""
    total = _count(waiting_applications(user)) + _count(waiting_budget(user))
    if can(Permission.SIT_ON_COMMITTEE, user):
        total += _count(waiting_votes(user))
    return total


def _approver(user) -> list[Item]:
    sent = select(AllocationProposal.id).where(AllocationProposal.state == "sent", exists().where(
        Application.proposal_id == AllocationProposal.id, Application.state == "submitted"))
    items = [Item(_l("Applications waiting for your decision"),
                  _count(waiting_applications(user)), url_for("fund.approvals", view="waiting")),
             Item(_l("Budget appropriations waiting for approval"), _count(waiting_budget(user)),
                  url_for("budget.index")),
             Item(_l("Allocation proposals sent with cases still undecided"), _count(sent),
                  url_for("relief_allocations.allocations"))]
    if can(Permission.SIT_ON_COMMITTEE, user):
        items.insert(1, Item(_l("Committee cases waiting for your vote"),
                             _count(waiting_votes(user)), url_for("relief.index",
                                                                  state="committee")))
    return items


def _street_work() -> list[Item]:
    today = local_today()
    unmatched = pairing_queries.unmatched(street_scope())
    overdue = _scoped(select(Person.id).join(Household).where(
        Person.status.in_(("enrolled", "suspended")), Person.next_review_date < today),
        Household.street_id)
    return [Item(_l("People waiting for a helper"), _count(unmatched),
                 url_for("pairing.unmatched")),
            Item(_l("Reviews overdue"), _count(overdue), url_for("casework_reviews.reviews"))]


def _grievances() -> list[Item]:
    today = local_today()
    open_ = _scoped(select(Grievance.id).where(Grievance.status == "open"), Grievance.street_id)
    overdue = open_.where(Grievance.due_on < today)
    soon = open_.where(Grievance.due_on >= today,
                       Grievance.due_on <= today + timedelta(days=DUE_SOON_DAYS))
    return [Item(_l("Grievances overdue"), _count(overdue), url_for("grievances.queue")),
            Item(_l("Grievances due within three days"), _count(soon),
                 url_for("grievances.queue"))]


def _intake() -> list[Item]:
    waiting = _scoped(select(IntakeCase.id).where(IntakeCase.application_id.is_(None)),
                      IntakeCase.street_id)
    return [Item(_l("Intake cases without an application"), _count(waiting),
                 url_for("relief_intake.index"))]


def _helper(user) -> list[Item]:
    found = pairing_queries.helper_of(user)
    if found is None:
        return []
    column = Pairing.cadre_id if found[0] == "cadre" else Pairing.volunteer_id
    mine = and_(column == found[1], Pairing.status.in_(("proposed", "active")))
    households = (select(func.count(func.distinct(Person.household_id)))
                  .select_from(Pairing).join(Person, Person.id == Pairing.person_id).where(mine))
    proposed = select(Pairing.id).where(mine, Pairing.status == "proposed")
    visits = my_tasks(user.id).where(VisitTask.status == "pending")
    return [Item(_l("Households you help"), db.session.scalar(households) or 0,
                 url_for("my_pairings.pairings")),
            Item(_l("Pairings waiting for your answer"), _count(proposed),
                 url_for("my_pairings.pairings")),
            Item(_l("Visits due"), _count(visits), url_for("visits.index"))]


def _payments() -> list[Item]:
    this_month = rent.first_of(local_today())
    paid = exists().where(RentPayment.application_id == RentMonth.application_id,
                          RentPayment.month == RentMonth.month)
    rent_due = select(RentMonth.id).join(Application).where(
        RentMonth.month <= this_month, RentMonth.stopped.is_(None), not_(paid),
        Application.state.in_(("approved", "paid")))
    unpaid = select(Application.id).where(Application.state == "approved",
                                          not_(exists().where(RentMonth.application_id
                                                              == Application.id)))
    return [Item(_l("Approved applications to pay"), _count(unpaid),
                 url_for("relief.index", state="approved")),
            Item(_l("Rent subsidy months due and unpaid"), _count(rent_due),
                 url_for("jobs.history", kind="rent_batch"))]


def sections(user) -> list[Section]:
    """The signed-in user's to-do lists, by what their permissions let them do."""
    found = []
    lists = ((Permission.APPROVE, _l("Waiting for your decision"), lambda: _approver(user)),
             (Permission.RUN_PAIRING, _l("Your street's work"), _street_work),
             (Permission.REVIEW_HELPERS, _l("Helper sign-ups"), lambda: [Item(
                 _l("Sign-ups waiting for your decision"),
                 db.session.scalar(waiting_count(street_scope())) or 0,
                 url_for("volunteers_review.applications"))]),
             (Permission.HANDLE_GRIEVANCES, _l("Grievances"), _grievances),
             (Permission.SUBMIT_APPLICATION, _l("Intake"), _intake),
             (Permission.HELP_PEOPLE, _l("Your households"), lambda: _helper(user)),
             (Permission.PAY, _l("Payments due"), _payments))
    # the donations' lists, which the app hands over (charity knows nothing of donations)
    lists += tuple((permission, title, lambda made=made: made(user))
                   for permission, title, made in current_app.extensions.get("todo_lists", ()))
    for permission, title, items in lists:
        if can(permission, user):
            shown = items()
            if shown:
                found.append(Section(str(title), shown))
    return found
