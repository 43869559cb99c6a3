"""Realistic random instances: the district of the plan's attachment, at any scale."""

from __future__ import annotations

import random

from .model import NEEDS, WELFARE_HOME, Beneficiary, Cadre, Problem, Sponsor, Volunteer

#: street, dibao, tekun, filed_hardship (the plan's attachment) and cadres of its group
STREETS = (("七星岗", 1508, 51, 99, 330), ("解放碑", 1276, 41, 135, 420),
           ("南纪门", 1320, 46, 37, 300), ("上清寺", 686, 13, 109, 360),
           ("朝天门", 1143, 27, 65, 310), ("化龙桥", 579, 15, 33, 250),
           ("大溪沟", 713, 13, 80, 330), ("两路口", 1273, 20, 76, 280),
           ("菜园坝", 1157, 23, 57, 300), ("石油路", 411, 4, 88, 298),
           ("大坪", 801, 23, 24, 400), (WELFARE_HOME, 8, 64, 0, 0))
SKILLS = (*NEEDS, "nursing", "sign_language")
FLAG_NAMES = ("orphan", "disabled", "seriously_ill", "elderly_alone", "student")
FLAG_RATES = (("disabled", 0.12), ("seriously_ill", 0.10), ("elderly_alone", 0.08),
              ("student", 0.09))


def _n(x: int, scale: float) -> int:
    return int(round(x * scale))


