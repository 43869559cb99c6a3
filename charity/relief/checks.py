"""Eligibility of an application, explained rule by rule, from the plan's pure rules in
`charity.eligibility`. Nothing here writes."""

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity import eligibility as rules
from charity.extensions import db
from charity.registry.models import Person
from charity.timeutil import SHANGHAI

#: Each rule's explanation, shown (in the reader's language) beside whether it holds.
EXPLANATIONS = {
    "active": _l("On the roster and enrolled."),
    "residency": _l("Yuzhong hukou, or another hukou with a residence permit of a year or more."),
    "income": _l("Household income per person below last year's local figure."),
    "free_textbooks": _l("A dibao or tekun student at senior-high level."),
    "autumn_grant": _l("Entered college this year."),
    "encouragement_award": _l("A college student who entered in an earlier year."),
    "medical": _l("Seriously ill, disabled, or with a special disease."),
    "rent_subsidy": _l("Dibao class A while valid, or within 12 months of temporary assistance."),
    "fee_waiver": _l("A child or student in preschool, senior high, vocational school or "
                     "college (compulsory schooling is already free)."),
    "bursary": _l("A child or student in preschool, senior high, vocational school or college."),
    "living_allowance": _l("A pupil in primary or junior high school."),
    "work_study": _l("A college student."),
    "love_lunch": _l("A child in preschool, primary or junior high school."),
    "care_subsidy": _l("A tekun person."),
    "funeral_service": _l("A tekun person or an orphan."),
    "financial_assets": _l("Household financial assets within the limit per person."),
    "vehicle": _l("Household vehicles worth no more than the limit."),
}


class Explained:
    """The explanations of some rules, joined when shown (so in the reader's language)."""

    def __init__(self, codes):
        self.codes = list(codes)

    def __str__(self) -> str:
        return "; ".join(str(EXPLANATIONS[code]) for code in self.codes)


def _rule(code: str, measure: int, holds: bool) -> dict:
    return {"code": code, "measure": measure, "holds": bool(holds)}


def last_temporary_assistance(person: Person) -> date | None:
    """The day the person's household last got temporary assistance (measure 4), from either
    source: a fund application paid, or a grant the civil-affairs bureau gave (recorded in
    casework). Reading only the fund once refused the rent subsidy of families helped by the
    bureau, though the coverage-gap matrix counted them."""
    from charity.casework.models import Grant
    from charity.relief.models import Application

    household = [m.id for m in person.household.members]
    paid = db.session.scalar(
        select(Application.paid_at).where(
            Application.person_id.in_(household), Application.state == "paid",
            Application.kind.in_(("temporary_emergency", "temporary_expenditure")))
        .order_by(Application.paid_at.desc()).limit(1))
    granted = db.session.scalar(
        select(Grant.starts_on).where(Grant.person_id.in_(household),
                                      Grant.measure == "temporary_assistance")
        .order_by(Grant.starts_on.desc()).limit(1))
    days = [day for day in (paid.astimezone(SHANGHAI).date() if paid else None, granted) if day]
    return max(days) if days else None


def _temporary(person: Person, today: date, standards: dict) -> list[dict]:
    """Measure 4's rules, the income against this year's line (refused when there is none)."""
    from charity.relief.income_lines import for_year

    line = for_year(today.year)
    standards = standards | {"local_disposable_income_fen": line.disposable_income_fen}
    return [_rule("residency", 4, rules.temporary_assistance_residency(person, today)),
            _rule("income", 4, rules.household_income_below_local(person.household.members,
                                                                   standards))]


def check(person: Person, kind: str, today: date) -> list[dict]:
    """The rules that decide whether `person` may get `kind`, each with whether it holds
    (explained by `EXPLANATIONS[code]`)."""
    standards = rules.standards(current_app.config)
    active = _rule("active", 0, rules.is_active(person))
    if kind in ("temporary_emergency", "temporary_expenditure"):
        return [active, *_temporary(person, today, standards)]
    specific = {
        "free_textbooks": lambda: (5, rules.free_textbooks(person)),
        "autumn_grant": lambda: (5, rules.autumn_grant(person, today)),
        "encouragement_award": lambda: (5, rules.encouragement_award(person, today)),
        "medical": lambda: (3, rules.medical_assistance(person)),
        "rent_subsidy": lambda: (6, rules.rent_subsidy(person, today,
                                                       last_temporary_assistance(person))),
    }
    specific |= {k: (lambda k=k: (5, rules.education_aid(person, k)))
                 for k in rules.EDUCATION_STAGES}
    specific |= {"care_subsidy": lambda: (2, rules.care_subsidy(person)),
                 "funeral_service": lambda: (2, rules.funeral_service(person))}
    if kind not in specific:
        return [active]
    return [active, _rule(kind, *specific[kind]())]


def priority(person: Person, today: date) -> int:
    """Priority weight for allocation: tekun and orphans, disabled, seriously ill, 70+ living
    alone, students each add to a base of 1."""
    weight = 1
    weight += 3 if person.category == "tekun" or person.orphan else 0
    weight += 2 if person.disabled else 0
    weight += 2 if person.seriously_ill or person.special_disease else 0
    weight += 2 if rules.age(person, today) >= 70 and person.lives_alone else 0
    weight += 1 if person.student else 0
    return weight
