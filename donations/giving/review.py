"""Staff review of gifts held for review. A burst withholds a gift's match; a reviewer
releases it into the fund (still within the pool's caps) or confirms it withheld; any other
flag is cleared once looked at. Each decision records who and when, and is audited. The
person who recorded a gift, or who gave it, does not review it (four eyes)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.audit.operations import record
from charity.extensions import db
from donations.campaigns import matchpool
from donations.giving.amounts import DonationError
from donations.giving.models import Donation, GiftReview
from donations.giving.offline import SecondPersonError

#: Gift states whose money is still in the fund, so a match may still join it.
MATCHABLE = ("succeeded", "partially_refunded")


def _check(donation: Donation, user) -> None:
    if donation.review_flag is None:
        raise DonationError(_l("This gift is not held for review."))
    if db.session.scalar(select(GiftReview.id).where(GiftReview.donation_id == donation.id)):
        raise DonationError(_l("This gift has already been reviewed."))
    if user.id in (donation.recorded_by_id, donation.donor_id):
        raise SecondPersonError(_l("A second person must review a gift you recorded or gave."))


def withheld_match(donation: Donation):
    """The gift's match credit while it is withheld, else None."""
    match = donation.match
    return match if match is not None and match.status == "withheld" else None


def _decide(donation: Donation, user, decision: str, note: str, released: int = 0):
    review = GiftReview(donation_id=donation.id, decision=decision, released_fen=released,
                        note=note.strip()[:200], reviewed_by_id=user.id)
    db.session.add(review)
    db.session.flush()
    record("donation.review", "donation", donation.id, user=user, decision=decision,
           released_fen=released, flag=donation.review_flag)
    return review


def release(donation: Donation, user, note: str = "") -> GiftReview:
    """Post the withheld match into the fund, as much as the pool's caps still allow."""
    _check(donation, user)
    match = withheld_match(donation)
    if match is None:
        raise DonationError(_l("This gift has no withheld match."))
    if donation.status not in MATCHABLE:
        raise DonationError(_l("The gift is no longer in the fund; its match stays withheld."))
    pool = donation.campaign.pool
    matchpool.lock(pool)
    amount = matchpool.room(pool, donation.amount_fen - donation.refunded_fen, match.donor_key,
                            match.day)
    match.status, match.amount_fen = "credited", amount
    decision = _decide(donation, user, "released", note, amount)
    matchpool.post(pool, donation, match, user=user)
    return decision


def keep_withheld(donation: Donation, user, note: str = "") -> GiftReview:
    """Confirm the match stays withheld; nothing moves in the fund."""
    _check(donation, user)
    if withheld_match(donation) is None:
        raise DonationError(_l("This gift has no withheld match."))
    return _decide(donation, user, "withheld", note)


def clear(donation: Donation, user, note: str = "") -> GiftReview:
    """Record that a flag without a withheld match was looked at."""
    _check(donation, user)
    if withheld_match(donation) is not None:
        raise DonationError(_l("Release the match or confirm it withheld."))
    return _decide(donation, user, "cleared", note)


DECISIONS = {"release": release, "withhold": keep_withheld, "clear": clear}


def queue():
    """Flagged gifts nobody has reviewed yet, oldest first."""
    reviewed = select(GiftReview.donation_id)
    return select(Donation).where(Donation.review_flag.is_not(None),
                                  Donation.id.not_in(reviewed)).order_by(Donation.id)


def decided(limit: int = 50):
    """The latest decisions, newest first."""
    return select(GiftReview).order_by(GiftReview.id.desc()).limit(limit)
