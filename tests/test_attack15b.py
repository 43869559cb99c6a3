"""Second review of the day's changes (issue 15): the guest's monthly sign-up and its
confirmation link, production's host check, the fund's monthly roll-up, and the filters that
refuse values that are none of their choices."""

import html
import re
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


def test_the_rollup_keeps_up_with_disputes_transfers_and_lines_on_one_account_twice(session):
    """Postings whose lines name an account twice (a dispute's fee shared between the gift's
    account and unrestricted money: cash and the fee account twice each; a posting written
    so): one UPSERT row per account, on PostgreSQL as on SQLite, and the roll-up, the
    disclosure and `ledger verify` agree with the journal."""
    from datetime import UTC, datetime

    from charity.fund import disclosure, rollup
    from charity.fund import operations as ops
    from charity.fund.journal import post
    from charity.fund.verify import verify

    at = datetime(2026, 1, 31, 16, 30, tzinfo=UTC)  # February in Shanghai
    ops.record_gift(amount_fen=10_000, designation="measure:4", reference="g1", posted_at=at)
    ops.record_gift(amount_fen=50_000, designation=None, reference="g2")
    ops.record_budget_transfer(amount_fen=7_000, reference="b1")
    ops.transfer(source="unrestricted", target="restricted:measure:4", amount_fen=1_000)
    ops.record_dispute_hold(gift_reference="g1", amount_fen=10_000, fee_fen=1_500,
                            reference="d1")
    ops.record_dispute_close(gift_reference="g1", won=False, reference="d1-closed")
    post([("cash", 300), ("cash", 200), ("budget", -400), ("budget", -100)],
         kind="budget_transfer", reference="twice")
    session.flush()
    assert rollup.stored() == rollup.journal_sums()
    for year in (None, 2026):
        assert disclosure.build(year).months == disclosure.from_journal(year).months
    assert verify().ok, verify().errors


def test_a_street_and_another_street_s_community_both_offered_by_the_page_are_not_refused(
        client, session, auth):
    """Before a street is chosen the roster's page offers every community: choosing a street
    and a community of another street in one go lists the street's people and says the
    community is not in it (200), instead of refusing a choice the page offered; the export
    the page then offers is that street's. A community the page never offers is still
    refused, and a street officer is never told another street's community."""
    home, other = factories.street("七星岗"), factories.street("解放碑")
    there = factories.PersonFactory(street_name="解放碑", name="解放碑的人")
    auth.login(factories.user("admin"))
    page = client.get("/registry/people").get_data(as_text=True)
    assert f'value="{home.communities[0].id}"' in page and f'value="{other.id}"' in page
    both = client.get("/registry/people", query_string={
        "street": other.id, "community": home.communities[0].id})
    body = both.get_data(as_text=True)
    assert both.status_code == 200 and there.name in body
    assert f"{home.communities[0].name}不在解放碑" in body
    action = re.search(r'action="(/registry/export[^"]*)"', body).group(1)
    assert "community" not in action
    assert client.post(html.unescape(action)).status_code < 400
    assert client.get("/registry/people", query_string={
        "street": other.id, "community": 99_999}).status_code == 400
    client.post("/logout")
    auth.login(factories.user("street_officer"))
    officer = client.get("/registry/people", query_string={
        "community": other.communities[0].id})
    assert officer.status_code == 400 and other.communities[0].name not in officer.get_data(
        as_text=True)


@pytest.mark.usefixtures("empty_outbox")
def test_the_confirmation_needs_the_page_s_csrf_token_and_a_name_s_markup_is_text(
        client, app, session, monkeypatch):
    """A forged post (another site's form aimed at the link) confirms nothing, and a name
    holding markup is shown as text on the confirmation page."""
    link = signed_up(client, name='<script>alert(1)</script><a href="//evil">x</a>')
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    forged = client.post(link, data=CHOSEN)
    assert forged.status_code == 400
    assert account().confirmed_at is None and account().password is None
    page = client.get(link).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(link, data=CHOSEN | {"csrf_token": token}).status_code == 302


@pytest.mark.usefixtures("empty_outbox")
def test_a_closed_account_with_the_address_in_another_case_is_never_removed(client, session):
    """An account the sign-up did not write (staff's, closed, never confirmed, old) whose
    address differs only in case: the sign-up is told to its owner and the account stays."""
    staff = factories.user("admin", email="Wang@Example.org")
    staff.active, staff.confirmed_at = False, None
    staff.create_datetime = utcnow() - timedelta(days=400)
    db.session.commit()
    assert client.post(PAGE, data=form()).headers["Location"] == "/donations/monthly/sent"
    db.session.expire_all()
    assert db.session.get(User, staff.id) is not None
    assert "/donations/monthly/confirm/" not in mail.outbox()[-1].body
