"""Reading gifts: recent public gifts, a donor's history and years, the staff's queues."""

from datetime import date, datetime, time

from sqlalchemy import Select, and_, extract, or_, select

from charity.extensions import db
from charity.timeutil import SHANGHAI
from donations.giving.models import CREDITED, Donation, RecurringGift


def recent_public(campaign_id: int | None = None, limit: int = 10) -> list[tuple[str, int]]:
    """(shown name, fen) of recent received gifts; the name is None unless the donor agreed
    to show it."""
    query = select(Donation).where(Donation.status == "succeeded") \
        .order_by(Donation.paid_at.desc()).limit(limit)
    if campaign_id is not None:
        query = query.where(Donation.campaign_id == campaign_id)
    return [(d.donor_name if d.show_name and d.donor_name else None, d.amount_fen)
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
    """The years (newest first) in which a donor has received gifts, for yearly statements."""
    years = db.session.scalars(select(extract("year", Donation.given_at)).distinct()
                               .where(Donation.donor_id == user.id,
                                      Donation.status.in_(CREDITED)))
    return sorted({int(y) for y in years}, reverse=True)


def recurring_of(user) -> list[RecurringGift]:
    """A donor's monthly gifts, newest first."""
    return list(db.session.scalars(select(RecurringGift).where(RecurringGift.donor_id == user.id)
                                   .order_by(RecurringGift.id.desc())))


def identical_monthly(user, amount_fen: int, designation: str | None,
                      started_since: datetime) -> Select:
    """A donor's monthly gifts of this amount and designation that run (active), or that were
    started since `started_since` and wait for their card (incomplete)."""
    return select(RecurringGift).where(
        RecurringGift.donor_id == user.id, RecurringGift.amount_fen == amount_fen,
        RecurringGift.designation.is_not_distinct_from(designation),
        or_(RecurringGift.status == "active",
            and_(RecurringGift.status == "incomplete",
                 RecurringGift.created_at >= started_since))).order_by(RecurringGift.id)


def awaiting_confirmation() -> Select:
    """Offline gifts held for a second person's confirmation, oldest first."""
    return select(Donation).where(Donation.status == "awaiting_confirmation") \
        .order_by(Donation.id)
