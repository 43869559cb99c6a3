"""Auditors read the money with beneficiaries pseudonymised: a case number, no name, no kind of
relief, no free text, on the relief pages, the approvals, allocations, the journal and the audit
log; an auditor opens one case with a reason (logged) and sees it for the rest of the day."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.audit.queries import day_start
from charity.extensions import db
from charity.relief import operations as ops
from charity.relief import proposals
from charity.timeutil import local_today
from tests.factories import PersonFactory, UserFactory

TODAY = date(2026, 11, 29)
NAME, OTHER_NAME = "假名测试甲", "假名测试乙"
REASON, NOTE = "突发重病住院急需救助", "核实无误同意救助"
PAGES = ("/relief/", "/fund/approvals", "/fund/journal", "/audit/")


@pytest.fixture
def cases(session, maker, checker, funded):
    """Two approved emergencies (money reserved), of two people, with reasons and notes."""
    made = []
    for name in (NAME, OTHER_NAME):
        person = PersonFactory(relief_case=True, name=name)
        application = ops.submit(person, "temporary_emergency", REASON, TODAY, maker, grade=2)
        made.append(ops.approve(application, checker, NOTE))
    session.flush()
    return made


@pytest.fixture
def auditor(session):
    return UserFactory(role="auditor")


def read(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def assert_pseudonymised(page: str, where: str, *names: str) -> None:
    for secret in (*names, REASON, NOTE, "temporary_emergency", "Emergency temporary assistance"):
        assert secret not in page, (where, secret)


def test_auditors_see_case_numbers_without_names_kinds_or_reasons(client, auth, cases,
                                                                    auditor, maker):
    ops.submit(cases[0].person, "temporary_emergency", REASON, TODAY, maker, grade=2,
               event="a second emergency")
    proposals.run(UserFactory(role="fund_manager"), time_limit=5)
    auth.login(auditor)
    client.get("/lang/en")
    for path in (*PAGES, f"/relief/{cases[0].id}",
                 "/relief/allocations/" + str(db.session.scalar(
                     select(AuditEntry.object_id).where(AuditEntry.action == "relief.allocate")))):
        page = read(client, path)
        assert_pseudonymised(page, path, NAME, OTHER_NAME)
    listing = read(client, "/relief/")
    assert f"Case {cases[0].id}" in listing and f"Case {cases[1].id}" in listing
    assert "withheld" in read(client, "/audit/")
    case = read(client, f"/relief/{cases[0].id}")
    assert "Open for audit (logged)" in case and "¥" in case


def test_staff_still_see_names_kinds_and_reasons(client, auth, cases, maker):
    auth.login(maker)
    client.get("/lang/en")
    assert NAME in read(client, "/relief/") and OTHER_NAME in read(client, "/relief/")
    case = read(client, f"/relief/{cases[0].id}")
    assert NAME in case and REASON in case and NOTE in case
    assert "Open for audit" not in case


def test_an_auditor_opens_a_case_with_a_reason_and_sees_it_that_day(client, auth, session,
                                                                     cases, auditor):
    opened, other = cases
    auth.login(auditor)
    client.get("/lang/en")
    refused = client.post(f"/relief/{opened.id}/open", data={"reason": "  "})
    assert refused.status_code == 400 and "This field is required." in \
        refused.get_data(as_text=True)
    assert client.post(f"/relief/{opened.id}/open",
                       data={"reason": "抽查临时救助发放"}).status_code == 302
    [entry] = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "audit.case_opened")).all()
    assert (entry.user_id, entry.object_type, entry.object_id, entry.detail["reason"]) == \
        (auditor.id, "relief_application", str(opened.id), "抽查临时救助发放")
    case = read(client, f"/relief/{opened.id}")
    assert NAME in case and REASON in case and NOTE in case and "Open for audit" not in case
    listing = read(client, "/relief/")
    assert NAME in listing and OTHER_NAME not in listing
    assert_pseudonymised(read(client, f"/relief/{other.id}"), "the other case", OTHER_NAME)
    journal = read(client, "/fund/journal")
    assert "Temporary assistance (emergency)" in journal  # the opened case's reservation memo
    audit = read(client, "/audit/?action=relief.submit")
    assert "Temporary assistance (emergency)" in audit and "withheld" in audit  # this case's,
    # not the other's, in words


def test_an_opening_lasts_until_midnight(client, auth, session, cases, auditor):
    yesterday = day_start(local_today()) - timedelta(minutes=1)
    db.session.add(AuditEntry(action="audit.case_opened", object_type="relief_application",
                              object_id=str(cases[0].id), user_id=auditor.id,
                              detail={"reason": "昨天调阅"}, at=yesterday))
    session.flush()
    auth.login(auditor)
    assert_pseudonymised(read(client, f"/relief/{cases[0].id}"), "yesterday's case", NAME)


def test_only_an_auditor_opens_a_case_and_another_auditor_still_sees_it_pseudonymised(
        client, auth, session, cases, auditor, maker):
    auth.login(maker)
    assert client.post(f"/relief/{cases[0].id}/open", data={"reason": "x"}).status_code == 403
    auth.logout()
    auth.login(auditor)
    assert client.post(f"/relief/{cases[0].id}/open", data={"reason": "抽查"}).status_code == 302
    auth.logout()
    auth.login(UserFactory(role="auditor"))
    assert_pseudonymised(read(client, f"/relief/{cases[0].id}"), "another auditor", NAME)


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_the_pseudonymised_pages_render_in_both_languages(client, auth, cases, auditor,
                                                          language):
    auth.login(auditor)
    client.get(f"/lang/{language}")
    case = read(client, f"/relief/{cases[0].id}")
    assert ("调阅本案以供审计" if language == "zh_Hans_CN" else "Open for audit") in case
