"""Every model, imported in one place so that Alembic and `create_all` see the whole schema."""

from charity.audit.models import AuditEntry
from charity.auth.models import Role, User
from charity.casework.models import (
    EmploymentService,
    Grant,
    MedicalCost,
    Referral,
    Review,
    ReviewCycle,
)
from charity.district.models import Community, Department, DepartmentGroup, Street
from charity.fund.models import Account, JournalEntry, JournalLine, LedgerHead
from charity.pairing.models import (
    Cadre,
    CrossStreetPermission,
    ForbiddenPair,
    MatchRun,
    Pairing,
    Volunteer,
)
from charity.registry.models import Household, Person, StatusChange
from charity.relief.models import (
    AllocationProposal,
    Application,
    CommitteeVote,
    ProposalItem,
)
from charity.visits.models import Campaign, SpotCheck, SpotCheckItem, VisitTask
from donations.campaigns.models import FundraisingCampaign, MatchCredit, MatchingPool
from donations.giving.models import Donation, GiftReview, RecurringGift
from donations.sponsorship.models import SponsoredPerson, Sponsorship
from donations.stripe.models import StripeEvent

__all__ = [
    "AuditEntry", "Cadre", "Community", "CrossStreetPermission", "ForbiddenPair", "MatchRun",
    "Pairing", "Department", "DepartmentGroup", "Household", "Person",
    "Role", "StatusChange", "Street", "User", "Volunteer",
    "Campaign", "EmploymentService", "Grant", "MedicalCost", "Referral", "Review",
    "ReviewCycle", "SpotCheck", "SpotCheckItem", "VisitTask",
    "Account", "JournalEntry", "JournalLine", "LedgerHead", "Application", "CommitteeVote",
    "AllocationProposal", "ProposalItem",
    "Donation", "FundraisingCampaign", "MatchCredit", "MatchingPool", "RecurringGift",
    "Sponsorship", "StripeEvent", "SponsoredPerson", "GiftReview",
]
