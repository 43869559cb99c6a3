"""The platform's roles, with their names in both languages."""

from flask_babel import lazy_gettext as _l

ROLES = {
    "admin": _l("Administrator"),
    "fund_manager": _l("Fund manager"),
    "approver": _l("Approver"),
    "street_officer": _l("Street officer"),
    "cadre": _l("Cadre"),
    "volunteer": _l("Volunteer"),
    "donor": _l("Donor"),
    "auditor": _l("Auditor"),
    "liaison": _l("Department liaison"),
}