def _people(rng: random.Random, scale: float) -> list[Beneficiary]:
    out = []
    for street, dibao, tekun, filed, _ in STREETS:
        n_comm = max(1, _n(dibao + tekun + filed, scale) // 100)
        cats = ["dibao"] * _n(dibao, scale) + ["tekun"] * _n(tekun, scale) + \
            ["filed_hardship"] * _n(filed, scale)
        for cat in cats:
            flags = {f for f, p in FLAG_RATES if rng.random() < p}
            if cat == "tekun" and rng.random() < 0.2:
                flags.add("orphan")
            needs = frozenset(rng.sample(NEEDS, rng.choice((1, 1, 2, 3))))
            req = set()
            if "medical" in needs and rng.random() < 0.05:
                req.add("nursing")
            if "disabled" in flags and rng.random() < 0.05:
                req.add("sign_language")
            out.append(Beneficiary(len(out) + 1, street, f"{street}社区{rng.randrange(n_comm):02d}",
                                   cat, frozenset(flags), needs, frozenset(req)))
    return out


def _cadres(rng: random.Random, scale: float, comms: dict[str, list[str]]) -> list[Cadre]:
    out, names = [], [s[0] for s in STREETS[:-1]]
    for k, (street, *_, n_cadres) in enumerate(STREETS[:-1]):
        n = _n(n_cadres, scale)
        leaders, division = max(1, _n(2.5, scale)), _n(n_cadres * 0.1, scale)
        for i in range(n):
            rank = "district_leader" if i < leaders else \
                "division_leader" if i < leaders + division else "staff"
            cross = set()
            if rng.random() < 0.08:
                cross.add(names[(k + rng.choice((-1, 1))) % len(names)])
            if k == 0 and rng.random() < 0.05:
                cross.add(WELFARE_HOME)
            home = rng.choice(comms[street]) if rng.random() < 0.8 else None
            skills = frozenset(rng.sample(SKILLS, rng.choice((0, 1, 1, 2))))
            out.append(Cadre(len(out) + 1, rank, street, home, frozenset(cross), skills))
    return out


def _volunteers(rng: random.Random, scale: float, comms: dict[str, list[str]]):
    out, names = [], [s[0] for s in STREETS]
    for i in range(_n(1300, scale) + _n(60, scale)):
        org = i >= _n(1300, scale)
        home = rng.choice(names[:-1])
        extra = rng.sample(names, rng.randint(3, 6) if org else rng.randint(0, 2))
        skills = frozenset(rng.sample(SKILLS, rng.randint(2, 4) if org else rng.randint(0, 2)))
        cap = rng.randint(10, 40) if org else rng.randint(1, 3)
        out.append(Volunteer(len(out) + 1, "organisation" if org else "volunteer", skills, cap,
                             rng.choice(comms[home]), home, frozenset(extra)))
    return out


def _history(rng, people, cadres, vols):
    """Existing pairs (for continuity), some of them locked, and declined pairs."""
    by_street: dict[str, list[int]] = {}
    for i, b in enumerate(people):
        by_street.setdefault(b.street, []).append(i)
    locked, forbidden = [], set()
    for c in cadres:
        pool = by_street[c.group_street]
        if rng.random() < 0.3:
            for i in rng.sample(pool, 1 if c.rank == "staff" else 2):
                if people[i].current_cadre_id is None:
                    people[i] = _with(people[i], current_cadre_id=c.id)
                    if rng.random() < 0.05:
                        locked.append(("cadre", c.id, people[i].id))
        if rng.random() < 0.1:
            forbidden.add(("cadre", c.id, people[rng.choice(pool)].id))
    for v in vols:
        i = rng.choice(by_street[v.home_street])
        if rng.random() < 0.2 and people[i].current_volunteer_id is None:
            people[i] = _with(people[i], current_volunteer_id=v.id)
        if rng.random() < 0.05:
            forbidden.add((v.kind, v.id, people[rng.choice(by_street[v.home_street])].id))
    return tuple(locked), frozenset(forbidden - set(locked))


def _with(b: Beneficiary, **kw) -> Beneficiary:
    return Beneficiary(**{**b.__dict__, **kw})


def district_instance(scale: float = 1.0, seed: int = 0) -> Problem:
    """The district of the plan (12,018 people, 3,578 cadres at scale 1), randomised by ``seed``.

    Cadre numbers are not proportional to street size, so street balance matters.
    """
    rng = random.Random(seed)
    people = _people(rng, scale)
    comms: dict[str, list[str]] = {}
    for b in people:
        comms.setdefault(b.street, [])
        if b.community not in comms[b.street]:
            comms[b.street].append(b.community)
    cadres, vols = _cadres(rng, scale, comms), _volunteers(rng, scale, comms)
    locked, forbidden = _history(rng, people, cadres, vols)
    designations = [None, None, "education", "medical", *[s[0] for s in STREETS]]
    sponsors = [Sponsor(i + 1, rng.randrange(100_000, 3_000_000, 100),
                        rng.choice((50_000, 100_000, 200_000)), rng.choice(designations))
                for i in range(_n(20, scale))]
    return Problem(tuple(people), tuple(cadres), tuple(vols), tuple(sponsors), locked,
                   forbidden, seed=seed)


def small_instance(seed: int, people: int = 10, cadres: int = 4, volunteers: int = 2,
                   sponsors: int = 1, limit: int | None = None) -> Problem:
    """A tiny random instance over three streets and the welfare home, for tests."""
    rng = random.Random(seed)
    streets = ("上清寺", "石油路", "大坪", WELFARE_HOME)
    ben = [Beneficiary(i + 1, s := rng.choice(streets), f"{s}{rng.randrange(2)}",
                       rng.choice(("dibao", "dibao", "tekun", "filed_hardship")),
                       frozenset(rng.sample(FLAG_NAMES, rng.randint(0, 2))),
                       frozenset(rng.sample(NEEDS, rng.randint(0, 2))),
                       frozenset({"nursing"}) if rng.random() < 0.15 else frozenset(),
                       rng.choice((None, None, *range(1, cadres + 1))),
                       rng.choice((None, *range(1, volunteers + 1))))
           for i in range(people)]
    cad = [Cadre(i + 1, rng.choice(("district_leader", "division_leader", "staff", "staff")),
                 s := rng.choice(streets[:3]), rng.choice((None, f"{s}0", f"{s}1")),
                 frozenset(rng.sample(streets, rng.randint(0, 1))),
                 frozenset(rng.sample(SKILLS, rng.randint(0, 2)))) for i in range(cadres)]
    vol = [Volunteer(i + 1, rng.choice(("volunteer", "organisation")),
                     frozenset(rng.sample(SKILLS, rng.randint(0, 3))), rng.randint(1, 3),
                     f"{(s := rng.choice(streets))}0", s,
                     frozenset(rng.sample(streets, rng.randint(0, 2)))) for i in range(volunteers)]
    spo = [Sponsor(i + 1, rng.randrange(0, 400_000, 1000), rng.choice((50_000, 100_000)),
                   rng.choice((None, "上清寺", "education"))) for i in range(sponsors)]
    helpers = [("cadre", c.id) for c in cad] + [(v.kind, v.id) for v in vol] + \
        [("sponsor", s.id) for s in spo]
    forbidden = frozenset((*rng.choice(helpers), rng.randint(1, people))
                          for _ in range(rng.randint(0, 3)) if helpers)
    locked = []
    if cad and rng.random() < 0.5:
        c = rng.choice(cad)
        mine = [b for b in ben if b.street in c.cross_street_allowed | {c.group_street}
                and b.required_skills <= c.skills and ("cadre", c.id, b.id) not in forbidden]
        if mine:
            locked.append(("cadre", c.id, rng.choice(mine).id))
    return Problem(tuple(ben), tuple(cad), tuple(vol), tuple(spo), tuple(locked), forbidden,
                   seed=seed, candidate_limit=limit)
