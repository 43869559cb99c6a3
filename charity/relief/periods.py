"""How often each kind of relief may be awarded, and to whom it counts.

Each application carries two keys computed at submission: its `beneficiary` (the person, or
their household where the plan aids a family) and its `period`. The database holds at most
one live application (not rejected, not expired) per kind, beneficiary and period.

Why each kind counts as it does (measure numbers are the plan's):

======================  ============  ==========  ===========================================
kind                    period        counts for  why
======================  ============  ==========  ===========================================
temporary_emergency     event         household   (4) relief to a family (家庭) in sudden
                                                  hardship, once per emergency
temporary_expenditure   event         household   (4) a family's spending outgrew what it can
                                                  bear: once per such event
medical                 event         person      (3) one illness, one assistance
disaster                event         household   (8) a disaster strikes a household; the
                                                  disaster work keys the event by incident
rent_subsidy            month         household   (6) the rent of a family's unit, month by
                                                  month ("按其应缴纳租金实施等额补贴")
care_subsidy            month         person      (2) a tekun person's monthly care subsidy
funeral_service         once          person      (2) a person has one funeral
free_textbooks          school year   person      (5) textbooks for a school year
autumn_grant            year          person      (5) 金秋助学 for this year's college entrants
encouragement_award     school year   person      (5) 励志奖 for students of earlier years
fee_waiver, bursary,    school year   person      (5) student aid is granted per school year
living_allowance,                                 (the plan names no term)
work_study, love_lunch
festival_gift           festival      person      (9) one gift per person per festival
                                                  (元旦春节, 端午, 中秋)
======================  ============  ==========  ===========================================

An "event" is what the caller names (an incident, an intake case); without one the
application's own day is the event, so a second application on the same day (a double
submit, a second tab) is refused. A festival is the season the day falls in (as the
visit campaigns of `charity.visits` name them): December to February 元旦春节 (December
counts towards the next year's), March to July 端午, August to November 中秋.
"""

from datetime import date

from flask_babel import gettext as _

EVENT, MONTH, SCHOOL_YEAR, YEAR, FESTIVAL, ONCE = (
    "event", "month", "school_year", "year", "festival", "once")

#: Kind -> (period, whether it counts for the household rather than the person).
PERIODS = {
    "temporary_emergency": (EVENT, True),
    "temporary_expenditure": (EVENT, True),
    "medical": (EVENT, False),
    "disaster": (EVENT, True),
    "rent_subsidy": (MONTH, True),
    "care_subsidy": (MONTH, False),
    "funeral_service": (ONCE, False),
    "free_textbooks": (SCHOOL_YEAR, False),
    "autumn_grant": (YEAR, False),
    "encouragement_award": (SCHOOL_YEAR, False),
    "fee_waiver": (SCHOOL_YEAR, False),
    "bursary": (SCHOOL_YEAR, False),
    "living_allowance": (SCHOOL_YEAR, False),
    "work_study": (SCHOOL_YEAR, False),
    "love_lunch": (SCHOOL_YEAR, False),
    "festival_gift": (FESTIVAL, False),
}
#: The month a school year starts.
SCHOOL_YEAR_STARTS = 9
#: The plan's festivals (as `charity.visits.models.FESTIVALS`) and the season each covers.
FESTIVAL_OF_MONTH = {12: "spring_festival", 1: "spring_festival", 2: "spring_festival",
                     **dict.fromkeys(range(3, 8), "dragon_boat"),
                     **dict.fromkeys(range(8, 12), "mid_autumn")}


def beneficiary(kind: str, person_id: int, household_id: int) -> str:
    """Who an award of `kind` counts for: 'household:<id>' or 'person:<id>'."""
    return f"household:{household_id}" if PERIODS[kind][1] else f"person:{person_id}"


def school_year(day: date) -> int:
    """The year the school year containing `day` started."""
    return day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1


def festival(day: date) -> tuple[str, int]:
    """The festival whose season `day` falls in, and its year."""
    return FESTIVAL_OF_MONTH[day.month], day.year + (day.month == 12)


def period(kind: str, day: date, event: str | None = None) -> str:
    """The period key of an award of `kind` made on `day`; `event` names the event of an
    event kind (an incident, an intake case)."""
    unit = PERIODS[kind][0]
    if unit == EVENT:
        return f"event:{event or day.isoformat()}"
    if unit == MONTH:
        return f"month:{day:%Y-%m}"
    if unit == SCHOOL_YEAR:
        return f"school_year:{school_year(day)}"
    if unit == YEAR:
        return f"year:{day.year}"
    if unit == FESTIVAL:
        name, year = festival(day)
        return f"festival:{year}:{name}"
    return "once"


def describe(key: str) -> str:
    """A period key in the reader's language."""
    from charity.labels import label

    unit, _sep, value = key.partition(":")
    if unit == "school_year":
        return _("school year %(start)s–%(end)s", start=value, end=int(value) + 1)
    if unit == "month":
        return _("month %(month)s", month=value)
    if unit == "year":
        return _("year %(year)s", year=value)
    if unit == "festival":
        year, _sep, name = value.partition(":")
        return _("%(festival)s %(year)s", festival=label(name), year=year)
    if unit == "event":
        return _("event %(event)s", event=value)
    if unit == "once":
        return _("once in a lifetime")
    return _("not kept (made before periods were)") if unit == "legacy" else key
