"""Every model module, imported in one place so that Alembic and `create_all` see the whole
schema."""

from charity.api import models as api
from charity.audit import models as audit
from charity.auth import models as auth
from charity.casework import models as casework
from charity.contacts import models as contacts
from charity.disaster import models as disaster
from charity.district import models as district
from charity.fund import models as fund
from charity.grievances import models as grievances
from charity.jobs import models as jobs
from charity.pairing import models as pairing
from charity.registry import models as registry
from charity.relief import intake_models as intake
from charity.relief import models as relief
from charity.relief import rent_models as rent
from charity.visits import models as visits
from donations.campaigns import models as campaigns
from donations.giving import models as giving
from donations.sponsorship import models as sponsorship
from donations.stripe import models as stripe

#: The modules that declare tables: importing them adds each table to `db.metadata`.
MODULES = (api, audit, auth, casework, contacts, disaster, district, fund, grievances, intake, jobs,
           pairing, registry, relief, rent, visits, campaigns, giving, sponsorship, stripe)
