"""Realistic random instances: the district of the plan's attachment, at any scale.
They draw from :class:`random.Random`: reproducible test data, not secrets."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np

from .candidates import eligible
from .layers import build_layer
from .model import NEEDS, WELFARE_HOME, Beneficiary, Cadre, Problem, Sponsor, Volunteer
from .vocabulary import vocabulary

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


def _scaled(count: float, scale: float) -> int:
    return int(round(count * scale))


def _person(rng: random.Random, number: int, street: str, communities: int, category: str):
    flags = {flag for flag, rate in FLAG_RATES if rng.random() < rate}
    if category == "tekun" and rng.random() < 0.2:
        flags.add("orphan")
    needs = frozenset(rng.sample(NEEDS, rng.choice((1, 1, 2, 3))))
    required = set()
    if "medical" in needs and rng.random() < 0.05:
        required.add("nursing")
    if "disabled" in flags and rng.random() < 0.05:
        required.add("sign_language")
    return Beneficiary(number, street, f"{street}社区{rng.randrange(communities):02d}",
                       category, frozenset(flags), needs, frozenset(required))


def _people(rng: random.Random, scale: float) -> list[Beneficiary]:
    out = []
    for street, dibao, tekun, filed, _ in STREETS:
        communities = max(1, _scaled(dibao + tekun + filed, scale) // 100)
        categories = ["dibao"] * _scaled(dibao, scale) + ["tekun"] * _scaled(tekun, scale) + \
            ["filed_hardship"] * _scaled(filed, scale)
        for category in categories:
            out.append(_person(rng, len(out) + 1, street, communities, category))
    return out


def _cadres(rng: random.Random, scale: float, communities: dict[str, list[str]]) -> list[Cadre]:
    out, names = [], [row[0] for row in STREETS[:-1]]
    for number, (street, *_, group_size) in enumerate(STREETS[:-1]):
        leaders = max(1, _scaled(2.5, scale))
        division = _scaled(group_size * 0.1, scale)
        for i in range(_scaled(group_size, scale)):
            rank = "district_leader" if i < leaders else \
                "division_leader" if i < leaders + division else "staff"
            cross = set()
            if rng.random() < 0.08:
                cross.add(names[(number + rng.choice((-1, 1))) % len(names)])
            if number == 0 and rng.random() < 0.05:
                cross.add(WELFARE_HOME)
            home = rng.choice(communities[street]) if rng.random() < 0.8 else None
            skills = frozenset(rng.sample(SKILLS, rng.choice((0, 1, 1, 2))))
            out.append(Cadre(len(out) + 1, rank, street, home, frozenset(cross), skills))
    return out


def _volunteers(rng: random.Random, scale: float, communities: dict[str, list[str]]):
    out, names = [], [row[0] for row in STREETS]
    for i in range(_scaled(1300, scale) + _scaled(60, scale)):
        organisation = i >= _scaled(1300, scale)
        home = rng.choice(names[:-1])
        extra = rng.sample(names, rng.randint(3, 6) if organisation else rng.randint(0, 2))
        skills = frozenset(rng.sample(SKILLS, rng.randint(2, 4) if organisation
                                      else rng.randint(0, 2)))
        capacity = rng.randint(10, 40) if organisation else rng.randint(1, 3)
        out.append(Volunteer(len(out) + 1, "organisation" if organisation else "volunteer",
                             skills, capacity, rng.choice(communities[home]), home,
                             frozenset(extra)))
    return out


def _cadre_history(rng, people, by_street, cadres, locked, forbidden) -> None:
    """Existing cadre pairs (for continuity), some of them locked, and declined pairs."""
    for cadre in cadres:
        pool = by_street[cadre.group_street]
        if rng.random() < 0.3:
            for i in rng.sample(pool, 1 if cadre.rank == "staff" else 2):
                if people[i].current_cadre_id is None:
                    people[i] = replace(people[i], current_cadre_id=cadre.id)
                    if rng.random() < 0.05:
                        locked.append(("cadre", cadre.id, people[i].id))
        if rng.random() < 0.1:
            forbidden.add(("cadre", cadre.id, people[rng.choice(pool)].id))


def _history(rng, people, cadres, volunteers):
    """Existing pairs (for continuity), some of them locked, and declined pairs."""
    by_street: dict[str, list[int]] = {}
    for i, person in enumerate(people):
        by_street.setdefault(person.street, []).append(i)
    locked, forbidden = [], set()
    _cadre_history(rng, people, by_street, cadres, locked, forbidden)
    for volunteer in volunteers:
        i = rng.choice(by_street[volunteer.home_street])
        if rng.random() < 0.2 and people[i].current_volunteer_id is None:
            people[i] = replace(people[i], current_volunteer_id=volunteer.id)
        if rng.random() < 0.05:
            pool = by_street[volunteer.home_street]
            forbidden.add((volunteer.kind, volunteer.id, people[rng.choice(pool)].id))
    return tuple(locked), frozenset(forbidden - set(locked))


def district_instance(scale: float = 1.0, seed: int = 0) -> Problem:
    """The district of the plan (12,018 people, 3,578 cadres at scale 1), randomised by ``seed``.
    Cadre numbers are not proportional to street size, so street balance matters."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    people = _people(rng, scale)
    communities: dict[str, list[str]] = {}
    for person in people:
        here = communities.setdefault(person.street, [])
        if person.community not in here:
            here.append(person.community)
    cadres = _cadres(rng, scale, communities)
    volunteers = _volunteers(rng, scale, communities)
    locked, forbidden = _history(rng, people, cadres, volunteers)
    designations = [None, None, "education", "medical", *[row[0] for row in STREETS]]
    sponsors = [Sponsor(i + 1, rng.randrange(100_000, 3_000_000, 100),
                        rng.choice((50_000, 100_000, 200_000)), rng.choice(designations))
                for i in range(_scaled(20, scale))]
    return Problem(tuple(people), tuple(cadres), tuple(volunteers), tuple(sponsors), locked,
                   forbidden, seed=seed)


