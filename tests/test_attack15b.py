"""Second review of the day's changes (issue 15): the guest's monthly sign-up and its
confirmation link, production's host check, the fund's monthly roll-up, and the filters that
refuse values that are none of their choices."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from charity.audit.models import AuditEntry
from charity.auth.models import User
from charity.database import utcnow
from charity.extensions import db
from charity.main import mail
from donations.giving import monthly_signup
from tests import factories
from tests.donations.test_monthly_signup import (
    CHOSEN,
    PAGE,
    account,
    form,
    signed_up,
)


def _signed_in_as(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


@pytest.mark.usefixtures("empty_outbox")
@pytest.mark.parametrize("role", ["admin", "donor"])
def test_a_link_opened_while_signed_in_as_someone_else_neither_confirms_nor_switches(
        client, app, session, auth, role):
    """Staff (or another donor) signed in who opens a guest's confirmation link, in the same
    browser: the page says who is signed in and asks them to sign out first; it does not
    sign them out into the donor's account, nor confirm anything on their behalf."""
    link = signed_up(app.test_client(), email="guest@example.org")
    staff = factories.user(role, email=f"{role}-in@example.org")
    auth.login(staff)
    me = _signed_in_as(client)
    shown = client.get(link)
    assert shown.status_code == 409 and 'name="password"' not in shown.get_data(as_text=True)
    assert "请先退出" in shown.get_data(as_text=True)
    posted = client.post(link, data=CHOSEN)
    assert posted.status_code == 409
    assert _signed_in_as(client) == me
    guest = account("guest@example.org")
    db.session.refresh(guest)
    assert guest.confirmed_at is None and not guest.active and guest.password is None
    db.session.refresh(staff)
    assert [r.name for r in staff.roles] == [role]
    client.get("/lang/en")
    assert "Sign out first" in client.get(link).get_data(as_text=True)
    client.post("/logout")
    assert client.post(link, data=CHOSEN).status_code == 302  # signed out: it works


@pytest.mark.usefixtures("empty_outbox")
def test_a_name_with_line_breaks_stays_one_line_in_the_confirmation_mail(client, session):
    """The name is printed in a genuine e-mail sent to an address the visitor typed: it must
    not become paragraphs of their own (a phishing link under the charity's greeting)."""
    hostile = "王\n\n您的账户存在风险，请立即访问 http://evil.example 验证\u202e\r\n\t谢谢"
    signed_up(client, name=hostile, email="target@example.org")
    body = mail.outbox()[-1].body
    greeting = next(line for line in body.splitlines() if "王" in line)
    assert "http://evil.example" in greeting  # kept, but on the greeting's line
    assert "\u202e" not in body
    assert account("target@example.org").name == \
        "王 您的账户存在风险，请立即访问 http://evil.example 验证 谢谢"


@pytest.mark.usefixtures("empty_outbox")
def test_the_answer_is_the_same_for_a_new_a_taken_a_waiting_and_a_volunteer_s_address(
        client, app, session):
    """Nothing but the e-mail differs (status, location, cookies, body)."""
    factories.user("donor", email="has@example.org")
    signed_up(app.test_client(), email="waits@example.org")
    factories.VolunteerFactory(email="helper@example.org")

    def answer(email):
        fresh = app.test_client()
        response = fresh.post(PAGE, data=form(email=email))
        cookies = sorted(c.key for c in fresh._cookies.values())
        return (response.status_code, response.headers.get("Location"),
                response.get_data(), cookies)

    new = answer("new@example.org")
    assert [answer(e) for e in ("HAS@example.org", "waits@example.org",
                                "helper@example.org")] == [new] * 3


@pytest.mark.usefixtures("empty_outbox")
def test_an_expired_sign_up_confirmed_meanwhile_is_not_removed(client, session, monkeypatch):
    """The address's expired sign-up is read, then confirmed by its (still valid, a second
    longer) link in another request before it is deleted: it stays, and the new sign-up is
    told it is taken."""
    signed_up(client)
    old = account()
    old.create_datetime = utcnow() - timedelta(hours=49)
    db.session.commit()
    old_id = old.id
    read = monthly_signup._pending

    def confirmed_meanwhile(email):
        found = read(email)
        db.session.execute(update(User).where(User.id == old_id).values(
            confirmed_at=utcnow(), active=True, password="x"))  # noqa: S106
        return found

    monkeypatch.setattr(monthly_signup, "_pending", confirmed_meanwhile)
    client.post(PAGE, data=form(name="新的王"))
    # The request's own transaction is rolled back (the address is taken), the simulated
    # confirmation with it; what shows the account was not removed: no new account's link
    # went out, the address's owner was written to instead, and no removal was recorded.
    assert "/donations/monthly/confirm/" not in mail.outbox()[-1].body
    assert mail.outbox()[-1].to == ["wang@example.org"] and len(mail.outbox()) == 2
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "donor.expired")) == 0
    assert db.session.get(User, old_id).name == "王捐赠"
