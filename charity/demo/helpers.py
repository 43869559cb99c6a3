"""Demo cadres, volunteers, organisations and enterprises (plain dicts, seeded)."""

import random

from charity.demo.places import ENTERPRISES, GIVEN, ORGANISATIONS, SURNAMES
from charity.pairing.models import SKILLS

TOTAL_CADRES = 3578


def cadres(departments: list[tuple[int, int]], communities: list[int], seed: int = 321):
    """About 3,578 cadres over the departments (id, group number): one or two district leaders
    in some departments, division leaders, and staff; uneven sizes, so streets differ."""
    rng = random.Random(seed)
    weights = [rng.randint(20, 90) for _ in departments]
    scale = TOTAL_CADRES / sum(weights)
    sizes = [max(8, round(w * scale)) for w in weights]
    sizes[-1] += TOTAL_CADRES - sum(sizes)
    rows = []
    for (department_id, _group), size in zip(departments, sizes, strict=True):
        leaders = 1 if rng.random() < 0.45 else 0
        division = max(2, size // 7)
        for index in range(size):
            rank = ("district_leader" if index < leaders else
                    "division_leader" if index < leaders + division else "staff")
            rows.append({
                "department_id": department_id, "rank": rank,
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "home_community_id": rng.choice(communities) if rng.random() < 0.3 else None,
                "skills": rng.sample(SKILLS, k=rng.choice((0, 0, 1, 1, 2))),
            })
    return rows


#: The roster's words for each rank and skill.
RANK_WORDS = {"district_leader": "区级领导", "division_leader": "处级领导", "staff": "其他干部"}
SKILL_WORDS = {"medical": "医疗", "education": "教育", "employment": "就业", "elderly_care": "养老",
               "housing": "住房", "psychological": "心理疏导"}


def roster_rows(cadres_: list[dict], names: dict, seed: int = 322) -> list[list]:
    """The `cadres` rows as a department roster's (name, department, rank, phone, home
    community, staff number, skills), each with a distinct seeded mobile number. `names` maps
    department and community ids to names."""
    rng = random.Random(seed)
    phones: set[str] = set()
    rows = []
    for index, cadre in enumerate(cadres_, start=1):
        phone = ""
        while not phone or phone in phones:
            phone = f"1{rng.choice('3456789')}{rng.randrange(10 ** 9):09d}"
        phones.add(phone)
        home = cadre["home_community_id"]
        rows.append([cadre["name"], names["departments"][cadre["department_id"]],
                     RANK_WORDS[cadre["rank"]], f"{phone[:3]} {phone[3:7]} {phone[7:]}",
                     names["communities"][home] if home else "", f"YZ{index:05d}",
                     "、".join(SKILL_WORDS[s] for s in cadre["skills"])])
    return rows


def volunteers(communities: dict[int, int], street_ids: list[int], seed: int = 99):
    """Volunteers (capacity 1–4), social organisations and enterprises (larger capacity).
    `communities` maps community id to its street id."""
    rng = random.Random(seed)
    community_ids = sorted(communities)
    rows = []
    for _ in range(900):
        home = rng.choice(community_ids)
        rows.append({"kind": "volunteer", "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                     "home_community_id": home, "capacity": rng.choice((1, 1, 2, 2, 3, 4)),
                     "skills": rng.sample(SKILLS, k=rng.choice((1, 1, 2, 3))),
                     "travel_street_ids": _nearby(rng, communities[home], street_ids)})
    for kind, names, low, high in (("organisation", ORGANISATIONS, 20, 60),
                                   ("enterprise", ENTERPRISES, 10, 30)):
        for name in names:
            home = rng.choice(community_ids)
            rows.append({"kind": kind, "name": name, "home_community_id": home,
                         "capacity": rng.randint(low, high),
                         "skills": rng.sample(SKILLS, k=rng.choice((2, 3, 4))),
                         "travel_street_ids": sorted(set(rng.sample(street_ids, k=4))
                                                     | {communities[home]})})
    return rows


def _nearby(rng: random.Random, home_street: int, street_ids: list[int]) -> list[int]:
    others = [s for s in street_ids if s != home_street]
    return sorted({home_street, *rng.sample(others, k=rng.choice((0, 1, 2)))})
