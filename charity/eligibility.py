"""The plan's eligibility rules, as pure functions of a person (or household) and a date.

Shared by casework (who is owed a measure) and the relief fund (who may apply). Each rule
names its measure. `person` is anything with Person's attributes; nothing here touches the DB.
"""

from datetime import date, timedelta

#: Defaults; the app's `RELIEF_STANDARDS` config overrides them.
DEFAULTS = {
    #: Last year's per-capita disposable income of the district, yearly, in fen (measure 4).
    "local_disposable_income_fen": 5_200_000,
    #: Legal working age: from 16, below 60 for men and 55 for women (measure 7).
    "working_age_from": 16, "working_age_until_m": 60, "working_age_until_f": 55,
    #: Free employment services owed to each able, willing, working-age person (measure 7).
    "employment_services_owed": 3,
    #: Share of disabled tekun in centralised care the plan aims for (measure 2).
    "centralised_care_target_pct": 80,
    #: Out-of-catalogue share of inpatient costs not to exceed (measure 3).
    "out_of_catalogue_limit_pct": 15,
    #: Days before a rent-subsidy window ends that casework flags it (measure 6).
    "rent_window_warning_days": 30,
}


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def age(person, today: date) -> int:
    """The person's age in whole years on `today`."""
    born = person.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def is_active(person) -> bool:
    """Enrolled on the roster: only then does the plan owe a person anything."""
    return person.status == "enrolled"


def classified_supplement(person, today: date) -> bool:
    """Measure 1: dibao recipients who are disabled, seriously ill, 70 or older, preschool
    children or students get the classified (重点) supplement."""
    years = age(person, today)
    return person.category == "dibao" and (
        person.disabled or person.seriously_ill or years >= 70 or years < 6
        or person.school_level == "preschool" or person.student)


def disabled_tekun(person) -> bool:
    """Measure 2: a tekun person who cannot care for themselves (disability grade 1 or 2);
    the plan wants 80% of them in centralised care."""
    return person.category == "tekun" and person.disabled and person.disability_grade in (1, 2)


def temporary_assistance_residency(person, today: date) -> bool:
    """Measure 4: Yuzhong hukou, or another hukou with a residence permit held one year or more."""
    if person.hukou == "yuzhong":
        return True
    start = person.residence_permit_start
    return start is not None and add_years(start, 1) <= today


def income_below_local(monthly_income_fen_per_capita: int, standards: dict) -> bool:
    """Measure 4: per-capita disposable income below last year's local figure."""
    return monthly_income_fen_per_capita * 12 < standards["local_disposable_income_fen"]


def household_income_below_local(members, standards: dict) -> bool:
    """Measure 4: the household's yearly income per member strictly below last year's local
    figure, compared exactly (total × 12 against the figure × members, nothing rounded)."""
    members = list(members)
    yearly = sum(m.monthly_income_fen for m in members) * 12
    return yearly < standards["local_disposable_income_fen"] * max(1, len(members))


def household_income_per_capita(members) -> int:
    """Monthly income per member of a household, in fen (rounded down)."""
    members = list(members)
    return sum(m.monthly_income_fen for m in members) // max(1, len(members))


def free_textbooks(person) -> bool:
    """Measure 5: dibao and tekun students at senior-high level get free textbooks."""
    return person.category in ("dibao", "tekun") and person.student and \
        person.school_level in ("senior_high", "vocational")


def autumn_grant(person, today: date) -> bool:
    """Measure 5: the 金秋助学 grant is for this year's college entrants."""
    return person.student and person.school_level == "college" and \
        person.college_entry_year == today.year


def encouragement_award(person, today: date) -> bool:
    """Measure 5: the 励志奖 is for poor college students who entered in earlier years."""
    return person.student and person.school_level == "college" and \
        person.college_entry_year is not None and person.college_entry_year < today.year


