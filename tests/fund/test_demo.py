"""The demo's fund history: a year of dated events, in time order, that verify."""

from datetime import date

from sqlalchemy import select

from charity.fund.demo import load_fund
from charity.fund.disclosure import build
from charity.fund.models import JournalEntry
from charity.fund.verify import verify
from charity.relief.models import Application
from tests.factories import PersonFactory, UserFactory

TODAY = date(2026, 11, 29)


def test_demo_history_spreads_over_a_year_in_time_order(session):
    for role, email in (("fund_manager", "fund@songtan.test"),
                        ("approver", "approver@songtan.test"), ("admin", "admin@songtan.test"),
                        ("approver", "approver2@songtan.test")):
        UserFactory(role=role, email=email)
    PersonFactory.create_batch(18, relief_case=True)
    PersonFactory(category="tekun")
    PersonFactory(student=True, school_level="senior_high", employment_status="student")
    added = load_fund(TODAY)
    entries = session.scalars(select(JournalEntry).order_by(JournalEntry.seq)).all()
    assert added == len(entries) > 100
    times = [e.posted_at for e in entries]
    assert times == sorted(times)
    kinds = {e.kind for e in entries}
    assert {"refund", "reversal", "reserve", "payment"} <= kinds
    assert any(e.kind == "reversal" and e.reverses.kind == "gift" for e in entries)
    paid_months = {f"{e.posted_at:%Y-%m}" for e in entries if e.kind == "payment"}
    assert len(paid_months) >= 4
    assert len([m for m, (_, out) in build().months.items() if out]) >= 4
    assert verify().ok
    assert load_fund(TODAY) == 0
    awards = session.execute(select(Application.kind, Application.period)).all()
    assert {period for kind, period in awards if kind == "care_subsidy"} == \
        {"month:2026-08", "month:2026-09", "month:2026-10"}
    assert ("bursary", "school_year:2026") in awards
