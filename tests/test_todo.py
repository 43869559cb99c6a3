"""Each role's to-do list on the home page: counts from the records, within the user's own
streets, four eyes kept (what a user made never waits for their decision), and the approver's
"waiting for me" list apart from the history. The browser test walks every role once
(`tests/test_browser_todo.py`); these check the rules fast."""

import re
from datetime import timedelta

from charity.extensions import db
from charity.fund.models import BudgetAppropriation
from charity.timeutil import local_today
from tests.factories import ApplicationFactory, PersonFactory, UserFactory


def _counts(client) -> dict[str, int]:
    """The home page's to-do lines: label -> count."""
    page = client.get("/").get_data(as_text=True)
    return {label: int(count) for count, label in re.findall(
        r'data-count="(\d+)">\d+</span> <a href="[^"]*">([^<]+)</a>', page)}


def test_the_approver_waits_only_for_what_others_made(client, auth):
    approver = UserFactory(role="approver")
    officer = UserFactory(role="street_officer")
    ApplicationFactory.create_batch(2, created_by=officer)
    mine = ApplicationFactory(created_by=approver)
    ApplicationFactory(created_by=officer, state="rejected")
    db.session.add(BudgetAppropriation(document="渝中财〔2026〕1号", issued_on=local_today(),
                                       amount_fen=100_000, recorded_by_id=officer.id))
    db.session.add(BudgetAppropriation(document="渝中财〔2026〕2号", issued_on=local_today(),
                                       amount_fen=100_000, recorded_by_id=approver.id))
    db.session.flush()
    auth.login(approver)
    client.get("/lang/en")
    counts = _counts(client)
    assert counts["Applications waiting for your decision"] == 2
    assert counts["Budget appropriations waiting for approval"] == 1
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'class="waiting-for-me">Waiting for me <mark class="count">3</mark>', page)
    waiting = client.get("/fund/approvals?view=waiting").get_data(as_text=True)
    assert 'data-count="2"' in waiting and "渝中财〔2026〕1号" in waiting
    assert f'application_id={mine.id}' not in waiting and f"/relief/{mine.id}\"" not in waiting
    assert "渝中财〔2026〕2号" not in waiting
    history = client.get("/fund/approvals").get_data(as_text=True)
    assert f"/relief/{mine.id}\"" in history


def test_the_waiting_list_is_an_approvers_and_a_bad_view_is_refused(client, auth):
    auth.login(UserFactory(role="auditor"))
    assert client.get("/fund/approvals").status_code == 200
    assert client.get("/fund/approvals?view=waiting").status_code == 403
    assert client.get("/fund/approvals?view=everything").status_code == 400
    assert "Waiting for your decision" not in client.get("/").get_data(as_text=True)


def test_a_street_officer_counts_only_their_own_street(client, auth):
    late = local_today() - timedelta(days=3)
    PersonFactory.create_batch(2, next_review_date=late)
    PersonFactory(next_review_date=late, street_name="解放碑")
    PersonFactory(next_review_date=local_today() + timedelta(days=30))
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    counts = _counts(client)
    assert counts["Reviews overdue"] == 2
    assert "Applications waiting for your decision" not in counts
    assert "Waiting for me" not in client.get("/").get_data(as_text=True)


def test_a_signed_out_visitor_sees_no_list(client):
    page = client.get("/").get_data(as_text=True)
    assert 'id="todo"' not in page and "waiting-for-me" not in page
