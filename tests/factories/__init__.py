"""factory_boy factories: the one way tests build rows. They write through the test's session
and flush; a row that must pass through a domain operation (a submitted application, a
credited gift) is made by calling that operation. The donation side is in
`tests.factories.donations`."""

from tests.factories.base import (
    HOME_STREET,
    PASSWORD,
    BaseFactory,
    community,
    department,
    id_number,
    street,
)
from tests.factories.casework import (
    EmploymentServiceFactory,
    GrantFactory,
    MedicalCostFactory,
    ReferralFactory,
    ReviewCycleFactory,
    VisitCampaignFactory,
)
from tests.factories.pairing import CadreFactory, PairingFactory, VolunteerFactory
from tests.factories.people import HouseholdFactory, PersonFactory, UserFactory, user
from tests.factories.relief import ApplicationFactory

__all__ = [
    "HOME_STREET", "PASSWORD", "ApplicationFactory", "BaseFactory", "CadreFactory",
    "EmploymentServiceFactory", "GrantFactory", "HouseholdFactory", "MedicalCostFactory",
    "PairingFactory", "PersonFactory", "ReferralFactory", "ReviewCycleFactory", "UserFactory",
    "VisitCampaignFactory", "VolunteerFactory", "community", "department", "id_number", "street",
    "user",
]
