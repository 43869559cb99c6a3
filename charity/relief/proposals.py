"""Allocation proposals: run the optimiser into a saved draft, let staff change it case by
case (every change re-checked against the restrictions and the money free), and send it for
approval. Each operation flushes; the request or command commits once.

Sending puts the chosen cases in the normal approval queue with the proposal recorded on each:
the checker who approves a case reserves the proposal's money for it, and may not be the person
who sent it (four eyes)."""

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.audit.operations import record
from charity.database import utcnow
from charity.extensions import db
from charity.fund.accounts import is_spendable, may_fund
from charity.fund.queries import balance
from charity.main.templating import fen as yuan
from charity.relief import allocation
from charity.relief.allocation import purpose_of
from charity.relief.models import AllocationProposal, Application, ProposalItem
from charity.relief.operations import ReliefError


def _silent(done: int, total: int, code: str) -> None:
    """No one watches a run from the command line."""


def run(user, *, time_limit: float = 20.0, tolerance_pct: int = 5,
        progress=_silent) -> AllocationProposal:
    """Run the optimiser on the open applications and save its result as a draft.
    `progress(done, total, code)` hears each step before anything is written."""
    if not 0 <= tolerance_pct <= 100:
        raise ReliefError(_l("The tolerance is a number of percentage points from 0 to 100."))
    progress(0, 2, "solving")
    result, applications = allocation.propose(time_limit, tolerance_pct)
    progress(1, 2, "saving")
    if not applications:
        raise ReliefError(_l("No eligible application is waiting for a decision."))
    if result.status not in ("OPTIMAL", "FEASIBLE"):
        raise ReliefError(_l("The optimiser found no allocation (%(status)s).",
                             status=result.status))
    proposal = AllocationProposal(
        status=result.status, objective=result.objective, bound=result.bound,
        seconds=round(result.seconds, 3), tolerance_pct=tolerance_pct, created_by_id=user.id)
    for application_id, parts in sorted(result.funded.items()):
        proposal.items += [ProposalItem(application_id=application_id, fund_code=code,
                                        amount_fen=amount) for code, amount in parts]
    for application_id, reason in sorted(result.unfunded.items()):
        proposal.items.append(ProposalItem(application_id=application_id, reason=reason))
    db.session.add(proposal)
    db.session.flush()
    record("relief.allocate", "allocation_proposal", proposal.id, user=user,
           status=result.status, funded=len(result.funded), unfunded=len(result.unfunded))
    return proposal


def _case(proposal: AllocationProposal, application_id: int) -> Application:
    if proposal.state != "draft":
        raise ReliefError(_l("This proposal has been sent for approval; it no longer changes."))
    application = next((i.application for i in proposal.items
                        if i.application_id == application_id), None)
    if application is None:
        raise ReliefError(_l("That application is not in this proposal."))
    if application.state != "submitted":
        raise ReliefError(_l("Application %(id)s has been decided meanwhile.", id=application.id))
    return application


def _replace(proposal: AllocationProposal, application_id: int, *, fund_code: str | None = None,
             amount_fen: int = 0, reason: str | None = None) -> ProposalItem:
    """Make a case's rows in a draft one row, changed in place: any other rows are removed
    first, so the row never meets itself in (proposal, application, fund)."""
    first, *others = [i for i in proposal.items if i.application_id == application_id]
    for item in others:
        proposal.items.remove(item)
    db.session.flush()
    first.fund_code, first.amount_fen, first.reason = fund_code, amount_fen, reason
    db.session.flush()
    return first


def left_in(proposal: AllocationProposal, code: str, *, leaving_out: int | None = None) -> int:
    """Fen in `code` still free after this proposal's cases (but `leaving_out`'s)."""
    planned = sum(i.amount_fen for i in proposal.items
                  if i.fund_code == code and i.application_id != leaving_out)
    return allocation.available().get(code, 0) - planned


