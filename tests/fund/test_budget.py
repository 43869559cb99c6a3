"""Budget appropriations (纳入本级预算): four eyes before the ledger, one per document, and
budget income on the public disclosure."""

from datetime import date

import pytest
from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.fund import budget
from charity.fund.models import BudgetAppropriation, JournalEntry
from tests.factories import UserFactory

DOC = "渝中财社〔2026〕12号"


def _item(document=DOC, amount_fen=50_000_000, measure=None):
    return budget.Appropriation(document, date(2026, 3, 1), amount_fen, measure)


def test_recorded_is_not_in_the_ledger_until_another_user_approves(session, maker, checker):
    row = budget.record(_item(measure=4), user=maker)
    assert row.entry_id is None
    assert session.scalar(select(JournalEntry).where(JournalEntry.kind == "budget_transfer")) \
        is None
    budget.approve(row, user=checker)
    entry = session.get(JournalEntry, row.entry_id)
    assert entry.kind == "budget_transfer" and entry.reference == f"budget:{DOC}"
    amounts = {line.account.code: int(line.amount) for line in entry.lines}
    assert amounts == {"cash": 50_000_000, "restricted:measure:4": -50_000_000}
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "budget_appropriation")).all()
    assert actions == ["budget_recorded", "budget_approved"]


def test_unrestricted_goes_to_the_budget_account(session, maker, checker):
    row = budget.record(_item(), user=maker)
    budget.approve(row, user=checker)
    entry = session.get(JournalEntry, row.entry_id)
    assert {line.account.code for line in entry.lines} == {"cash", "budget"}


def test_four_eyes_refused_for_the_same_user(session):
    admin = UserFactory(role="admin")
    row = budget.record(_item(), user=admin)
    with pytest.raises(budget.SelfApproval):
        budget.approve(row, user=admin)
    assert row.entry_id is None


def test_approved_twice_is_refused(session, maker, checker):
    row = budget.record(_item(), user=maker)
    budget.approve(row, user=checker)
    with pytest.raises(budget.BudgetError, match="approved already"):
        budget.approve(row, user=UserFactory(role="approver"))
    assert session.scalar(select(JournalEntry.id).where(
        JournalEntry.kind == "budget_transfer").offset(1)) is None


def test_duplicate_document_number_is_refused(session, maker):
    budget.record(_item(), user=maker)
    with pytest.raises(budget.BudgetError, match="recorded already"):
        budget.record(_item(document=f"  {DOC} "), user=maker)
    assert len(session.scalars(select(BudgetAppropriation)).all()) == 1


@pytest.mark.parametrize("item", [_item(amount_fen=0), _item(amount_fen=-5),
                                  _item(amount_fen=10**15), _item(measure=11),
                                  _item(document=""), _item(document="x" * 61)])
def test_bad_appropriations_are_refused(session, maker, item):
    with pytest.raises(budget.BudgetError):
        budget.record(item, user=maker)
    assert session.scalar(select(BudgetAppropriation)) is None


def test_pages_record_then_approve_then_disclose(client, auth, session, maker, checker):
    auth.login(maker)
    client.get("/lang/en")
    form = {"document": DOC, "issued_on": "2026-03-01", "amount": "500000", "measure": ""}
    assert client.post("/fund/budget/", data=form).status_code == 302
    assert client.post("/fund/budget/", data=form).status_code == 400  # a double submit
    assert client.post("/fund/budget/", data=form | {"document": "B", "amount": "-1"}) \
        .status_code == 400
    row = session.scalar(select(BudgetAppropriation))
    assert client.post(f"/fund/budget/{row.id}/approve").status_code == 403  # not an approver
    auth.logout()
    auth.login(checker)
    assert client.post("/fund/budget/", data=form | {"document": "C"}).status_code == 403
    assert client.post(f"/fund/budget/{row.id}/approve").status_code == 302
    page = client.get("/fund/disclosure").get_data(as_text=True)
    assert "Of money in, from the district budget" in page and "¥500,000.00" in page


def _clean_budget() -> None:
    from tests.committed import empty

    empty("budget_appropriation, audit_entry, journal_line, journal_entry, fund_account",
          "DELETE FROM \"user\" WHERE email LIKE 'budget-race-%'")


@pytest.fixture
def committed(app):
    from tests.committed import committed_data

    with committed_data(app, _clean_budget, "two writers need PostgreSQL (SQLite has one)"):
        yield


def test_two_approvers_at_once_post_once(app, committed):
    from charity.extensions import db
    from tests.fund.test_ledger_concurrency import run_concurrently

    maker = UserFactory(role="fund_manager", email="budget-race-maker@songtan.test")
    checkers = [UserFactory(role="approver", email=f"budget-race-{i}@songtan.test")
                for i in range(2)]
    row_id = budget.record(_item(), user=maker).id
    db.session.commit()
    checker_ids = [c.id for c in checkers]

    def approve(i):
        from charity.auth.models import User

        budget.approve(db.session.get(BudgetAppropriation, row_id),
                       user=db.session.get(User, checker_ids[i]))

    outcomes = run_concurrently(app, 2, approve)
    assert sorted(outcomes) == ["This appropriation is approved already.", "ok"]
    assert len(db.session.scalars(select(JournalEntry).where(
        JournalEntry.kind == "budget_transfer")).all()) == 1
