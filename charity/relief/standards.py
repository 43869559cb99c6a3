"""The kinds of application, their measure, and the configurable amounts (in fen).

The app's `RELIEF_AMOUNTS` overrides any default; `RELIEF_COMMITTEE_THRESHOLD_FEN`,
`RELIEF_COMMITTEE_QUORUM` and `RELIEF_RESERVATION_DAYS` tune the approval path."""

from flask_babel import lazy_gettext as _l

#: Application kind -> the plan's measure.
KINDS = {
    "temporary_emergency": 4,
    "temporary_expenditure": 4,
    "care_subsidy": 2,
    "funeral_service": 2,
    "free_textbooks": 5,
    "autumn_grant": 5,
    "encouragement_award": 5,
    "fee_waiver": 5,
    "bursary": 5,
    "living_allowance": 5,
    "work_study": 5,
    "love_lunch": 5,
    "medical": 3,
    "rent_subsidy": 6,
    "disaster": 8,
    "festival_gift": 9,
}

#: A temporary-assistance grade as the application form says it.
GRADE_NAMES = {"1": _l("1 light"), "2": _l("2 serious"), "3": _l("3 severe")}


def grade_name(grade) -> str:
    """A grade as the form says it (一档（较轻）), or nothing for none."""
    return str(GRADE_NAMES.get(str(grade), grade)) if grade else ""


KIND_LABELS = {
    "temporary_emergency": _l("Temporary assistance (emergency)"),
    "temporary_expenditure": _l("Temporary assistance (expenditure)"),
    "care_subsidy": _l("Care subsidy (tekun)"),
    "funeral_service": _l("Funeral service (tekun)"),
    "free_textbooks": _l("Free textbooks"),
    "autumn_grant": _l("Autumn college grant"),
    "encouragement_award": _l("Encouragement award"),
    "fee_waiver": _l("School fee waiver"),
    "bursary": _l("Student bursary"),
    "living_allowance": _l("Student living allowance"),
    "work_study": _l("Work-study pay"),
    "love_lunch": _l("Free love lunch"),
    "medical": _l("Medical assistance"),
    "rent_subsidy": _l("Rent subsidy"),
    "disaster": _l("Disaster relief"),
    "festival_gift": _l("Festival gift"),
}

#: Fixed amounts; temporary assistance is graded (1 light, 2 serious, 3 severe).
DEFAULT_AMOUNTS = {
    "temporary_emergency": {1: 100_000, 2: 200_000, 3: 300_000},
    "temporary_expenditure": {1: 200_000, 2: 400_000, 3: 600_000},
    "free_textbooks": 60_000,
    "autumn_grant": 500_000,
    "encouragement_award": 300_000,
    "festival_gift": 50_000,
    #: Measure 5, per school year: the plan names the forms of aid, not their amounts.
    "fee_waiver": 150_000,
    "bursary": 200_000,
    "living_allowance": 100_000,
    "work_study": 120_000,
    "love_lunch": 80_000,
    #: Measure 2: the plan asks the district to set a care-subsidy standard; it gives none,
    #: nor levels of care, so one monthly amount, configurable; the funeral service once.
    "care_subsidy": 30_000,
    "funeral_service": 500_000,
}
#: Kinds whose amount is assessed per case (cost, rent due, loss), up to a cap.
#: Rent subsidy is the rent due, month by month ("按其应缴纳租金实施等额补贴"): its cap is a
#: schedule's most, 12 months at the highest rent a lease may record
#: (`charity.relief.rent_models.MAX_MONTHLY_RENT_FEN`); large schedules go to the committee.
DEFAULT_CAPS = {"medical": 2_000_000, "rent_subsidy": 12 * 2_000_000, "disaster": 5_000_000}

DEFAULTS = {"RELIEF_COMMITTEE_THRESHOLD_FEN": 1_000_000, "RELIEF_COMMITTEE_QUORUM": 3,
            "RELIEF_RESERVATION_DAYS": 60}


def setting(config: dict, key: str):
    """A relief setting (committee threshold and quorum, reservation days) from the app's
    config, else its default."""
    return config.get(key, DEFAULTS[key])


def amount_for(kind: str, grade: int | None, assessed_fen: int | None, config: dict) -> int | None:
    """The standard amount of an application, or None when it cannot be determined (a graded
    kind without a valid grade, an assessed kind without an amount or above its cap)."""
    amounts = DEFAULT_AMOUNTS | config.get("RELIEF_AMOUNTS", {})
    caps = DEFAULT_CAPS | config.get("RELIEF_CAPS", {})
    if kind in caps:
        if assessed_fen is None or not 0 < assessed_fen <= caps[kind]:
            return None
        return assessed_fen
    standard = amounts.get(kind)
    if isinstance(standard, dict):
        return standard.get(grade)
    return standard
