"""What a gift pays for: a measure, a street, a campaign, a sponsorship, or (None) "where
most needed". The ledger reads the same strings."""

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.district.models import Street
from charity.errors import DomainError
from charity.extensions import db
from charity.fund.names import NAMERS
from charity.fund.views_helpers import MEASURE_NAMES
from charity.labels import label
from charity.main.limits import as_id, as_int

MEASURES = MEASURE_NAMES


class DesignationError(DomainError):
    """A designation the fund does not know; the message is shown to the user."""


def check(designation: str | None) -> str | None:
    """The designation, normalised, or DesignationError. Campaigns and sponsorships are
    checked for existence by the code that uses them."""
    if not designation:
        return None
    kind, _sep, value = designation.partition(":")
    if kind == "measure" and as_int(value) in MEASURES:
        return f"measure:{int(value)}"
    if kind == "street" and db.session.scalar(select(Street.id).where(Street.name == value)):
        return designation
    if kind in ("campaign", "sponsorship") and as_id(value):
        return f"{kind}:{as_id(value)}"
    raise DesignationError(_l("Choose what the gift is for from the list."))


def describe(designation: str | None) -> str:
    """A human label for a designation, in the current language."""
    if not designation:
        return _("Where most needed")
    kind, _sep, value = designation.partition(":")
    if kind == "measure" and as_int(value) in MEASURES:
        return _("Measure %(n)s: %(title)s", n=value, title=MEASURES[int(value)])
    if kind == "street":
        return _("Street: %(name)s", name=value)
    if kind == "campaign":
        return _("Campaign: %(title)s", title=campaign_name(value))
    if kind == "sponsorship":
        return _("Sponsorship: %(name)s", name=sponsorship_name(value))
    return designation


def campaign_name(value) -> str:
    """A campaign's title in the user's language (its number only if it is gone)."""
    from donations.campaigns.models import FundraisingCampaign

    campaign = db.session.get(FundraisingCampaign, as_id(str(value)) or 0)
    if campaign is None:
        return _("Campaign no. %(id)s", id=value)
    english = str(get_locale()) == "en" and campaign.title_en
    return campaign.title_en if english else campaign.title


def sponsorship_name(value) -> str:
    """A sponsorship by what it pays for and where: 'Autumn college grant, 七星岗'."""
    from donations.sponsorship.models import Sponsorship

    found = db.session.get(Sponsorship, as_id(str(value)) or 0)
    if found is None:
        return _("Sponsorship no. %(id)s", id=value)
    where = found.street.name if found.street else _("Whole district")
    return _("%(kind)s in %(where)s (pledge no. %(id)s)", kind=label(found.kind), where=where,
             id=found.id)


def register_names() -> None:
    """Tell the fund how to name campaign and sponsorship accounts (it never imports us)."""
    NAMERS.update(campaign=campaign_name, sponsorship=sponsorship_name)


def fund_choices() -> list[tuple[str, str]]:
    """The designations a donor may pick on the fund's page."""
    options = [("", _("Where most needed"))]
    options += [(f"measure:{n}", describe(f"measure:{n}")) for n in MEASURES]
    streets = db.session.scalars(select(Street).order_by(Street.position))
    options += [(f"street:{s.name}", describe(f"street:{s.name}")) for s in streets]
    return options
