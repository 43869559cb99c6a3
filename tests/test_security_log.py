"""The security log: 403s, cross-street 404s, refused approvals and refused webhooks are kept
in the audit log as `security.*` entries (who, what, when, from where), and the auditor filters
the log down to them."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.database import utcnow
from charity.extensions import db
from charity.relief import operations as relief
from charity.timeutil import local_today
from donations.giving import offline
from tests import factories

OTHER_STREET = "解放碑"


def security_entries(session, action=None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action.startswith("security."))
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query.order_by(AuditEntry.id)))


def error_of(response) -> str:
    """What an error page says (its article), without the navigation around it."""
    page = response.get_data(as_text=True)
    return page[page.index("<article>"):page.index("</article>")]


def test_a_refused_page_is_kept_with_who_what_when_and_where(client, session, auth):
    officer = factories.UserFactory(role="street_officer")
    auth.login(officer)
    assert client.get("/audit/?action=person.view_id").status_code == 403
    [entry] = security_entries(session)
    assert (entry.action, entry.user_id, entry.ip) == ("security.forbidden", officer.id,
                                                       "127.0.0.1")
    assert entry.detail == {"method": "GET", "path": "/audit/", "endpoint": "audit.log",
                            "needs": ["view_audit_log"]}
    assert entry.at is not None


def test_a_page_the_role_may_see_leaves_no_security_entry(client, session, auth):
    auth.login(factories.UserFactory(role="street_officer"))
    assert client.get("/registry/people").status_code == 200
    assert security_entries(session) == []


@pytest.mark.parametrize("path", [
    "/registry/people/{person}", "/registry/households/{household}",
    "/casework/people/{person}", "/casework/households/{household}",
    "/relief/{application}",
])
def test_another_streets_record_is_a_plain_404_kept_in_the_security_log(client, session, auth,
                                                                        path):
    elsewhere = factories.ApplicationFactory(person__street_name=OTHER_STREET)
    ids = {"person": elsewhere.person_id, "household": elsewhere.person.household_id,
           "application": elsewhere.id}
    officer = factories.UserFactory(role="street_officer")
    auth.login(officer)
    client.get("/lang/en")
    nowhere = path.format(person=10**9, household=10**9, application=10**9)
    missing = client.get(nowhere)
    assert missing.status_code == 404 and security_entries(session) == []
    response = client.get(path.format(**ids))
    assert response.status_code == 404
    assert error_of(response) == error_of(missing)
    assert elsewhere.person.name not in response.get_data(as_text=True)
    [entry] = security_entries(session)
    assert (entry.action, entry.user_id) == ("security.out_of_scope", officer.id)
    assert entry.object_type in ("person", "household", "relief_application")
    assert entry.detail["path"] == path.format(**ids)
    assert elsewhere.person.name not in str(entry.detail)


def test_an_application_for_someone_on_another_street_is_refused_and_kept(client, session,
                                                                           auth):
    elsewhere = factories.PersonFactory(street_name=OTHER_STREET)
    auth.login(factories.UserFactory(role="street_officer"))
    client.get("/lang/en")
    response = client.post("/relief/new", data={"person_id": elsewhere.id, "kind": "medical",
                                                "reason": "x", "assessed": "100"})
    assert response.status_code == 400
    assert "No such person on your roster." in response.get_data(as_text=True)
    [entry] = security_entries(session, "security.out_of_scope")
    assert (entry.object_type, entry.object_id) == ("person", str(elsewhere.id))


def test_a_makers_self_approval_is_403_and_kept_as_a_refused_approval(client, session, auth):
    admin = factories.UserFactory(role="admin")
    person = factories.PersonFactory(relief_case=True)
    application = relief.submit(person, "temporary_emergency", "突发重病", local_today(), admin,
                                grade=2)
    session.flush()
    auth.login(admin)
    assert client.post(f"/relief/{application.id}/approve").status_code == 403
    [entry] = security_entries(session)
    assert (entry.action, entry.user_id) == ("security.refused_approval", admin.id)
    assert entry.detail["reason"] == "The maker of an application cannot decide it."
    assert entry.detail["path"] == f"/relief/{application.id}/approve"
    session.refresh(application)
    assert application.state == "submitted"


def test_a_clerk_confirming_their_own_gift_is_refused_and_kept(client, session, auth, app):
    clerk = factories.user("fund_manager")
    gift = offline.record_offline(
        channel="cash", amount_fen=app.config["OFFLINE_CONFIRM_THRESHOLD_FEN"],
        receipt_number="R-self", donor_name="某人", designation=None,
        given_on=date(2026, 9, 5), user=clerk)
    session.flush()
    auth.login(clerk)
    client.get("/lang/en")
    response = client.post(f"/donations/staff/gifts/{gift.id}/confirm", follow_redirects=True)
    assert "A second person must confirm a gift you recorded." in \
        response.get_data(as_text=True)
    [entry] = security_entries(session)
    assert (entry.action, entry.user_id) == ("security.refused_approval", clerk.id)
    session.refresh(gift)
    assert gift.status == "awaiting_confirmation"


def test_a_refused_webhook_shows_in_the_auditors_security_log(client, session, auth):
    assert client.post("/donations/stripe/webhook", data=b"{}",
                       headers={"Stripe-Signature": "t=1,v1=forged"}).status_code == 400
    [entry] = security_entries(session)
    assert (entry.action, entry.user_id) == ("security.webhook_refused", None)
    auth.login(factories.UserFactory(role="auditor"))
    client.get("/lang/en")
    page = client.get("/audit/?kind=security").get_data(as_text=True).split("<tbody>", 1)[1]
    assert "Stripe notice refused" in page and "anonymous" in page


def _logged(action, user, days_ago=0, **detail):
    entry = AuditEntry(action=action, object_type="request", user_id=user and user.id,
                       detail=detail, at=utcnow() - timedelta(days=days_ago))
    db.session.add(entry)
    return entry


def _listed(client, **args) -> str:
    response = client.get("/audit/", query_string=args)
    assert response.status_code == 200, args
    return response.get_data(as_text=True).split("<tbody>", 1)[1]  # the entries, not the filter


def test_the_auditor_filters_the_security_log_by_kind_days_user_and_action(client, session,
                                                                            auth):
    officer = factories.UserFactory(role="street_officer")
    admin = factories.UserFactory(role="admin")
    _logged("security.login_refused", None, days_ago=3, email="who@songtan.test")
    _logged("security.lockout", officer, days_ago=2)
    _logged("security.forbidden", officer, days_ago=1, path="/audit/")
    _logged("person.view_id", admin)
    session.flush()
    auth.login(factories.UserFactory(role="auditor"))
    client.get("/lang/en")
    every = _listed(client)
    words = {"security.login_refused": "Sign-in refused",
             "security.lockout": "Account locked after failed sign-ins",
             "security.forbidden": "Refused: no permission",
             "person.view_id": "Full ID number viewed"}
    assert all(w in every for w in words.values())
    security = _listed(client, kind="security")
    assert words["security.lockout"] in security and words["person.view_id"] not in security
    today = local_today()
    days = _listed(client, kind="security", since=str(today - timedelta(days=2)),
                   until=str(today - timedelta(days=1)))
    assert words["security.lockout"] in days and words["security.forbidden"] in days
    assert words["security.login_refused"] not in days
    mine = _listed(client, user=officer.email.upper())
    assert words["security.lockout"] in mine and words["security.forbidden"] in mine
    assert words["security.login_refused"] not in mine and words["person.view_id"] not in mine
    lockouts = _listed(client, action="security.lockout")
    assert words["security.lockout"] in lockouts
    assert words["security.login_refused"] not in lockouts
    assert "No entries." in _listed(client, action="volunteer.pause")


def test_a_bad_filter_answers_400_with_its_message_in_both_languages(client, session, auth):
    auth.login(factories.UserFactory(role="auditor"))
    backwards = {"since": "2026-10-02", "until": "2026-10-01"}
    client.get("/lang/en")
    english = client.get("/audit/", query_string=backwards)
    assert english.status_code == 400
    assert "The end of the range is before its start." in english.get_data(as_text=True)
    client.get("/lang/zh_Hans_CN")
    chinese = client.get("/audit/", query_string=backwards)
    assert chinese.status_code == 400 and "结束日期早于开始日期" in chinese.get_data(as_text=True)
    assert client.get("/audit/", query_string={"kind": "everything"}).status_code == 400
    assert client.get("/audit/", query_string={"since": "not a date"}).status_code == 400
    far = client.get("/audit/", query_string={"until": "9999-12-31"})
    assert far.status_code == 400 and "请选择2000-01-01至2099-12-31之间的日期" in \
        far.get_data(as_text=True)
