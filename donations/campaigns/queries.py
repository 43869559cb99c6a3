"""Reading campaigns: those open for gifts, each one's progress, and the public disclosure's
view of them."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from charity.extensions import db
from donations.campaigns import matchpool
from donations.campaigns.models import FundraisingCampaign
from donations.giving.models import RECEIVED, Donation


@dataclass(frozen=True)
class Progress:
    """A campaign's progress: what donors gave net of refunds, what the matching pool added, how
    many gifts, and the goal (fen)."""

    raised_fen: int
    matched_fen: int
    gifts: int
    goal_fen: int

    @property
    def percent(self) -> int:
        """How far toward the goal, gifts and matching together, capped at 100."""
        return min(100, (self.raised_fen + self.matched_fen) * 100 // self.goal_fen)


def _net_amount():
    return func.coalesce(func.sum(Donation.amount_fen - Donation.refunded_fen), 0)


def progress(campaign: FundraisingCampaign) -> Progress:
    """What donors gave (net of refunds) and, apart, what the matching pool added."""
    raised, count = db.session.execute(
        select(_net_amount(), func.count(Donation.id)).where(
            Donation.campaign_id == campaign.id,
            Donation.status.in_(RECEIVED))).one()
    return Progress(raised_fen=int(raised), matched_fen=matchpool.matched_total(campaign.pool),
                    gifts=count, goal_fen=campaign.goal_fen)


def campaigns(today: date) -> Select:
    """Campaigns running or coming, soonest first."""
    return select(FundraisingCampaign).where(FundraisingCampaign.ends_on >= today) \
        .order_by(FundraisingCampaign.starts_on)


def disclosed(raised: dict[int, int]) -> list[dict]:
    """Each campaign's goal and what its gifts have raised (`raised`: the fund's own figures by
    campaign id, net of refunds), newest first, for the public disclosure page."""
    found = db.session.scalars(select(FundraisingCampaign)
                               .order_by(FundraisingCampaign.starts_on.desc())).all()
    return [{"id": c.id, "title": c.title, "title_en": c.title_en, "goal": c.goal_fen,
             "raised": raised.get(c.id, 0),
             "percent": min(100, raised.get(c.id, 0) * 100 // c.goal_fen)} for c in found]
