"""A seeded demo population that reproduces the attachment's counts per street and category.

Pure data: functions here return plain dicts; `demo.operations` writes them.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from charity.demo.places import COMMUNITIES, GIVEN, STREET_WORDS, SURNAMES
from charity.district.reference import ATTACHMENT, CATEGORIES
from charity.registry.ids import with_check_digit

AREA_CODE = "500103"
HOUSEHOLD_SIZES = {"dibao": ((1, 2, 3, 4), (35, 30, 25, 10)),
                   "tekun": ((1,), (1,)),
                   "filed_hardship": ((1, 2, 3), (40, 40, 20))}


@dataclass
class DemoHousehold:
    """One generated household: its code, street, community, address and members (each a row of
    person fields with a valid ID number)."""

    code: str
    street: str
    community: str
    address: str
    members: list[dict] = field(default_factory=list)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _id_number(rng: random.Random, born: date, sex: str, used: set[str]) -> str:
    while True:
        sequence = rng.randrange(0, 999)
        if (sequence % 2 == 1) != (sex == "M"):
            sequence += 1 if sequence < 998 else -1
        number = with_check_digit(f"{AREA_CODE}{born:%Y%m%d}{sequence:03d}")
        if number not in used:
            used.add(number)
            return number


def _birth(rng: random.Random, today: date, age: int) -> date:
    return today - timedelta(days=age * 365 + rng.randrange(0, 365) + age // 4)


def _school(rng: random.Random, age: int, today: date) -> dict:
    if 3 <= age <= 5:
        return {"student": False, "school_level": "preschool", "employment_status": "child"}
    levels = ((11, "primary"), (14, "junior"), (17, "senior_high"))
    for top, level in levels:
        if 6 <= age <= top:
            if level == "senior_high" and rng.random() < 0.2:
                level = "vocational"
            return {"student": True, "school_level": level, "employment_status": "student"}
    if 18 <= age <= 22 and rng.random() < 0.6:
        entry = today.year - rng.choice((0, 0, 1, 2, 3)) - (0 if today.month >= 9 else 1)
        return {"student": True, "school_level": "college", "college_entry_year": entry,
                "employment_status": "student"}
    if age < 6:
        return {"employment_status": "child"}
    return {}


def _person(rng, today, category, age, used, welfare_home=False, alone=False) -> dict:
    sex = rng.choice("MF")
    born = _birth(rng, today, age)
    p = {"name": _name(rng), "sex": sex, "id_number": _id_number(rng, born, sex, used),
         "category": category, "lives_alone": alone and age >= 60}
    p["disabled"] = rng.random() < (0.35 if category == "tekun" else 0.12)
    p["disability_grade"] = rng.randint(1, 4) if p["disabled"] else None
    p["seriously_ill"] = rng.random() < 0.1
    if p["seriously_ill"] and rng.random() < 0.1:
        p["special_disease"] = rng.choice(("thalassemia", "cml", "pneumoconiosis")
                                          if age >= 18 else ("thalassemia", "childhood_leukaemia"))
    p["orphan"] = category == "tekun" and age < 18
    p["dibao_class"] = rng.choices("ABC", (20, 40, 40))[0] if category == "dibao" else None
    p.update(_school(rng, age, today))
    working_age = 16 <= age < 60
    severe = p["disabled"] and p["disability_grade"] in (1, 2)
    p["able_to_work"] = working_age and not severe and not p["seriously_ill"]
    p["willing_to_work"] = p["able_to_work"] and rng.random() < 0.75
    if "employment_status" not in p:
        if age >= 60:
            p["employment_status"] = "retired"
        elif not p["able_to_work"]:
            p["employment_status"] = "unable"
        else:
            p["employment_status"] = "employed" if rng.random() < 0.45 else "unemployed"
    employed = p["employment_status"] == "employed"
    p["monthly_income_fen"] = rng.randrange(150000, 320000, 100) if employed \
        else rng.choice((0, 0, rng.randrange(20000, 90000, 100)))
    if not welfare_home and rng.random() < 0.05:
        p["hukou"] = "other"
        p["residence_permit_start"] = today - timedelta(days=rng.randrange(200, 2500))
    p["family_doctor"] = rng.random() < 0.7
    p["health_record"] = rng.random() < 0.75
    p["centralised_care"] = welfare_home or (category == "tekun" and p["disabled"]
                                             and rng.random() < 0.6)
    p["next_review_date"] = today + timedelta(days=rng.randrange(1, 366))
    return p


def _members(rng, today, category, size, used, welfare_home) -> list[dict]:
    if welfare_home:
        age = rng.randrange(1, 18) if category == "tekun" and rng.random() < 0.7 \
            else rng.randrange(60, 95)
        return [_person(rng, today, category, age, used, welfare_home=True)]
    head_age = rng.choices((rng.randrange(25, 60), rng.randrange(60, 92)), (55, 45))[0]
    people = [_person(rng, today, category, head_age, used, alone=size == 1)]
    if size >= 2 and (head_age >= 60 or rng.random() < 0.5):
        people.append(_person(rng, today, category, max(20, head_age + rng.randint(-5, 5)), used))
    while len(people) < size:
        child = rng.randrange(0, min(23, max(1, head_age - 18)))
        people.append(_person(rng, today, category, child, used))
    return people


def generate(today: date, seed: int = 2019) -> list[DemoHousehold]:
    """Households whose members add up exactly to the attachment, street by street."""
    rng = random.Random(seed)
    used: set[str] = set()
    households = []
    for row in ATTACHMENT:
        welfare_home = row.number is None
        communities = COMMUNITIES[row.street]
        for category in CATEGORIES:
            left = getattr(row, category)
            sizes, weights = HOUSEHOLD_SIZES[category]
            while left:
                size = 1 if welfare_home else min(left, rng.choices(sizes, weights)[0])
                community = rng.choice(communities)
                code = f"{row.street_en[:3].upper()}{len(households) + 1:05d}"
                address = community.removesuffix("社区") + rng.choice(STREET_WORDS) + \
                    f"{rng.randint(1, 199)}号"
                household = DemoHousehold(code, row.street, community, address)
                household.members = _members(rng, today, category, size, used, welfare_home)
                households.append(household)
                left -= size
    return households
