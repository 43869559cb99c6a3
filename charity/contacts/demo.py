"""Demo contacts: a plausible history of visits, talks, calls and help given, logged through
the operation a helper's phone uses. About two in five active pairs have a history over the
time since they began; a few of those were last contacted more than 90 days ago, and the
rest of the people were never contacted (both show on the street's "not contacted" list).
Seeded and idempotent."""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from charity.contacts import operations
from charity.contacts.models import Contact
from charity.contacts.operations import Help, began
from charity.district.models import Department
from charity.extensions import db
from charity.pairing.models import Cadre, Pairing, Volunteer

#: (kind, weight, minutes from, minutes to, notes)
KINDS = (
    ("home_visit", 5, 30, 90, ("上门了解近况，老人身体尚可。", "查看住房，厨房漏水已报社区。")),
    ("heart_to_heart", 3, 20, 60, ("交心谈心，情绪比上次好。", "聊了孩子升学的打算。")),
    ("phone_call", 6, 5, 20, ("电话问候，无新困难。", "电话提醒复诊时间。")),
    ("employment_referral", 1, 30, 120, ("推荐社区公益性岗位面试。",)),
    ("goods", 2, 20, 60, ("送去冬季衣物。",)),
    ("money", 1, 15, 30, ("自费购买药品。",)),
    ("department_referral", 1, 30, 60, ("转介办理临时救助。",)),
)
GOODS = ("米、油各一份", "棉被一床", "学习用品一套", "冬衣两件")


def _log_one(rng: random.Random, pairing: Pairing, day: date, today: date,
             departments: list[int]) -> None:
    kind, _weight, low, high, notes = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
    help_given = Help(goods=rng.choice(GOODS) if kind == "goods" else None,
                      amount_fen=rng.choice((5000, 10000, 20000)) if kind == "money" else None,
                      department_id=rng.choice(departments)
                      if kind == "department_referral" else None)
    operations.log(pairing, kind, day, rng.randrange(low, high + 1, 5), rng.choice(notes),
                   today, help_given)


def load_contacts(today: date, seed: int = 13, share: float = 0.4) -> int:
    """Histories for ``share`` of the active pairs, and for every active pair of the demo
    accounts (one to four entries each, between the day the pair began and today; one
    history in eight stops more than 90 days ago); nothing when any contact exists. Returns
    how many entries were logged."""
    if db.session.scalar(select(func.count(Contact.id))):
        return 0
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    departments = db.session.scalars(select(Department.id).order_by(Department.id)).all()
    accounts = set(db.session.scalars(select(Cadre.id).where(Cadre.user_id.is_not(None))))
    volunteers = set(db.session.scalars(select(Volunteer.id)
                                        .where(Volunteer.user_id.is_not(None))))
    logged = 0
    for pairing in db.session.scalars(select(Pairing).where(Pairing.status == "active")
                                      .order_by(Pairing.id)).all():
        demo = pairing.cadre_id in accounts or pairing.volunteer_id in volunteers
        if rng.random() >= share and not demo:
            continue
        first = began(pairing)
        last = today - timedelta(days=rng.randrange(91, 200)) if rng.random() < 0.125 else today
        if last < first:
            continue
        span = (last - first).days
        for _ in range(rng.randint(1, 4)):
            _log_one(rng, pairing, first + timedelta(days=rng.randint(0, span)), today,
                     departments)
            logged += 1
    return logged
