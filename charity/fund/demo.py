"""A year of plausible fund history for the demo: the district budget's monthly transfers,
gifts to every kind of designation, a refund, applications at every stage, payments and a
reversal. Idempotent: nothing is added once the demo's first transfer is in the journal."""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from charity.auth.models import User
from charity.auth.operations import create_user
from charity.extensions import db
from charity.fund import operations as ledger
from charity.fund.accounts import account_for
from charity.fund.models import JournalEntry
from charity.registry.models import Person
from charity.relief import operations as relief

DESIGNATIONS = [None, None, None, "measure:4", "measure:5", "measure:3", "measure:6",
                "street:七星岗", "street:解放碑", "street:大坪"]
KINDS = [("temporary_emergency", {"grade": 1}), ("temporary_expenditure", {"grade": 2}),
         ("medical", {"assessed_fen": 300_000}), ("festival_gift", {}),
         ("disaster", {"assessed_fen": 150_000})]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def _money(today: date, rng: random.Random) -> None:
    for months_back in range(12, 0, -1):
        day = today - timedelta(days=30 * months_back)
        ledger.post([("cash", 5_000_000), ("budget", -5_000_000)], kind="budget_transfer",
                    memo="区财政专项拨款", reference=f"demo-budget-{months_back:02d}",
                    posted_at=_at(day))
        for n in range(rng.randint(6, 12)):
            amount = rng.choice([10_000, 20_000, 50_000, 100_000, 500_000, 2_000_000])
            fee = amount * 6 // 1000
            code = account_for(rng.choice(DESIGNATIONS))
            ledger.post([("cash", amount - fee), ("fees", fee), (code, -amount)], kind="gift",
                        memo="捐赠（演示）", reference=f"demo-gift-{months_back:02d}-{n}",
                        posted_at=_at(day + timedelta(days=n)))


def _staff() -> dict[str, User]:
    emails = ["fund@songtan.test", "approver@songtan.test", "approver2@songtan.test",
              "admin@songtan.test"]
    found = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    if "approver2@songtan.test" not in found:
        from charity.demo.operations import DEMO_PASSWORD

        found["approver2@songtan.test"] = create_user(
            "approver2@songtan.test", DEMO_PASSWORD, ["approver"], name="approver2")
    return found


def _applications(today: date, rng: random.Random) -> None:
    staff = _staff()
    maker, checker = staff["fund@songtan.test"], staff["approver@songtan.test"]
    committee = [checker, staff["approver2@songtan.test"], staff["admin@songtan.test"]]
    people = db.session.scalars(select(Person).where(Person.seriously_ill.is_(True))
                                .order_by(Person.id).limit(60)).all()
    made = []
    for i, person in enumerate(people):
        kind, extra = KINDS[i % len(KINDS)]
        try:
            made.append(relief.submit(person, kind, "走访核实，家庭困难（演示）", today, maker,
                                      **extra))
        except relief.ReliefError:
            continue
    for i, application in enumerate(made):
        stage = i % 6
        if stage == 0:
            continue
        relief.approve(application, checker)
        if stage in (1, 2, 3) and application.state == "approved":
            relief.pay(application, maker)
        elif stage == 4 and application.state == "approved":
            relief.reject(application, checker, "复核发现已获其他救助（演示）")
    big = relief.submit(people[0], "medical", "重大疾病，一事一议（演示）", today, maker,
                        assessed_fen=1_800_000, one_case_one_discussion=True)
    relief.approve(big, checker)
    for member, vote in zip(committee, (True, True, False), strict=True):
        relief.vote(big, member, vote, "")
    relief.keep_minutes(big, checker, "案件审议委员会会议纪要（演示）：三人到会，二比一同意救助。")


def load_fund(today: date, seed: int = 2019) -> int:
    """Load the fund's demo history unless it is there; return the entries added."""
    if db.session.scalar(select(JournalEntry.id).where(
            JournalEntry.reference.like("demo-budget-%")).limit(1)):
        return 0
    rng = random.Random(seed)
    before = db.session.scalar(select(JournalEntry.seq).order_by(JournalEntry.seq.desc())) or 0
    _money(today, rng)
    gift = db.session.scalar(select(JournalEntry).where(JournalEntry.kind == "gift")
                             .order_by(JournalEntry.seq.desc()))
    ledger.reverse(gift, reason="重复入账，冲正（演示）")
    _applications(today, rng)
    return (db.session.scalar(select(JournalEntry.seq).order_by(JournalEntry.seq.desc())) or 0) \
        - before
