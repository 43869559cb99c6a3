"""Applications for relief and the case committee's votes."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import (
    CreatedAt,
    UTCDateTime,
    check_four_eyes,
    check_one_of,
    check_positive,
    unique_where,
    utcnow,
)
from charity.extensions import db
from charity.registry.models import PersonRecord
from charity.relief.standards import KINDS

STATES = ("submitted", "committee", "approved", "paid", "rejected", "expired")
#: States that count as an award: a rejected or expired application blocks nothing.
LIVE_STATES = ("submitted", "committee", "approved", "paid")
LIVE = "state NOT IN ('rejected', 'expired')"
PROPOSAL_STATES = ("draft", "sent")
#: Why a case in a proposal gets nothing: the optimiser's reasons, or staff dropped it.
UNFUNDED_REASONS = ("no_fund_may_pay", "funds_exhausted", "dropped")


def _amount_at_submission(context) -> int:
    return context.get_current_parameters()["amount_fen"]


class Application(PersonRecord, CreatedAt, db.Model):
    """One application for relief for one person under one measure."""

    __tablename__ = "relief_application"
    __table_args__ = (
        check_one_of("kind", KINDS),
        check_one_of("state", STATES),
        CheckConstraint("measure BETWEEN 1 AND 10", name="measure"),
        check_positive("amount_fen", "amount"),
        #: A proposal may fund a case below its standard amount, never above.
        CheckConstraint("amount_fen <= standard_fen", name="within_standard"),
        #: Whoever decides is never whoever made the application.
        check_four_eyes(),
        #: No duplicate benefits: one live award of a kind per beneficiary and period (see
        #: `charity.relief.periods` for each kind's period and beneficiary, and why).
        unique_where("uq_relief_application_once_per_period", "kind", "beneficiary", "period",
                     where=LIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    #: Who the award counts for ('person:12', or 'household:7' where the plan aids a family).
    beneficiary: Mapped[str] = mapped_column(String(40))
    #: The kind's period the award falls in ('school_year:2026', 'month:2026-11', 'once'...).
    period: Mapped[str] = mapped_column(String(80))
    measure: Mapped[int]
    #: Grade 1–3 for temporary assistance.
    grade: Mapped[int | None]
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: What the standard (or the assessment) gives the case at submission; the committee
    #: threshold reads this, whatever a proposal later funds.
    standard_fen: Mapped[int] = mapped_column(BigInteger, default=_amount_at_submission)
    reason: Mapped[str] = mapped_column(Text)
    #: Priority for the allocation optimiser (higher first), from the person's flags.
    priority: Mapped[int] = mapped_column(default=1)
    #: 一事一议: the maker sends the case to the committee whatever its amount.
    one_case_one_discussion: Mapped[bool] = mapped_column(Boolean, default=False)
    campaign_id: Mapped[int | None]
    sponsorship_id: Mapped[int | None]
    #: The eligibility rules as checked at submission: [{code, measure, holds, why}].
    eligibility: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    #: The reservation lapses (and the money returns) if not paid by this day.
    expires_on: Mapped[date | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The case committee's minutes, kept with the case.
    minutes: Mapped[str] = mapped_column(Text, default="")
    #: The allocation proposal that sent the case for approval; a case is sent at most once.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_proposal.id"),
                                                    index=True)

    street = relationship("Street")
    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    paid_by = relationship("User", foreign_keys=[paid_by_id])
    votes: Mapped[list["CommitteeVote"]] = relationship(back_populates="application",
                                                        order_by="CommitteeVote.id")

    @property
    def eligible(self) -> bool:
        """Whether every eligibility rule held when the application was made."""
        return all(rule["holds"] for rule in self.eligibility)


class CommitteeVote(db.Model):
    """A case-committee member's vote on a case; one per member."""

    __tablename__ = "committee_vote"
    __table_args__ = (UniqueConstraint("application_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("relief_application.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approve: Mapped[bool]
    note: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="votes")
    member = relationship("User")


class AllocationProposal(CreatedAt, db.Model):
    """One run of the allocation optimiser: staff review it, change it, and send it for
    approval, after which it no longer changes."""

    __tablename__ = "allocation_proposal"
    __table_args__ = (check_one_of("state", PROPOSAL_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    #: The solver's status (OPTIMAL, FEASIBLE), objective and proven bound.
    status: Mapped[str] = mapped_column(String(20))
    objective: Mapped[int] = mapped_column(BigInteger)
    bound: Mapped[int] = mapped_column(BigInteger)
    seconds: Mapped[float] = mapped_column(Float)
    #: The street-balance tolerance in percentage points the run used.
    tolerance_pct: Mapped[int]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by = relationship("User", foreign_keys=[created_by_id])
    sent_by = relationship("User", foreign_keys=[sent_by_id])
    items: Mapped[list["ProposalItem"]] = relationship(
        back_populates="proposal", order_by="ProposalItem.id", cascade="all, delete-orphan")


class ProposalItem(db.Model):
    """One case in a proposal: money from one fund account, or nothing with the reason. A
    case paid from several funds has a row per fund."""

    __tablename__ = "allocation_item"
    __table_args__ = (
        check_one_of("reason", UNFUNDED_REASONS),
        #: Either money from a fund, or no fund, no money and a reason.
        CheckConstraint("(fund_code IS NOT NULL AND amount_fen > 0 AND reason IS NULL) OR "
                        "(fund_code IS NULL AND amount_fen = 0 AND reason IS NOT NULL)",
                        name="funded_or_reason"),
        UniqueConstraint("proposal_id", "application_id", "fund_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("allocation_proposal.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("relief_application.id"),
                                                index=True)
    fund_code: Mapped[str | None] = mapped_column(String(80))
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str | None] = mapped_column(String(20))

    proposal: Mapped[AllocationProposal] = relationship(back_populates="items")
    application: Mapped[Application] = relationship()
