"""Reading gifts: campaign progress, a donor's history, the staff's queues."""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, extract, func, select

from charity.extensions import db
from charity.timeutil import SHANGHAI
from donations import matchpool
from donations.models import Donation, FundraisingCampaign
from donations.pledge_models import RecurringGift, Sponsorship

#: States in which a gift's money is (or was) in the fund.
CREDITED = ("succeeded", "partially_refunded", "refunded", "disputed", "dispute_lost")


@dataclass(frozen=True)
class Progress:
    raised_fen: int
    matched_fen: int
    gifts: int
    goal_fen: int

    @property
    def percent(self) -> int:
        return min(100, (self.raised_fen + self.matched_fen) * 100 // self.goal_fen)


def net_amount():
    return func.coalesce(func.sum(Donation.amount_fen - Donation.refunded_fen), 0)


def progress(campaign: FundraisingCampaign) -> Progress:
    """What donors gave (net of refunds) and, apart, what the matching pool added."""
    raised, count = db.session.execute(
        select(net_amount(), func.count(Donation.id)).where(
            Donation.campaign_id == campaign.id,
            Donation.status.in_(("succeeded", "partially_refunded", "refunded")))).one()
    return Progress(raised_fen=int(raised), matched_fen=matchpool.matched_total(campaign.pool),
                    gifts=count, goal_fen=campaign.goal_fen)


def campaigns(today: date) -> Select:
    """Campaigns running or coming, soonest first."""
    return select(FundraisingCampaign).where(FundraisingCampaign.ends_on >= today) \
        .order_by(FundraisingCampaign.starts_on)


def recent_public(campaign_id: int | None = None, limit: int = 10) -> list[tuple[str, int]]:
    """(shown name, fen) of recent received gifts; anonymous donors show as None."""
    query = select(Donation).where(Donation.status == "succeeded") \
        .order_by(Donation.paid_at.desc()).limit(limit)
    if campaign_id is not None:
        query = query.where(Donation.campaign_id == campaign_id)
    return [(None if d.anonymous or not d.donor_name else d.donor_name, d.amount_fen)
            for d in db.session.scalars(query)]


def of_donor(user) -> Select:
    """A donor's gifts, newest first."""
    return select(Donation).where(Donation.donor_id == user.id) \
        .order_by(Donation.given_at.desc())


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in Asia/Shanghai as UTC-aware bounds [start, end)."""
    return (datetime.combine(date(year, 1, 1), time(), SHANGHAI),
            datetime.combine(date(year + 1, 1, 1), time(), SHANGHAI))


def statement(user, year: int) -> list[Donation]:
    """A donor's received gifts in one year, for the yearly statement."""
    start, end = year_bounds(year)
    return list(db.session.scalars(of_donor(user).where(
        Donation.status.in_(CREDITED), Donation.given_at >= start, Donation.given_at < end)
        .order_by(None).order_by(Donation.given_at)))


def donor_years(user) -> list[int]:
    years = db.session.scalars(select(extract("year", Donation.given_at)).distinct()
                               .where(Donation.donor_id == user.id,
                                      Donation.status.in_(CREDITED)))
    return sorted({int(y) for y in years}, reverse=True)


def recurring_of(user) -> list[RecurringGift]:
    return list(db.session.scalars(select(RecurringGift).where(RecurringGift.donor_id == user.id)
                                   .order_by(RecurringGift.id.desc())))


def sponsorships_of(user) -> list[Sponsorship]:
    return list(db.session.scalars(select(Sponsorship).where(Sponsorship.donor_id == user.id)
                                   .order_by(Sponsorship.id.desc())))


def awaiting_confirmation() -> Select:
    return select(Donation).where(Donation.status == "awaiting_confirmation") \
        .order_by(Donation.id)



#: How a donor reads the ledger's entry kinds.
ENTRY_KINDS = {"gift": _l("Gift received"), "refund": _l("Refund"),
               "dispute_hold": _l("Held in a card dispute"),
               "dispute_close": _l("Card dispute closed"), "transfer": _l("Transfer"),
               "reserve": _l("Set aside for an approved application"),
               "payment": _l("Paid out"), "reversal": _l("Reversal")}


@dataclass(frozen=True)
class FundEntry:
    """One ledger entry seen from one fund account: money in (positive) or out."""

    posted_at: datetime
    kind: str
    memo: str
    amount_fen: int


def fund_entries(code: str, limit: int = 100) -> list[FundEntry]:
    """The journal entries that moved a fund account, newest first, as its owner reads them."""
    from charity.fund.models import Account, JournalEntry, JournalLine

    rows = db.session.execute(
        select(JournalEntry.posted_at, JournalEntry.kind, JournalEntry.memo, JournalLine.amount)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id).where(Account.code == code)
        .order_by(JournalEntry.seq.desc()).limit(limit))
    return [FundEntry(posted_at, str(ENTRY_KINDS.get(kind, kind)), memo, -amount)
            for posted_at, kind, memo, amount in rows]