def _lockable(problem: Problem, cadre: Cadre) -> list[Beneficiary]:
    """The people ``cadre`` may pair with under the solver's rules, in id order."""
    codes = vocabulary(problem)
    layer = build_layer(problem, "cadre", codes)
    helper = np.full(len(codes.people), layer.helpers.index(cadre))
    allowed = eligible(layer, helper, np.arange(len(codes.people)))
    return [person for person, ok in zip(codes.people, allowed.tolist(), strict=True)
            if ok and ("cadre", cadre.id, person.id) not in problem.forbidden]


def _small_people(rng: random.Random, count: int, cadres: int, volunteers: int, streets):
    return [Beneficiary(i + 1, street := rng.choice(streets), f"{street}{rng.randrange(2)}",
                        rng.choice(("dibao", "dibao", "tekun", "filed_hardship")),
                        frozenset(rng.sample(FLAG_NAMES, rng.randint(0, 2))),
                        frozenset(rng.sample(NEEDS, rng.randint(0, 2))),
                        frozenset({"nursing"}) if rng.random() < 0.15 else frozenset(),
                        rng.choice((None, None, *range(1, cadres + 1))),
                        rng.choice((None, *range(1, volunteers + 1))))
            for i in range(count)]


def _small_helpers(rng: random.Random, cadres: int, volunteers: int, sponsors: int, streets):
    return ([Cadre(i + 1, rng.choice(("district_leader", "division_leader", "staff", "staff")),
                   street := rng.choice(streets[:3]),
                   rng.choice((None, f"{street}0", f"{street}1")),
                   frozenset(rng.sample(streets, rng.randint(0, 1))),
                   frozenset(rng.sample(SKILLS, rng.randint(0, 2)))) for i in range(cadres)],
            [Volunteer(i + 1, rng.choice(("volunteer", "organisation")),
                       frozenset(rng.sample(SKILLS, rng.randint(0, 3))), rng.randint(1, 3),
                       f"{(street := rng.choice(streets))}0", street,
                       frozenset(rng.sample(streets, rng.randint(0, 2))))
             for i in range(volunteers)],
            [Sponsor(i + 1, rng.randrange(0, 400_000, 1000), rng.choice((50_000, 100_000)),
                     rng.choice((None, "上清寺", "education"))) for i in range(sponsors)])


