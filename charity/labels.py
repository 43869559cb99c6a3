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
    "cadre": _l("Cadre"),
    "proposed": _l("Proposed"),
    "active": _l("Active"),
    "declined": _l("Declined"),
    "ended": _l("Ended"),
    "preview": _l("Preview"),
    "published": _l("Published"),
    "discarded": _l("Discarded"),
    "elderly_alone": _l("70+ living alone"),
    "orphan": _l("Orphan"),
    "disabled": _l("Disabled"),
    "seriously_ill": _l("Seriously ill"),
    "where most needed": _l("Where most needed"),
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
    "canceled": _l("Cancelled"),
    "pledged": _l("Pledged"),
    "paired": _l("Paired"),
    "closed": _l("Closed"),
    "autumn_grant": _l("Autumn college grant"),
    "textbooks": _l("A student's textbooks"),
    "household_support": _l("A household's monthly support"),
    "general": _l("General appeal"),
    "charity_day": _l("China Charity Day"),
    "giving_day_99": _l("99 Giving Day"),
    "released": _l("Match released"),
    "withheld": _l("Match withheld"),
    "cleared": _l("Flag cleared"),
    "standing_order": _l("Bank standing order"),
    "submitted": _l("Submitted"),
    "committee": _l("Before the case committee"),
    "approved": _l("Approved, money reserved"),
    "paid": _l("Paid"),
    "rejected": _l("Rejected"),
    "expired": _l("Expired"),
    "draft": _l("Draft"),
    "sent": _l("Sent for approval"),
    # casework and visits: measures of the gap matrix, services, outcomes, festivals
    "classified_supplement": _l("Classified supplement (dibao)"),
    "centralised_care": _l("Centralised care"),
    "medical_cover": _l("Family doctor and health record"),
    "special_disease_aid": _l("Special-disease aid"),
    "temporary_assistance": _l("Temporary assistance"),
    "free_textbooks": _l("Free textbooks"),
    "encouragement_award": _l("Encouragement award"),
    "rent_subsidy": _l("Rent subsidy"),
    "employment_services": _l("Employment services (3 or more)"),
    "household_employment": _l("Someone employed in the household"),
    "pairing": _l("Pairing with a helper"),
    "training": _l("Vocational training"),
    "job_referral": _l("Job referral"),
    "job_fair": _l("Job fair"),
    "public_welfare_job": _l("Public-welfare job"),
    "confirmed": _l("Confirmed"),
    "open": _l("Open"),
    "spring_festival": _l("New Year and Spring Festival"),
    "dragon_boat": _l("Dragon Boat Festival"),
    "mid_autumn": _l("Mid-Autumn Festival"),
    "done": _l("Done"),
    "not_visited": _l("Not visited"),
    "discrepancy": _l("Discrepancy found"),
}


def _roles():
    from charity.auth.roles import ROLES

    return ROLES


def label(code) -> str:
    """The label of a code name in the current language; the code itself if unknown."""
    if code is None:
        return ""
    return str(LABELS.get(code) or _roles().get(code, code))


REASONS = {
    "locked": _l("Locked by staff"),
    "continuity": _l("Continues an existing pair"),
    "cross street": _l("Serves across streets (allowed)"),
    "same street": _l("Same street"),
    "same community": _l("Same community"),
    "rematch": _l("Re-matched after a decline"),
    "no cadre serves this street": _l("No cadre serves this street"),
    "forbidden with all eligible helpers": _l("Every eligible helper is forbidden for this person"),
    "no eligible cadre left in street": _l("Every eligible cadre in the street is at their quota"),
    "no eligible volunteer or organisation with capacity left":
        _l("No eligible volunteer or organisation has room left"),
    "already paired in this layer": _l("Already paired"),
}
REASON_PREFIXES = {
    "priority": _l("Priority: %(what)s"),
    "skill": _l("Skill: %(what)s"),
    "designation": _l("Designation: %(what)s"),
    "no helper with skill": _l("No helper has the skill: %(what)s"),
}


def pair_reason(reason: str) -> str:
    """An optimiser's reason ('priority: tekun', 'same community', …) in the current language."""
    if reason in REASONS:
        return str(REASONS[reason])
    prefix, _sep, value = reason.partition(": ")
    if prefix in REASON_PREFIXES:
        return str(REASON_PREFIXES[prefix]) % {"what": label(value)}
    if reason.startswith("no helper with skill "):
        skills = reason.removeprefix("no helper with skill ").split(", ")
        what = "、".join(label(skill) for skill in skills)
        return str(REASON_PREFIXES["no helper with skill"]) % {"what": what}
    return reason
