"""Human labels, in both languages, for the code names used in the database."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "dibao": _l("Dibao recipient"),
    "tekun": _l("Tekun (extremely poor)"),
    "filed_hardship": _l("Filed hardship family"),
    "enrolled": _l("Enrolled"),
    "suspended": _l("Suspended"),
    "exited": _l("Exited"),
    "M": _l("Male"),
    "F": _l("Female"),
    "thalassemia": _l("Thalassemia"),
    "cml": _l("Chronic myeloid leukaemia"),
    "pneumoconiosis": _l("Pneumoconiosis"),
    "childhood_leukaemia": _l("Childhood leukaemia"),
    "preschool": _l("Preschool"),
    "primary": _l("Primary school"),
    "junior": _l("Junior high school"),
    "senior_high": _l("Senior high school"),
    "vocational": _l("Vocational school"),
    "college": _l("College"),
    "employed": _l("Employed"),
    "unemployed": _l("Unemployed"),
    "unable": _l("Unable to work"),
    "retired": _l("Retired"),
    "student": _l("Student"),
    "child": _l("Child"),
    "yuzhong": _l("Yuzhong hukou"),
    "other": _l("Other hukou"),
    "district_leader": _l("District leader"),
    "division_leader": _l("Division leader"),
    "staff": _l("Staff cadre"),
    "volunteer": _l("Volunteer"),
    "organisation": _l("Social organisation"),
    "enterprise": _l("Enterprise"),
    "proposed": _l("Proposed"),
    "active": _l("Active"),
    "declined": _l("Declined"),
    "ended": _l("Ended"),
    "preview": _l("Preview"),
    "published": _l("Published"),
    "discarded": _l("Discarded"),
    "medical": _l("Medical"),
    "education": _l("Education"),
    "employment": _l("Employment"),
    "elderly_care": _l("Elderly care"),
    "housing": _l("Housing"),
    "psychological": _l("Psychological support"),
    # donations: channels, gift states, monthly gifts, sponsorships
    "online": _l("Online"),
    "cash": _l("Cash"),
    "bank_transfer": _l("Bank transfer"),
    "payroll": _l("Payroll deduction"),
    "pending": _l("Waiting for payment"),
    "awaiting_confirmation": _l("Awaiting second confirmation"),
    "succeeded": _l("Received"),
    "failed": _l("Payment failed"),
    "flagged": _l("Held for review"),
    "partially_refunded": _l("Partly refunded"),
    "refunded": _l("Refunded"),
    "disputed": _l("Disputed by the bank"),
    "dispute_lost": _l("Returned after dispute"),
    "incomplete": _l("Card not yet saved"),
    "active": _l("Active"),
    "canceled": _l("Cancelled"),
    "pledged": _l("Pledged"),
    "paired": _l("Paired"),
    "closed": _l("Closed"),
    "autumn_grant": _l("Autumn college grant"),
    "textbooks": _l("A student's textbooks"),
    "household_support": _l("A household's monthly support"),
    "submitted": _l("Submitted"),
    "committee": _l("Before the case committee"),
    "approved": _l("Approved, money reserved"),
    "paid": _l("Paid"),
    "rejected": _l("Rejected"),
    "expired": _l("Expired"),
}


def _roles():
    from charity.auth.roles import ROLES

    return ROLES


def label(code) -> str:
    """The label of a code name in the current language; the code itself if unknown."""
    if code is None:
        return ""
    return str(LABELS.get(code) or _roles().get(code, code))
