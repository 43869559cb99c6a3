"""The demo's volunteers and organisations, written the way real ones are: each signs up,
confirms its e-mail and is approved by the street officer of its home street (no mail is sent:
the demo's addresses reach nobody). The first volunteer signs up as the demo account
volunteer@songtan.test; every demo helper shares the demo password."""

import random

from sqlalchemy import func, select

from charity.auth.models import User
from charity.district.models import Community, Street
from charity.extensions import db
from charity.pairing.models import Volunteer
from charity.volunteers import operations
from charity.volunteers.forms import LANGUAGES, TIMES

#: The demo account of the first volunteer; the others' addresses are under this domain.
DEMO_VOLUNTEER = "volunteer@songtan.test"
DOMAIN = "volunteers.songtan.test"


def _extras(rng: random.Random, index: int, kind: str) -> dict:
    """What the demo's rows did not have before sign-up existed: e-mail, a unique mobile,
    languages, availability and an organisation's contact person."""
    languages = ["mandarin", *rng.sample(LANGUAGES[1:], k=rng.choice((0, 1, 1, 2)))]
    times = sorted(rng.sample(TIMES, k=rng.randint(2, 8)), key=TIMES.index)
    return {"email": DEMO_VOLUNTEER if index == 0 else f"helper{index:04d}@{DOMAIN}",
            "phone": f"139{index:08d}", "languages": tuple(languages),
            "availability": tuple(times),
            "contact_person": None if kind == "volunteer" else "联络人" + f"{index:04d}"[-2:]}


def load_volunteers(rows: list[dict], officers: dict[int, User], password: str,
                    seed: int = 13) -> int:
    """Sign up, confirm and approve each of `rows` (the demo's helpers: kind, name, home
    community, capacity, skills, travel streets; the street aid centre among the organisations
    signs up as one) by the officer of its street (`officers`:
    street id to account), unless helpers exist already; return how many were written."""
    if db.session.scalar(select(func.count(Volunteer.id))):
        return 0
    rng = random.Random(seed)  # noqa: S311 - a reproducible demo, not a secret
    streets = dict(db.session.execute(select(Community.id, Community.street_id)).all())
    hashed = operations.password_hash(password, DEMO_VOLUNTEER, "")
    if rows and rows[0]["kind"] != "volunteer":
        raise ValueError("the demo's first helper is the demo volunteer")
    for index, row in enumerate(rows):
        extra = _extras(rng, index, row["kind"])
        home_street = streets[row["home_community_id"]]  # always served: not listed
        travel = tuple(s for s in row["travel_street_ids"] if s != home_street)
        profile = operations.Profile(
            phone=extra["phone"], capacity=row["capacity"], skills=tuple(row["skills"]),
            languages=extra["languages"], travel_street_ids=travel,
            availability=extra["availability"])
        kind = "aid_centre" if "稻草援助中心" in row["name"] else row["kind"]
        volunteer = operations.sign_up(operations.Application(
            kind=kind, name=row["name"], email=extra["email"],
            home_community_id=row["home_community_id"], profile=profile,
            contact_person=extra["contact_person"]), hashed)
        operations.confirm(volunteer)
        operations.approve(volunteer, officers[home_street])
    _waiting(hashed)
    return len(rows)


#: Two sign-ups the demo leaves confirmed and waiting, so the officer of the first street
#: (officer-qixinggang@songtan.test) has a queue to decide (the optimiser does not see them).
WAITING = (("陈晓燕", ("elderly_care", "psychological")), ("周建国", ("employment",)))


def _waiting(hashed: str) -> None:
    community_id = db.session.scalar(select(Community.id).join(Street)
                                     .order_by(Street.position, Community.id).limit(1))
    for number, (name, skills) in enumerate(WAITING, start=1):
        profile = operations.Profile(phone=f"1370000{number:04d}", capacity=number,
                                     skills=skills, languages=("mandarin",),
                                     availability=("sat-morning", "sun-afternoon"))
        volunteer = operations.sign_up(operations.Application(
            kind="volunteer", name=name, email=f"waiting{number}@{DOMAIN}",
            home_community_id=community_id, profile=profile), hashed)
        operations.confirm(volunteer)