def change(proposal: AllocationProposal, application_id: int, fund_code: str, amount_fen: int,
           user) -> ProposalItem:
    """Fund a case of a draft from one fund with an amount: moves it to another fund, changes
    its amount, or funds a case the optimiser left out. Refuses a fund whose restriction does
    not cover the case, an amount outside the case's standard, and more money than is free."""
    application = _case(proposal, application_id)
    if not isinstance(amount_fen, int) or not 0 < amount_fen <= application.standard_fen:
        raise ReliefError(_l("The amount must be more than zero and at most the case's "
                             "standard amount, %(max)s.", max=yuan(application.standard_fen)))
    if not is_spendable(fund_code) or not may_fund(fund_code, purpose_of(application)):
        raise ReliefError(_l("Money in %(code)s may not be spent on application %(id)s.",
                             code=fund_code, id=application.id))
    left = left_in(proposal, fund_code, leaving_out=application.id)
    if amount_fen > left:
        raise ReliefError(_l("%(code)s has only %(left)s free for this case.",
                             code=fund_code, left=yuan(max(0, left))))
    item = _replace(proposal, application.id, fund_code=fund_code, amount_fen=amount_fen)
    record("relief.allocation_change", "allocation_proposal", proposal.id, user=user,
           application=application.id, fund=fund_code, amount=amount_fen)
    return item


def drop(proposal: AllocationProposal, application_id: int, user) -> ProposalItem:
    """Take a case out of a draft's funding; it stays listed as dropped by staff."""
    application = _case(proposal, application_id)
    item = _replace(proposal, application.id, reason="dropped")
    record("relief.allocation_drop", "allocation_proposal", proposal.id, user=user,
           application=application.id)
    return item


def _locked(applications) -> None:
    """Row-lock the applications in id order (so two sends never wait on each other
    crosswise) and read them afresh."""
    db.session.scalars(select(Application).where(Application.id.in_([a.id for a in applications]))
                       .order_by(Application.id).with_for_update()
                       .execution_options(populate_existing=True)).all()


def _funded(proposal: AllocationProposal) -> dict[Application, list[ProposalItem]]:
    """Each case the proposal gives money, with its items (one per fund)."""
    sources: dict[Application, list[ProposalItem]] = defaultdict(list)
    for item in proposal.items:
        if item.fund_code is not None:
            sources[item.application].append(item)
    return sources


def _check_cases(sources: dict[Application, list[ProposalItem]]) -> None:
    """Every case is still undecided, unsent and eligible, and each of its funds may pay it."""
    known = allocation.restrictions()
    for application, items in sources.items():
        if application.state != "submitted" or application.proposal_id is not None \
                or not application.eligible:
            raise ReliefError(_l("Application %(id)s has been decided or sent meanwhile.",
                                 id=application.id))
        for item in items:
            if not may_fund(item.fund_code, purpose_of(application, known)):
                raise ReliefError(_l("Money in %(code)s may not be spent on application "
                                     "%(id)s.", code=item.fund_code, id=application.id))


def _check_funds(proposal: AllocationProposal,
                 sources: dict[Application, list[ProposalItem]]) -> None:
    """Every fund the proposal draws on still holds what the proposal gives from it."""
    for code in {i.fund_code for items in sources.values() for i in items}:
        if left_in(proposal, code) < 0:
            raise ReliefError(_l("%(code)s no longer holds enough money for this proposal "
                                 "(%(have)s).", code=code, have=yuan(balance(code))))


def send(proposal: AllocationProposal, user) -> list[Application]:
    """Send a draft's funded cases for approval, after locking them and checking all of them
    again; a case funded below its standard amount now asks for what the proposal gives it.
    A case is sent at most once: a second proposal sending it is refused."""
    if proposal.state != "draft":
        raise ReliefError(_l("This proposal has already been sent for approval."))
    sources = _funded(proposal)
    if not sources:
        raise ReliefError(_l("The proposal funds no case; there is nothing to send."))
    _locked(sources)
    _check_cases(sources)
    _check_funds(proposal, sources)
    for application, items in sources.items():
        application.amount_fen = sum(i.amount_fen for i in items)
        application.proposal_id = proposal.id
    proposal.state, proposal.sent_by_id, proposal.sent_at = "sent", user.id, utcnow()
    db.session.flush()
    record("relief.allocation_send", "allocation_proposal", proposal.id, user=user,
           cases=len(sources))
    return sorted(sources, key=lambda a: a.id)
