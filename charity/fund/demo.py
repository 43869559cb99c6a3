"""A year of plausible fund history for the demo: the district budget's monthly transfers,
gifts to every kind of designation, a refund and a reversal, and applications made, approved,
paid or rejected over the past twelve months; a committee case is decided on the day of loading.

Every event is dated, and events are posted in time order, so the hash chain runs forwards in
time and the public disclosure shows money in and out month by month. Idempotent: nothing is
added once the demo's first transfer is in the journal."""

import heapq
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from charity.auth.models import User
from charity.extensions import db
from charity.fund import operations as ledger
from charity.fund.models import JournalEntry
from charity.registry.models import Person
from charity.relief import income_lines
from charity.relief import operations as relief
from charity.relief.allocation import purpose_of
from charity.timeutil import SHANGHAI

DESIGNATIONS = [None, None, None, "measure:4", "measure:5", "measure:3", "measure:6",
                "street:七星岗", "street:解放碑", "street:大坪"]
KINDS = [("temporary_emergency", {"grade": 1}), ("temporary_expenditure", {"grade": 2}),
         ("medical", {"assessed_fen": 300_000}), ("festival_gift", {}),
         ("disaster", {"assessed_fen": 150_000})]
#: What happens to the i-th application, by i % 6: left waiting, paid (three in six),
#: approved and rejected on review, approved and still reserved.
STAGES = ("waiting", "paid", "paid", "paid", "rejected", "reserved")


def _at(day: date, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC) + timedelta(minutes=minute)


def _money(today: date, rng: random.Random, events: list) -> None:
    """Monthly budget transfers and gifts; one gift refunded in part, one reversed."""
    for months_back in range(12, 0, -1):
        day = today - timedelta(days=30 * months_back)
        events.append((_at(day), lambda at, m=months_back: ledger.post(
            [("cash", 5_000_000), ("budget", -5_000_000)], kind="budget_transfer",
            memo="区财政专项拨款", reference=f"demo-budget-{m:02d}", posted_at=at)))
        for n in range(rng.randint(6, 12)):
            amount = rng.choice([10_000, 20_000, 50_000, 100_000, 500_000, 2_000_000])
            designation = rng.choice(DESIGNATIONS)
            events.append((_at(day + timedelta(days=n), 1), lambda at, a=amount, d=designation,
                           m=months_back, n=n: ledger.record_gift(
                               amount_fen=a, fee_fen=a * 6 // 1000, designation=d,
                               reference=f"demo-gift-{m:02d}-{n}", memo="捐赠（演示）",
                               posted_at=at)))
    refunded, reversed_ = today - timedelta(days=30 * 9), today - timedelta(days=30 * 5)
    events.append((_at(refunded + timedelta(days=3), 2), lambda at: ledger.record_refund(
        gift_reference="demo-gift-09-0", amount_fen=5_000, reference="demo-refund-09-0",
        memo="捐赠人申请退回部分善款（演示）", posted_at=at)))
    events.append((_at(reversed_ + timedelta(days=2), 2), lambda at: ledger.reverse(
        db.session.scalar(select(JournalEntry).where(JournalEntry.reference ==
                                                     "demo-gift-05-1")),
        reason="重复入账，冲正（演示）", posted_at=at)))


def _staff() -> dict[str, User]:
    emails = ["fund@songtan.test", "approver@songtan.test", "approver2@songtan.test",
              "admin@songtan.test"]
    return {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}


def _story(application, stage: str, start: datetime, maker, checker) -> list:
    """The dated steps of one application after it was made: approval (a reservation),
    then payment or a rejection that releases the money."""
    if stage == "waiting":
        return []

    def approve(at):
        try:
            sources = relief.choose_sources(application)
        except relief.ReliefError:
            return  # not enough money that day: it stays waiting
        ledger.reserve(application.id, sources, purpose_of(application), user=checker,
                       memo=application.kind, posted_at=at)
        application.state, application.decided_by_id, application.decided_at = \
            "approved", checker.id, at
        application.expires_on = at.astimezone(SHANGHAI).date() + timedelta(days=60)

    def pay(at):
        if application.state == "approved":
            ledger.pay(application.id, application.measure, user=maker, posted_at=at,
                       memo=application.kind)
            application.state, application.paid_by_id, application.paid_at = \
                "paid", maker.id, at

    def reject(at):
        if application.state == "approved":
            ledger.release(application.id, reason="复核发现已获其他救助（演示）", user=checker,
                           posted_at=at)
            application.state, application.decided_at = "rejected", at
            application.decision_note = "复核发现已获其他救助（演示）"

    steps = [(start + timedelta(days=3), approve)]
    if stage in ("paid", "rejected"):
        steps.append((start + timedelta(days=10), pay if stage == "paid" else reject))
    return steps


