"""What a gift pays for: a measure, a street, a campaign, a sponsorship, or (None) "where
most needed". The ledger reads the same strings."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.district.models import Street
from charity.errors import DomainError
from charity.extensions import db
from charity.main.limits import as_id, as_int

MEASURES = {
    1: _l("Dibao and extra support"), 2: _l("Tekun support"), 3: _l("Medical aid"),
    4: _l("Temporary assistance"), 5: _l("Education"), 6: _l("Housing"), 7: _l("Employment"),
    8: _l("Disaster relief"), 9: _l("Pairing and visits"), 10: _l("Charity work"),
}


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
        return _("Campaign no. %(id)s", id=value)
    if kind == "sponsorship":
        return _("Sponsorship no. %(id)s", id=value)
    return designation


def fund_choices() -> list[tuple[str, str]]:
    """The designations a donor may pick on the fund's page."""
    options = [("", _("Where most needed"))]
    options += [(f"measure:{n}", describe(f"measure:{n}")) for n in MEASURES]
    streets = db.session.scalars(select(Street).order_by(Street.position))
    options += [(f"street:{s.name}", describe(f"street:{s.name}")) for s in streets]
    return options
