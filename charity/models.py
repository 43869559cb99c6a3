"""Every model, imported in one place so that Alembic and `create_all` see the whole schema."""

from charity.audit.models import AuditEntry
from charity.auth.models import Role, User
from charity.district.models import Community, Department, DepartmentGroup, Street
from charity.pairing.models import (
    Cadre,
    CrossStreetPermission,
    ForbiddenPair,
    MatchRun,
    Pairing,
    Volunteer,
)
from charity.registry.models import Household, Person, StatusChange

__all__ = [
    "AuditEntry", "Cadre", "Community", "CrossStreetPermission", "ForbiddenPair", "MatchRun",
    "Pairing", "Department", "DepartmentGroup", "Household", "Person",
    "Role", "StatusChange", "Street", "User", "Volunteer",
]