def _applications(today: date, rng: random.Random, events: list) -> tuple[dict, list]:
    staff = _staff()
    people = db.session.scalars(select(Person).where(Person.seriously_ill.is_(True))
                                .order_by(Person.id).limit(60)).all()
    for i, person in enumerate(people):
        kind, extra = KINDS[i % len(KINDS)]
        stage = STAGES[i % len(STAGES)]
        # Waiting and reserved cases are recent; the rest spread over the year.
        days_back = rng.randint(4, 40) if stage in ("waiting", "reserved") else \
            rng.randint(20, 350)
        made = today - timedelta(days=days_back)
        events.append((_at(made, 3 + i), _submission(person, kind, extra, stage, made, staff)))
    _care_and_education(today, staff, events)
    return staff, people


def _submission(person, kind: str, extra: dict, stage: str, made: date, staff: dict):
    """The dated event that submits one application and returns its later steps; a case the
    rules refuse (not eligible, already awarded in its period) is left out."""
    maker, checker = staff["fund@songtan.test"], staff["approver@songtan.test"]

    def submit(at):
        try:
            application = relief.submit(person, kind, "走访核实，家庭困难（演示）", made, maker,
                                        **extra)
        except relief.ReliefError:
            return None
        application.created_at = at
        return _story(application, stage, at, maker, checker)
    return submit


def _care_and_education(today: date, staff: dict, events: list) -> None:
    """Measure 2 and 5 awards, each once in its period: three tekun persons' care subsidy for
    each of the last three months, and a bursary this school year for three students."""
    tekun = db.session.scalars(select(Person).where(Person.category == "tekun")
                               .order_by(Person.id).limit(3)).all()
    for n, person in enumerate(tekun):
        for months_back in (3, 2, 1):
            made = (today.replace(day=1) - timedelta(days=28 * months_back - 14))
            events.append((_at(made, 70 + n), _submission(
                person, "care_subsidy", {}, "paid", made, staff)))
    students = db.session.scalars(select(Person).where(
        Person.student.is_(True), Person.school_level.in_(("senior_high", "vocational")))
        .order_by(Person.id).limit(3)).all()
    for n, person in enumerate(students):
        made = today - timedelta(days=20 + n)
        events.append((_at(made, 80 + n), _submission(person, "bursary", {}, "paid", made,
                                                      staff)))


def _committee(today: date, staff: dict, people: list) -> None:
    """A major case decided by the case committee on the day of loading."""
    maker, checker = staff["fund@songtan.test"], staff["approver@songtan.test"]
    committee = [checker, staff["approver2@songtan.test"], staff["admin@songtan.test"]]
    big = relief.submit(people[0], "medical", "重大疾病，一事一议（演示）", today, maker,
                        assessed_fen=1_800_000, one_case_one_discussion=True)
    relief.approve(big, checker)
    for member, vote in zip(committee, (True, True, False), strict=True):
        relief.vote(big, member, vote, "")
    relief.keep_minutes(big, checker, "案件审议委员会会议纪要（演示）：三人到会，二比一同意救助。")


def _run(events: list) -> None:
    """Post dated events in time order (ties in the order they were made); an event that
    returns a list of later (time, event) steps has them queued in turn."""
    queue = [(at, i, event) for i, (at, event) in enumerate(events)]
    heapq.heapify(queue)
    count = len(queue)
    while queue:
        at, _, event = heapq.heappop(queue)
        steps = event(at)
        for when, step in steps if isinstance(steps, list) else ():
            count += 1
            heapq.heappush(queue, (when, count, step))


def load_fund(today: date, seed: int = 2019) -> int:
    """Load the fund's demo history unless it is there; return the entries added."""
    if db.session.scalar(select(JournalEntry.id).where(
            JournalEntry.reference.like("demo-budget-%")).limit(1)):
        return 0
    rng = random.Random(seed)
    before = db.session.scalar(select(JournalEntry.seq).order_by(JournalEntry.seq.desc())) or 0
    events: list = []
    _money(today, rng, events)
    income_lines.fill_missing(today)
    staff, people = _applications(today, rng, events)
    _run(events)
    _committee(today, staff, people)
    return (db.session.scalar(select(JournalEntry.seq).order_by(JournalEntry.seq.desc())) or 0) \
        - before
