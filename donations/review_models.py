"""Staff decisions on gifts held for review: who decided what, and when."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import UTCDateTime, utcnow
from charity.extensions import db

DECISIONS = ("released", "withheld", "cleared")


class GiftReview(db.Model):
    """The decision on one flagged gift: its withheld match released into the fund, confirmed
    withheld, or (nothing withheld) the flag cleared. One per gift."""

    __tablename__ = "gift_review"
    __table_args__ = (
        CheckConstraint("decision IN ('released', 'withheld', 'cleared')", name="decision"),
        CheckConstraint("released_fen >= 0", name="released"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donation.id"), unique=True)
    decision: Mapped[str] = mapped_column(String(10))
    #: Matching posted to the fund by a release (0 otherwise, or when the caps were used up).
    released_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    note: Mapped[str] = mapped_column(String(200), default="")
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    donation = relationship("Donation")
    reviewed_by = relationship("User")
