"""No duplicate benefits: one live award of a kind per person (or household) and period, kept
by the database; the education, care-subsidy and funeral kinds with their rules."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from charity.extensions import db
from charity.labels import label
from charity.relief import checks, periods, standards
from charity.relief import operations as ops
from charity.relief.forms import ApplicationForm
from charity.relief.models import Application
from charity.timeutil import local_today
from tests.committed import at_once, committed_data, empty
from tests.factories import ApplicationFactory, PersonFactory, UserFactory

DAY = date(2026, 11, 29)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


@pytest.fixture
def entrant(session):
    """A dibao student who entered college in 2026."""
    return PersonFactory(student=True, school_level="college", college_entry_year=2026,
                         employment_status="student", birth_date=date(2008, 3, 1))


@pytest.fixture
def tenant(session):
    """A dibao class A recipient (rent subsidy) in a household of two."""
    person = PersonFactory(dibao_class="A")
    PersonFactory(household=person.household, dibao_class="A", name="同户")
    return person


# --- the period keys -------------------------------------------------------------------------

#: kind, day of the application, its period key.
PERIOD_KEYS = """
free_textbooks 2026-08-31 school_year:2025 | free_textbooks 2026-09-01 school_year:2026
bursary 2027-03-01 school_year:2026 | rent_subsidy 2026-11-29 month:2026-11
care_subsidy 2027-01-02 month:2027-01 | autumn_grant 2026-09-10 year:2026
funeral_service 2026-09-10 once | temporary_emergency 2026-11-29 event:2026-11-29
festival_gift 2026-12-20 festival:2027:spring_festival
festival_gift 2027-02-10 festival:2027:spring_festival
festival_gift 2027-06-01 festival:2027:dragon_boat
festival_gift 2027-09-15 festival:2027:mid_autumn
"""


@pytest.mark.parametrize("case", PERIOD_KEYS.replace("|", "\n").split("\n")[1:-1])
def test_each_kind_has_its_period(case):
    kind, day, key = case.split()
    assert periods.period(kind, date.fromisoformat(day)) == key


def test_every_kind_has_a_period_a_label_and_a_measure():
    assert set(periods.PERIODS) == set(standards.KINDS) == set(standards.KIND_LABELS)
    assert periods.period("disaster", DAY, "incident:7") == "event:incident:7"


def test_a_period_reads_in_words(app):
    with app.test_request_context("/?lang=en"):
        assert periods.describe("school_year:2026") == "school year 2026–2027"
        assert periods.describe("legacy:12") == "not kept (made before periods were)"
        assert periods.describe("once") == "once in a lifetime"


def test_a_family_kind_counts_for_the_household():
    assert periods.beneficiary("rent_subsidy", 12, 7) == "household:7"
    assert periods.beneficiary("temporary_expenditure", 12, 7) == "household:7"
    assert periods.beneficiary("autumn_grant", 12, 7) == "person:12"
    assert periods.beneficiary("festival_gift", 12, 7) == "person:12"


# --- the operation refuses a second award -----------------------------------------------------

def test_a_second_autumn_grant_in_a_year_is_refused_naming_the_first(session, entrant, maker):
    first = ops.submit(entrant, "autumn_grant", "考上大学", DAY, maker)
    before = count()
    with pytest.raises(ops.DuplicateAward) as refused:
        ops.submit(entrant, "autumn_grant", "再次申请", date(2026, 12, 20), maker)
    assert str(refused.value) == (f"Already awarded in this period: application {first.id} "
                                  "(Autumn college grant, year 2026, Submitted).")
    assert count() == before


def test_the_refusal_is_in_the_users_language(app, session, entrant, maker):
    first = ops.submit(entrant, "autumn_grant", "考上大学", DAY, maker)
    with app.test_request_context("/?lang=zh_Hans_CN"):
        with pytest.raises(ops.DuplicateAward) as refused:
            ops.submit(entrant, "autumn_grant", "再次申请", DAY, maker)
        assert str(refused.value) == (f"本期已有同类救助，不能重复发放：申请 {first.id}"
                                      "（金秋助学金，2026 年度，已提交）。")


def test_two_festival_gifts_for_one_festival_are_refused(session, person, maker):
    ops.submit(person, "festival_gift", "春节", date(2027, 1, 20), maker)
    with pytest.raises(ops.DuplicateAward, match="New Year and Spring Festival 2027"):
        ops.submit(person, "festival_gift", "春节", date(2026, 12, 28), maker)
    assert ops.submit(person, "festival_gift", "端午", date(2027, 6, 1), maker).period == \
        "festival:2027:dragon_boat"


def test_one_rent_subsidy_per_household_and_month(session, tenant, maker):
    ops.submit(tenant, "rent_subsidy", "租金", DAY, maker, assessed_fen=60_000)
    other = tenant.household.members[1]
    with pytest.raises(ops.DuplicateAward, match="month 2026-11"):
        ops.submit(other, "rent_subsidy", "租金", date(2026, 11, 2), maker, assessed_fen=60_000)
    assert ops.submit(tenant, "rent_subsidy", "租金", date(2026, 12, 1), maker,
                      assessed_fen=60_000).period == "month:2026-12"


def test_temporary_assistance_once_per_household_and_event(session, person, maker):
    ops.submit(person, "temporary_emergency", "火灾", DAY, maker, grade=2, event="fire")
    relative = PersonFactory(household=person.household, relief_case=True)
    with pytest.raises(ops.DuplicateAward, match="event fire"):
        ops.submit(relative, "temporary_emergency", "火灾", DAY, maker, grade=2, event="fire")
    ops.submit(relative, "temporary_emergency", "病", DAY, maker, grade=2)
    with pytest.raises(ops.DuplicateAward):  # unnamed: the day is the event (a double submit)
        ops.submit(relative, "temporary_emergency", "病", DAY, maker, grade=2)
    ops.submit(relative, "temporary_emergency", "病", DAY, maker, grade=2, event="illness")
    with pytest.raises(ops.ReliefError, match="1 to 60"):
        ops.submit(relative, "temporary_emergency", "病", DAY, maker, grade=2, event="x" * 61)


def test_a_rejected_or_expired_award_blocks_nothing(session, entrant, maker, checker, funded):
    first = ops.submit(entrant, "autumn_grant", "考上大学", DAY, maker)
    ops.reject(first, checker, "材料不全")
    second = ops.submit(entrant, "autumn_grant", "补齐材料", DAY, maker)
    ops.approve(second, checker)  # 5,000 yuan from the unrestricted money
    assert second.state == "approved"
    assert ops.expire(date(2099, 1, 1)) == 1 and second.state == "expired"
    third = ops.submit(entrant, "autumn_grant", "重新申请", DAY, maker)
    assert third.state == "submitted"
    with pytest.raises(ops.DuplicateAward, match=f"application {third.id} "):
        ops.submit(entrant, "autumn_grant", "第四次", DAY, maker)


def test_a_paid_award_blocks_the_period(session, person, maker, checker, funded):
    gift = ops.submit(person, "festival_gift", "中秋", date(2026, 9, 20), maker)
    ops.pay(ops.approve(gift, checker), maker)
    with pytest.raises(ops.DuplicateAward, match="Paid"):
        ops.submit(person, "festival_gift", "中秋", date(2026, 10, 1), maker)


# --- the database refuses, whatever writes -------------------------------------------------

def test_the_database_refuses_a_duplicate_written_directly(session):
    first = ApplicationFactory(kind="festival_gift", period="festival:2027:spring_festival")
    ApplicationFactory(kind="festival_gift", person=first.person, state="rejected",
                       period=first.period)  # a rejected one does not count
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            ApplicationFactory(kind="festival_gift", person=first.person, period=first.period)
    # Another kind, another person or another period is another award.
    ApplicationFactory(kind="festival_gift", period=first.period)
    ApplicationFactory(kind="festival_gift", person=first.person, period="festival:2027:x")


def test_the_database_refuses_a_household_duplicate(session):
    first = ApplicationFactory(kind="rent_subsidy", assessed_fen=60_000, period="month:2026-11")
    relative = PersonFactory(household=first.person.household, relief_case=True)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            ApplicationFactory(kind="rent_subsidy", assessed_fen=60_000, person=relative,
                               period="month:2026-11")


def test_the_form_shows_the_refusal_and_saves_nothing(client, auth, session, person, maker):
    session.commit()
    auth.login(maker)
    client.get("/lang/en")
    data = {"person_id": person.id, "kind": "festival_gift", "reason": "节日慰问"}
    made = client.post("/relief/new", data=data)
    assert made.status_code == 302
    festival, year = periods.festival(local_today())
    shown = f"{label(festival)} {year}".encode()
    assert shown in client.get(made.headers["Location"]).data
    before = count()
    response = client.post("/relief/new", data=data)
    assert response.status_code == 400
    assert b"Already awarded in this period: application" in response.data
    assert count() == before


# --- the new kinds ---------------------------------------------------------------------------

EDUCATION = {"fee_waiver": {"preschool", "senior_high", "vocational", "college"},
             "bursary": {"preschool", "senior_high", "vocational", "college"},
             "living_allowance": {"primary", "junior"},
             "work_study": {"college"},
             "love_lunch": {"preschool", "primary", "junior"}}
LEVELS = ("preschool", "primary", "junior", "senior_high", "vocational", "college")


@pytest.mark.parametrize("kind", sorted(EDUCATION))
def test_education_aid_by_stage(app, session, kind):
    for level in LEVELS:
        pupil = PersonFactory(student=level != "preschool", school_level=level,
                              employment_status="child" if level == "preschool" else "student")
        held = {r["code"]: r["holds"] for r in checks.check(pupil, kind, DAY)}
        assert held == {"active": True, kind: level in EDUCATION[kind]}, level
    adult = PersonFactory()
    assert not checks.check(adult, kind, DAY)[1]["holds"]
    assert standards.KINDS[kind] == 5


def test_a_bursary_once_per_school_year(session, maker):
    pupil = PersonFactory(student=True, school_level="senior_high", employment_status="student")
    first = ops.submit(pupil, "bursary", "助学", date(2026, 9, 1), maker)
    assert first.amount_fen == standards.DEFAULT_AMOUNTS["bursary"]
    with pytest.raises(ops.DuplicateAward, match="school year 2026–2027"):
        ops.submit(pupil, "bursary", "助学", date(2027, 8, 31), maker)
    assert ops.submit(pupil, "bursary", "助学", date(2027, 9, 1), maker).period == \
        "school_year:2027"


def test_care_subsidy_monthly_for_tekun_only(app, session, maker):
    tekun = PersonFactory(category="tekun")
    care = ops.submit(tekun, "care_subsidy", "照料护理", DAY, maker)
    assert (care.measure, care.amount_fen, care.period) == (2, 30_000, "month:2026-11")
    with pytest.raises(ops.DuplicateAward):
        ops.submit(tekun, "care_subsidy", "照料护理", date(2026, 11, 30), maker)
    ops.submit(tekun, "care_subsidy", "照料护理", date(2026, 12, 1), maker)
    with pytest.raises(ops.ReliefError, match="A tekun person."):
        ops.submit(PersonFactory(), "care_subsidy", "照料护理", DAY, maker)
    app.config["RELIEF_AMOUNTS"] = {"care_subsidy": 45_000}
    try:
        assert ops.submit(tekun, "care_subsidy", "照料护理", date(2027, 1, 1),
                          maker).amount_fen == 45_000
    finally:
        del app.config["RELIEF_AMOUNTS"]


def test_funeral_service_once_for_tekun_or_orphans(session, maker):
    tekun, orphan = PersonFactory(category="tekun"), PersonFactory(orphan=True)
    ops.submit(tekun, "funeral_service", "殡葬服务", DAY, maker)
    with pytest.raises(ops.DuplicateAward, match="once in a lifetime"):
        ops.submit(tekun, "funeral_service", "殡葬服务", date(2030, 1, 1), maker)
    assert ops.submit(orphan, "funeral_service", "殡葬服务", DAY, maker).measure == 2
    with pytest.raises(ops.ReliefError, match="tekun person or an orphan"):
        ops.submit(PersonFactory(), "funeral_service", "殡葬服务", DAY, maker)


def test_the_form_offers_every_kind(app):
    with app.test_request_context("/?lang=en"):
        offered = {code for code, _label in ApplicationForm(meta={"csrf": False}).kind.choices}
    assert offered == set(standards.KINDS)


# --- two writers at once (PostgreSQL) ----------------------------------------------------------

def clean() -> None:
    empty("allocation_item, allocation_proposal, committee_vote, relief_application, "
          "audit_entry, journal_line, journal_entry, fund_account",
          "DELETE FROM person WHERE name LIKE 'periods%'",
          "DELETE FROM household WHERE code LIKE 'PP%'",
          "DELETE FROM \"user\" WHERE email LIKE 'periods-%'")


def test_two_concurrent_submissions_make_one_award(app, monkeypatch):
    """Both writers pass the check before either adds its row (held at a barrier): the
    database's unique index refuses the second, which is told of the first."""
    checked, original, local = threading.Barrier(2), ops._refuse_duplicate, threading.local()

    def check_then_wait(application):
        original(application)
        if not getattr(local, "waited", False):
            local.waited = True
            checked.wait(timeout=10)

    monkeypatch.setattr(ops, "_refuse_duplicate", check_then_wait)
    with committed_data(app, clean, "two writers need PostgreSQL (SQLite has one writer)"):
        with app.test_request_context("/?lang=en"):
            makers = [UserFactory(role="fund_manager", email=f"periods-{i}@songtan.test")
                      for i in (0, 1)]
            person = PersonFactory(name="periods", student=True, school_level="college",
                                   college_entry_year=2026, household__code="PP0001")
            db.session.commit()
            person_id, maker_ids = person.id, [m.id for m in makers]
        outcomes = _submit_twice(app, person_id, maker_ids)
        assert outcomes.count("ok") == 1, outcomes
        refused = next(o for o in outcomes if o != "ok")
        assert refused.startswith("Already awarded in this period: application"), refused
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def _submit_twice(app, person_id: int, maker_ids: list[int]) -> list[str]:
    """Two threads, each its own session, submit the same autumn grant at the same moment."""
    from charity.auth.models import User
    from charity.registry.models import Person

    def submit(maker_id):
        return lambda: ops.submit(db.session.get(Person, person_id), "autumn_grant", "考上大学",
                                  DAY, db.session.get(User, maker_id))

    return at_once(app, [submit(i) for i in maker_ids], ops.ReliefError)
