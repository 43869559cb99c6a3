"""The adapter between the database and `matching.allocation`: submitted applications and the
fund's spendable balances in, a proposal out (which staff review and approve case by case)."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from charity.extensions import db
from charity.fund import queries as fund_queries
from charity.relief.models import Application
from matching.allocation import Allocation, Fund, Need, allocate


def fund_of(code: str, available: int) -> Fund:
    """A spendable account as the model sees it: its restriction kind and value."""
    if not code.startswith("restricted:"):
        return Fund(code, available)
    kind, _, value = code.removeprefix("restricted:").partition(":")
    return Fund(code, available, kind, value)


def propose(time_limit: float = 30.0, tolerance_pct: int = 5) -> tuple[Allocation, dict]:
    """Run the optimiser on every submitted application; return it with the applications."""
    applications = {a.id: a for a in db.session.scalars(
        select(Application).options(joinedload(Application.street))
        .where(Application.state == "submitted"))}
    needs = [Need(a.id, a.street.name, a.measure, a.amount_fen, a.priority, a.campaign_id,
                  a.sponsorship_id) for a in applications.values()]
    funds = [fund_of(code, amount) for code, amount in fund_queries.spendable().items()]
    return allocate(needs, funds, tolerance_pct=tolerance_pct, time_limit=time_limit), \
        applications
