"""The adapter between the database and `matching.allocation`: open applications and the money
free to allocate in, a result out (which `relief.proposals` saves for staff to review).

Money already promised by a proposal sent for approval, whose cases are not yet decided, is not
free: a second run, a change to a draft, or an approval outside a proposal cannot take it."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import column, func, select, table
from sqlalchemy.orm import joinedload

from charity.extensions import db
from charity.fund import queries as fund_queries
from charity.fund.accounts import Purpose, covers, may_fund
from charity.relief.models import AllocationProposal, Application, ProposalItem
from matching.allocation import Allocation, Fund, Need, allocate

#: Application states whose money a sent proposal still holds on to (not yet reserved).
UNDECIDED = ("submitted", "committee")


#: The donations package's tables, read (never written) for what their money may pay.
CAMPAIGN = table("campaign", column("id"), column("designation"))
SPONSORED = table("sponsored_person", column("sponsorship_id"), column("person_id"))


@dataclass(frozen=True)
class Restrictions:
    """What campaign and sponsorship money may pay: each campaign's designation, and the
    sponsorship (pledge) that sponsors each sponsored person."""

    campaigns: dict[int, str | None]
    sponsors: dict[int, int]


def restrictions() -> Restrictions:
    """Campaign designations and sponsored people as they stand now."""
    return Restrictions(dict(db.session.execute(select(CAMPAIGN.c.id, CAMPAIGN.c.designation))
                             .all()),
                        dict(db.session.execute(select(SPONSORED.c.person_id,
                                                       SPONSORED.c.sponsorship_id)).all()))


def fund_of(code: str, available: int, known: Restrictions) -> Fund:
    """A spendable account as the model sees it: its restriction kind and value. A campaign's
    money is restricted as its designation is (none: as unrestricted money)."""
    if not code.startswith("restricted:"):
        return Fund(code, available)
    kind, _, value = code.removeprefix("restricted:").partition(":")
    if kind == "campaign" and int(value) in known.campaigns:
        designation = known.campaigns[int(value)]
        if not designation:
            return Fund(code, available)
        kind, _, value = designation.partition(":")
    return Fund(code, available, kind, value)


def purpose_for(measure: int, street: str, person_id: int | None = None,
                known: Restrictions | None = None) -> Purpose:
    """What money for `measure` on `street` (for `person_id`, if a person's) is for, as
    restrictions read it: the campaigns whose designation covers it, and the sponsorship of
    the person."""
    known = known or restrictions()
    return Purpose(measure=measure, street=street,
                   campaigns=frozenset(c for c, designation in known.campaigns.items()
                                       if covers(designation, measure, street)),
                   sponsorship_id=known.sponsors.get(person_id))


def purpose_of(application: Application, known: Restrictions | None = None) -> Purpose:
    """What a case's money is for: its measure, street and beneficiary."""
    return purpose_for(application.measure, application.street.name, application.person_id,
                       known)


def draw(purpose: Purpose, amount_fen: int) -> list[tuple[str, int]] | None:
    """Where `amount_fen` for `purpose` comes from: the narrowest matching restricted funds
    first, then the budget, then unrestricted money, leaving alone what sent proposals
    promised to other cases. None when all of them together fall short."""
    left, sources, free = amount_fen, [], available()
    for code in sorted((c for c in free if may_fund(c, purpose)),
                       key=lambda c: (c == "unrestricted", c == "budget", c)):
        take = min(left, free[code])
        if take > 0:
            sources.append((code, take))
            left -= take
    return sources if left == 0 else None


def need_of(application: Application, known: Restrictions | None = None) -> Need:
    """An application as the model sees it (campaign funds are read as their designation,
    so a need carries no campaign)."""
    sponsorship = (known or restrictions()).sponsors.get(application.person_id)
    return Need(application.id, application.street.name, application.measure,
                application.amount_fen, application.priority, None, sponsorship)


def promised() -> dict[str, int]:
    """Fen per fund account that sent proposals hold for cases not yet decided."""
    rows = db.session.execute(
        select(ProposalItem.fund_code, func.sum(ProposalItem.amount_fen))
        .join(Application, (Application.id == ProposalItem.application_id)
              & (Application.proposal_id == ProposalItem.proposal_id))
        .where(Application.state.in_(UNDECIDED), ProposalItem.fund_code.is_not(None))
        .group_by(ProposalItem.fund_code))
    return {code: int(total) for code, total in rows}


def available() -> dict[str, int]:
    """Spendable fund accounts with the money free to allocate (more than zero)."""
    held = promised()
    free = {code: amount - held.get(code, 0)
            for code, amount in fund_queries.spendable().items()}
    return {code: amount for code, amount in free.items() if amount > 0}


def open_applications() -> list[Application]:
    """Eligible submitted applications that no sent proposal has taken up yet."""
    found = db.session.scalars(
        select(Application).options(joinedload(Application.street))
        .where(Application.state == "submitted", Application.proposal_id.is_(None))
        .order_by(Application.id)).all()
    return [a for a in found if a.eligible]


def propose(time_limit: float = 30.0, tolerance_pct: int = 5) -> tuple[Allocation, dict]:
    """Run the optimiser on the open applications and the free money; return the result
    with the applications by id."""
    applications, known = {a.id: a for a in open_applications()}, restrictions()
    needs = [need_of(a, known) for a in applications.values()]
    funds = [fund_of(code, amount, known) for code, amount in available().items()]
    return allocate(needs, funds, tolerance_pct=tolerance_pct, time_limit=time_limit), \
        applications


def street_figures(proposal: AllocationProposal) -> list[dict]:
    """Per street of a proposal: cases, cases funded, money, and weighted need funded
    against weighted need (a case funded in part counts for its part)."""
    streets: dict[str, dict] = defaultdict(lambda: {"cases": 0, "funded": 0, "fen": 0,
                                                    "weight": 0, "covered": 0})
    paid: dict[int, int] = defaultdict(int)
    for item in proposal.items:
        paid[item.application_id] += item.amount_fen
    known = restrictions()
    for application in {item.application for item in proposal.items}:
        row = streets[application.street.name]
        need = need_of(application, known)
        row["cases"] += 1
        row["weight"] += need.weight
        if paid[application.id]:
            row["funded"] += 1
            row["fen"] += paid[application.id]
            row["covered"] += Need(0, "", 0, paid[application.id], need.priority).weight
    return [{"street": name, **row,
             "percent": row["covered"] * 100 // row["weight"] if row["weight"] else 0}
            for name, row in sorted(streets.items())]


def proposed(application_id: int) -> tuple[int | None, list[tuple[str, int]]]:
    """Who sent a case for approval in a proposal, and the money it proposes for it
    ((None, []) for a case no proposal sent)."""
    rows = db.session.execute(
        select(AllocationProposal.sent_by_id, ProposalItem.fund_code, ProposalItem.amount_fen)
        .join(AllocationProposal)
        .join(Application, (Application.id == ProposalItem.application_id)
              & (Application.proposal_id == ProposalItem.proposal_id))
        .where(ProposalItem.application_id == application_id,
               ProposalItem.fund_code.is_not(None))
        .order_by(ProposalItem.id)).all()
    return (rows[0].sent_by_id if rows else None), [(r.fund_code, r.amount_fen) for r in rows]
