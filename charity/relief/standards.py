"""The kinds of application, their measure, and the configurable amounts (in fen).

The app's `RELIEF_AMOUNTS` overrides any default; `RELIEF_COMMITTEE_THRESHOLD_FEN`,
`RELIEF_COMMITTEE_QUORUM` and `RELIEF_RESERVATION_DAYS` tune the approval path."""

from flask_babel import lazy_gettext as _l

#: Application kind -> the plan's measure.
KINDS = {
    "temporary_emergency": 4,
    "temporary_expenditure": 4,
    "free_textbooks": 5,
    "autumn_grant": 5,
    "encouragement_award": 5,
    "medical": 3,
    "rent_subsidy": 6,
    "disaster": 8,
    "festival_gift": 9,
}

KIND_LABELS = {
    "temporary_emergency": _l("Temporary assistance (emergency)"),
    "temporary_expenditure": _l("Temporary assistance (expenditure)"),
    "free_textbooks": _l("Free textbooks"),
    "autumn_grant": _l("Autumn college grant"),
    "encouragement_award": _l("Encouragement award"),
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
}
#: Kinds whose amount is assessed per case (cost, rent due, loss), up to a cap.
DEFAULT_CAPS = {"medical": 2_000_000, "rent_subsidy": 1_200_000, "disaster": 5_000_000}

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