def small_instance(seed: int, people: int = 10, cadres: int = 4, volunteers: int = 2,
                   sponsors: int = 1, limit: int | None = None) -> Problem:
    """A tiny random instance over three streets and the welfare home, for tests."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    streets = ("上清寺", "石油路", "大坪", WELFARE_HOME)
    persons = _small_people(rng, people, cadres, volunteers, streets)
    cadre_list, volunteer_list, sponsor_list = _small_helpers(rng, cadres, volunteers, sponsors,
                                                              streets)
    helpers = [("cadre", cadre.id) for cadre in cadre_list] + \
        [(volunteer.kind, volunteer.id) for volunteer in volunteer_list] + \
        [("sponsor", sponsor.id) for sponsor in sponsor_list]
    forbidden = frozenset((*rng.choice(helpers), rng.randint(1, people))
                          for _ in range(rng.randint(0, 3)) if helpers)
    problem = Problem(tuple(persons), tuple(cadre_list), tuple(volunteer_list),
                      tuple(sponsor_list), (), forbidden, seed=seed, candidate_limit=limit)
    if cadre_list and rng.random() < 0.5:
        cadre = rng.choice(cadre_list)
        mine = _lockable(problem, cadre)
        if mine:
            problem = replace(problem, locked=(("cadre", cadre.id, rng.choice(mine).id),))
    return problem


HOUSEHOLD_SIZES = (1, 1, 1, 2, 2, 2, 3, 3, 4, 5)  #: drawn for each household in turn


def with_households(problem: Problem, seed: int = 0, apart: float = 0.0) -> Problem:
    """``problem`` with its people in households: each street's people, in id order, in
    households of :data:`HOUSEHOLD_SIZES` drawn in turn; each person with probability
    ``apart`` joins a household of a random other person instead (so, perhaps, of another
    street: a household the tests see split across streets)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    people = sorted(problem.beneficiaries, key=lambda person: (person.street, person.id))
    home, street, left, number = {}, None, 0, 0
    for person in people:
        if person.street != street or left == 0:
            street, left, number = person.street, rng.choice(HOUSEHOLD_SIZES), number + 1
        home[person.id], left = number, left - 1
    for person in people:
        if rng.random() < apart:
            home[person.id] = home[rng.choice(people).id]
    return replace(problem, beneficiaries=tuple(
        replace(person, household_id=home[person.id]) for person in problem.beneficiaries))


CITY_ID_STRIDE = 10**7  #: ids of district k start at k * CITY_ID_STRIDE


def _moved(problem: Problem, prefix: str, offset: int) -> Problem:
    """``problem`` with every street and community prefixed and every id moved by ``offset``;
    sponsors pledge to one of its streets (in turn), so its money stays in the district."""
    def street(name):
        return None if name is None else prefix + name

    def streets(names):
        return frozenset(prefix + name for name in names)

    def moved(helper_id):
        return None if helper_id is None else helper_id + offset

    own = sorted({person.street for person in problem.beneficiaries})
    return Problem(
        tuple(replace(p, id=p.id + offset, street=street(p.street),
                      community=street(p.community),
                      current_cadre_id=moved(p.current_cadre_id),
                      current_volunteer_id=moved(p.current_volunteer_id))
              for p in problem.beneficiaries),
        tuple(replace(c, id=c.id + offset, group_street=street(c.group_street),
                      home_community=street(c.home_community),
                      cross_street_allowed=streets(c.cross_street_allowed))
              for c in problem.cadres),
        tuple(replace(v, id=v.id + offset, home_street=street(v.home_street),
                      home_community=street(v.home_community),
                      travel_streets=streets(v.travel_streets)) for v in problem.volunteers),
        tuple(replace(s, id=s.id + offset, designation=prefix + own[s.id % len(own)])
              for s in problem.sponsors),
        tuple((kind, helper + offset, person + offset) for kind, helper, person in problem.locked),
        frozenset((kind, helper + offset, person + offset)
                  for kind, helper, person in problem.forbidden),
        seed=problem.seed)


def city_instance(districts: int = 2, scale: float = 1.0, seed: int = 0) -> Problem:
    """``districts`` districts (:func:`district_instance` with seeds ``seed``, ``seed + 1``, ...)
    side by side in one problem: streets named "<k>区<street>", ids ``k * CITY_ID_STRIDE`` apart.
    Each district's sponsors pledge to its own streets (undesignated money, or money for a need,
    could go to any street of the city and would join the districts into one component)."""
    parts = [_moved(district_instance(scale, seed + k), f"{k + 1}区", k * CITY_ID_STRIDE)
             for k in range(districts)]
    return Problem(*(tuple(x for part in parts for x in getattr(part, name))
                     for name in ("beneficiaries", "cadres", "volunteers", "sponsors", "locked")),
                   frozenset().union(*(part.forbidden for part in parts)), seed=seed)