#: Measure 5: the stages each form of education aid covers. The plan lists the forms
#: (减免相关费用、助学金、生活补助、勤工助学、免费爱心午餐) "from preschool to university" by
#: "the reality of each stage": compulsory schooling (primary, junior) is already free of
#: tuition, so fee waivers and bursaries cover preschool, senior high, vocational and
#: college; living allowances the compulsory years; work-study is for college students;
#: the free love lunch is for the children of preschool and compulsory school.
EDUCATION_STAGES = {
    "fee_waiver": ("preschool", "senior_high", "vocational", "college"),
    "bursary": ("preschool", "senior_high", "vocational", "college"),
    "living_allowance": ("primary", "junior"),
    "work_study": ("college",),
    "love_lunch": ("preschool", "primary", "junior"),
}


def education_aid(person, kind: str) -> bool:
    """Measure 5: a child in preschool or a student at one of the stages the form of aid
    `kind` covers (see `EDUCATION_STAGES`)."""
    in_school = person.student or person.school_level == "preschool"
    return in_school and person.school_level in EDUCATION_STAGES[kind]


def care_subsidy(person) -> bool:
    """Measure 2: the care subsidy (照料护理补贴) is for tekun persons."""
    return person.category == "tekun"


def funeral_service(person) -> bool:
    """Measure 2: funeral services (殡葬服务) are owed to tekun persons and orphans."""
    return person.category == "tekun" or bool(person.orphan)


def rent_subsidy(person, today: date, temporary_assistance_on: date | None = None) -> bool:
    """Measure 6: dibao class A while the class is valid (enrolled), or a family within 12
    months from the day it got temporary assistance (the window's last day included)."""
    if person.category == "dibao" and person.dibao_class == "A" and is_active(person):
        return True
    return temporary_assistance_on is not None and \
        temporary_assistance_on <= today < add_months(temporary_assistance_on, 12)


def rent_window_last_day(temporary_assistance_on: date) -> date:
    """Measure 6: the last day of the 12 months of rent subsidy after temporary assistance."""
    return add_months(temporary_assistance_on, 12) - timedelta(days=1)


def rent_window_ending(temporary_assistance_on: date | None, today: date, standards: dict) -> bool:
    """Measure 6: the window is still open and closes within the warning days (last day
    included), so the family's housing must be planned before the subsidy stops."""
    if temporary_assistance_on is None or today < temporary_assistance_on:
        return False
    left = (rent_window_last_day(temporary_assistance_on) - today).days
    return 0 <= left < standards["rent_window_warning_days"]


def working_age(person, today: date, standards: dict) -> bool:
    """Measure 7: of legal working age, which ends earlier for women than for men."""
    until = standards["working_age_until_m" if person.sex == "M" else "working_age_until_f"]
    return standards["working_age_from"] <= age(person, today) < until


def owed_employment_services(person, today: date, standards: dict) -> bool:
    """Measure 7: a working-age person able and willing to work, not employed, is owed at
    least three free training or referral services."""
    return working_age(person, today, standards) and person.able_to_work and \
        person.willing_to_work and person.employment_status != "employed"


def zero_employment(members, today: date, standards: dict) -> bool:
    """Measure 7: a household with working-age members able and willing to work, none of whom
    is employed (the plan wants every such household to have at least one job)."""
    candidates = [m for m in members if working_age(m, today, standards)
                  and m.able_to_work and m.willing_to_work]
    return bool(candidates) and not any(m.employment_status == "employed" for m in members)


def needs_medical_cover(person) -> bool:
    """Measure 3: everyone should have a family-doctor contract and a health record."""
    return not (person.family_doctor and person.health_record)


def medical_assistance(person) -> bool:
    """Measure 3: medical assistance from the fund for an active person who is seriously ill,
    has one of the plan's special diseases, or is disabled."""
    return is_active(person) and (person.seriously_ill or person.disabled
                                  or getattr(person, "special_disease", None) is not None)


def standards(config: dict | None = None) -> dict:
    """The defaults overridden by the app's RELIEF_STANDARDS."""
    return DEFAULTS | dict((config or {}).get("RELIEF_STANDARDS", {}))
