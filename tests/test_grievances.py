"""Grievances: the public form and look-up, the staff record (an appeal linked to a refused
application), the queue by deadline and street, answers audited, overdue on the dashboard."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.district.models import Street
from charity.extensions import db
from charity.grievances import operations
from charity.grievances.models import Grievance
from charity.timeutil import local_today
from tests.factories import ApplicationFactory, UserFactory
from tests.factories.base import HOME_STREET, street

PHONE = "13900001234"


def _other_street() -> Street:
    return db.session.scalar(select(Street).where(Street.name != HOME_STREET)
                             .order_by(Street.position))


def _post(client, text="低保被取消，不知道原因。", phone=PHONE, street_id=None, kind="complaint"):
    return client.post("/grievances/new", data={
        "kind": kind, "street": street_id or street(HOME_STREET).id, "text": text,
        "phone": phone})


def _code(response) -> str:
    found = re.search(r'tracking-code">([A-Z0-9]+)<', response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)[-1500:]
    return found.group(1)


def _track(client, code, last4):
    return client.post("/grievances/track", data={"code": code, "last4": last4})


def test_public_submission_gives_a_code_that_reads_the_answer_with_the_phone(client, session):
    response = _post(client)
    assert response.status_code == 200
    code = _code(response)
    assert len(code) == 12 and set(code) <= set(operations.ALPHABET)
    grievance = session.scalar(select(Grievance))
    assert grievance.source == "public" and grievance.status == "open"
    assert grievance.due_on == local_today() + timedelta(days=15)
    assert code not in grievance.code_hash and PHONE not in grievance.phone_encrypted
    page = _track(client, code.lower(), "1234")
    assert page.status_code == 200
    assert "低保被取消" in page.get_data(as_text=True)


def test_wrong_code_or_phone_get_the_same_not_found(client, session):
    code = _code(_post(client))
    wrong_phone = _track(client, code, "9999")
    wrong_code = _track(client, "ABCDEFGHJKMN", "1234")
    assert wrong_phone.status_code == wrong_code.status_code == 404
    body = wrong_phone.get_data(as_text=True)
    assert "低保被取消" not in body
    assert re.sub(r'value="[^"]*"', "", body) == \
        re.sub(r'value="[^"]*"', "", wrong_code.get_data(as_text=True))


def test_hostile_text_is_escaped_and_long_text_refused(client, session):
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    code = _code(_post(client, text=hostile))
    body = _track(client, code, "1234").get_data(as_text=True)
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body
    assert _post(client, text="长" * 2001).status_code == 400
    assert client.post("/grievances/new", data={
        "kind": "complaint", "street": street(HOME_STREET).id, "text": "a\x0bb",
        "phone": PHONE}).status_code == 400
    assert _post(client, phone="12").status_code == 400
    assert _post(client, street_id=999999).status_code == 400
    assert session.scalar(select(db.func.count(Grievance.id))) == 1


def test_officer_queue_is_sorted_by_due_date_scoped_and_marks_overdue(client, auth, session):
    home, other = street(HOME_STREET), _other_street()
    late, _ = operations.submit(operations.Submission("complaint", home.id, "迟了", PHONE))
    late.due_on = local_today() - timedelta(days=2)
    soon, _ = operations.submit(operations.Submission("complaint", home.id, "很快", PHONE))
    elsewhere, _ = operations.submit(operations.Submission("complaint", other.id, "别街", PHONE))
    session.commit()
    auth.login(UserFactory(role="street_officer"))
    client.get("/lang/en")
    page = client.get("/grievances/").get_data(as_text=True)
    assert page.index(f"/grievances/{late.id}\"") < page.index(f"/grievances/{soon.id}\"")
    assert "Overdue" in page and f"/grievances/{elsewhere.id}\"" not in page
    assert client.get(f"/grievances/{elsewhere.id}").status_code == 404
    assert session.scalar(select(AuditEntry).where(
        AuditEntry.action == "security.out_of_scope")) is not None


def test_overdue_grievance_appears_on_the_dashboard(client, auth, session):
    grievance, _ = operations.submit(operations.Submission(
        "complaint", street(HOME_STREET).id, "没人答复", PHONE))
    session.commit()
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")

    def overdue_row():
        page = client.get("/dashboard/").get_data(as_text=True)
        row = page[page.index("Grievances past their answer deadline"):]
        return re.findall(r'<td class="num[^"]*">([^<]*)</td>', row[:row.index("</tr>")])

    assert "1" not in overdue_row()[1:]
    grievance.due_on = local_today() - timedelta(days=1)
    session.commit()
    assert "1" in overdue_row()[1:]


def test_staff_answer_is_audited_once_and_read_by_the_complainant(client, auth, session):
    code = _code(_post(client))
    grievance = session.scalar(select(Grievance))
    officer = UserFactory(role="street_officer")
    auth.login(officer)
    url = f"/grievances/{grievance.id}"
    assert client.post(url, data={"answer": "已复核，恢复低保。"}).status_code == 302
    client.get("/lang/en")
    second = client.post(url, data={"answer": "第二次"})  # a second tab
    assert second.status_code == 400
    assert "answered already" in second.get_data(as_text=True)
    session.refresh(grievance)
    assert grievance.status == "answered" and grievance.answer == "已复核，恢复低保。"
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "grievance_answered")).all()
    assert len(entries) == 1 and entries[0].user_id == officer.id
    auth.logout()
    assert "已复核，恢复低保。" in _track(client, code, "1234").get_data(as_text=True)


def test_staff_record_an_appeal_linked_to_a_refused_application(client, auth, session):
    refused = ApplicationFactory(state="rejected")
    pending = ApplicationFactory()
    session.commit()
    auth.login(UserFactory(role="street_officer"))
    data = {"kind": "appeal", "street": refused.street_id, "text": "不服拒绝决定",
            "phone": PHONE}
    assert client.post("/grievances/record",
                       data=data | {"application": pending.id}).status_code == 400
    response = client.post("/grievances/record", data=data | {"application": refused.id})
    assert response.status_code == 200 and _code(response)
    grievance = session.scalar(select(Grievance))
    assert grievance.application_id == refused.id and grievance.source == "staff"


def test_officer_cannot_record_for_another_street(client, auth, session):
    auth.login(UserFactory(role="street_officer"))
    response = client.post("/grievances/record", data={
        "kind": "complaint", "street": _other_street().id, "text": "x", "phone": PHONE})
    assert response.status_code == 400
    assert session.scalar(select(Grievance)) is None


@pytest.mark.parametrize("role", ["donor", "volunteer", "fund_manager"])
def test_queue_needs_the_permission(client, auth, session, role):
    auth.login(UserFactory(role=role))
    assert client.get("/grievances/").status_code == 403


def test_deadline_is_configurable(app, session):
    app.config["GRIEVANCE_ANSWER_DAYS"] = 5
    try:
        grievance, _ = operations.submit(operations.Submission(
            "complaint", street(HOME_STREET).id, "x", PHONE))
    finally:
        app.config["GRIEVANCE_ANSWER_DAYS"] = 15
    assert grievance.due_on == local_today() + timedelta(days=5)


def test_public_forms_are_rate_limited_per_address(app, client, session):
    from charity.extensions import limiter

    limiter.reset()
    app.config["GRIEVANCE_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [_post(client).status_code for _ in range(3)]
        codes.append(_post(client).status_code)
        assert client.get("/grievances/new").status_code == 200   # reading is not counted
    finally:
        app.config["GRIEVANCE_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert session.scalar(select(db.func.count(Grievance.id))) == 3


def test_demo_grievances_show_an_overdue_one_and_load_once(session):
    from charity.grievances.demo import load_grievances

    today = local_today()
    assert load_grievances(today) == 3
    assert load_grievances(today) == 0
    rows = session.scalars(select(Grievance).order_by(Grievance.id)).all()
    assert [g.overdue(today) for g in rows] == [True, False, False]
    assert all(g.created_at.date() < today for g in rows)
