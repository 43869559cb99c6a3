"""配捐: a sponsor's pool matches campaign gifts 1:1 within caps; a burst of gifts withholds it.

The burst rule: more than `BURST_LIMIT` gifts within `BURST_WINDOW` from one donor, one card
or one address withholds matching from the gift and flags every gift of the burst for review.
"""

from datetime import timedelta

from sqlalchemy import func, select

from charity.extensions import db
from charity.fund import operations as ledger
from charity.timeutil import SHANGHAI
from donations.campaigns.models import MatchCredit, MatchingPool
from donations.giving.models import Donation

BURST_LIMIT = 5
BURST_WINDOW = timedelta(minutes=1)
BURST_FLAG = "burst"


def donor_key(donation: Donation) -> str:
    """Whom the per-donor cap counts against: the normalised e-mail (a signed-in donor's
    account e-mail, else the one typed), so signing in or not makes one donor; else the
    address, else the gift."""
    email = donation.donor.email if donation.donor is not None else donation.donor_email
    email = (email or "").strip().lower()
    if email:
        return f"email:{email}"
    return f"ip:{donation.client_ip}" if donation.client_ip else f"gift:{donation.id}"


def burst(donation: Donation) -> list[Donation]:
    """The gifts of a burst this gift belongs to, or [] when there is none."""
    dimensions = [(Donation.donor_id, donation.donor_id),
                  (Donation.donor_email, donation.donor_email or None),
                  (Donation.card_fingerprint, donation.card_fingerprint),
                  (Donation.client_ip, donation.client_ip)]
    start = donation.given_at - BURST_WINDOW
    for column, value in dimensions:
        if value is None:
            continue
        gifts = db.session.scalars(
            select(Donation).where(column == value, Donation.status != "failed",
                                   Donation.given_at.between(start, donation.given_at))
            .order_by(Donation.id)).all()
        if len(gifts) > BURST_LIMIT:
            return gifts
    return []


def _used(pool: MatchingPool, *conditions) -> int:
    return int(db.session.scalar(
        select(func.coalesce(func.sum(MatchCredit.amount_fen), 0))
        .where(MatchCredit.pool_id == pool.id, MatchCredit.status == "credited", *conditions)))


def lock(pool: MatchingPool) -> None:
    """One matcher per pool at a time (PostgreSQL; SQLite has one writer anyway)."""
    db.session.execute(select(MatchingPool.id).where(MatchingPool.id == pool.id)
                       .with_for_update())


def room(pool: MatchingPool, wanted_fen: int, key: str, day) -> int:
    """How much of `wanted_fen` the pool may still match for this donor on this day."""
    return max(0, min(wanted_fen,
                      pool.total_fen - _used(pool),
                      pool.per_donor_cap_fen - _used(pool, MatchCredit.donor_key == key),
                      pool.per_day_cap_fen - _used(pool, MatchCredit.day == day)))


def apply(pool: MatchingPool, donation: Donation) -> MatchCredit:
    """Decide one credited gift's match from the pool (1:1, within the caps), or withhold it.
    The match reaches the fund through `post`, after the gift itself."""
    lock(pool)
    key, day = donor_key(donation), donation.given_at.astimezone(SHANGHAI).date()
    gifts = burst(donation)
    if gifts:
        for gift in gifts:
            gift.review_flag = gift.review_flag or BURST_FLAG
        credit = MatchCredit(pool_id=pool.id, donation=donation, amount_fen=0,
                             status="withheld", donor_key=key, day=day)
    else:
        credit = MatchCredit(pool_id=pool.id, donation=donation,
                             amount_fen=room(pool, donation.amount_fen, key, day),
                             status="credited", donor_key=key, day=day)
    db.session.add(credit)
    db.session.flush()
    return credit


def post(pool: MatchingPool, donation: Donation, credit: MatchCredit, user=None) -> None:
    """Post a credited match into the gift's fund account (nothing for a zero match)."""
    if credit.status == "credited" and credit.amount_fen:
        ledger.record_gift(amount_fen=credit.amount_fen, designation=donation.designation,
                           reference=f"match:{donation.id}", memo=f"配捐 {pool.sponsor_name}",
                           user=user)


def matched_total(pool: MatchingPool | None) -> int:
    """Fen the pool has matched so far (shown apart from what donors gave)."""
    return _used(pool) if pool is not None else 0
