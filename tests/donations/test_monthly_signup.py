"""A guest gives monthly from the public page: the gift's terms and an account that cannot sign
in, a confirmation e-mail whose signed link opens the account, signs the donor in and leads to
the portal's monthly form, pre-filled; nothing reaches Stripe before. An address with an account
is never told to the visitor, nor is anything attached to that account."""

import re
import time
from datetime import timedelta
from urllib.parse import quote, unquote

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from charity.audit.models import AuditEntry
from charity.auth.models import User
from charity.database import utcnow
from charity.extensions import db
from charity.main import mail
from donations.giving import monthly_signup
from donations.giving.models import Donation, RecurringGift
from tests import factories
from tests.donations.test_monthly import at_localstripe, confirm_setup
from tests.test_volunteer_signup import GOOD_PASSWORD

PAGE = "/donations/monthly"
PORTAL = "/donations/portal?amount=30&designation=measure:1"


pytestmark = pytest.mark.usefixtures("empty_outbox")


def form(**changes) -> dict:
    """A guest's monthly gift of ¥30 for measure 1, as the page would post it."""
    data = {"amount": "30", "designation": "measure:1", "name": "王捐赠",
            "email": "wang@example.org"}
    return data | changes


#: The confirmation page's post: the password its reader chooses.
CHOSEN = {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD}


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def link_in(message) -> str:
    return re.search(r"http://localhost(/donations/monthly/confirm/\S+)", message.body).group(1)


def signed_up(client, **changes) -> str:
    """Sign up and return the confirmation link's path."""
    response = client.post(PAGE, data=form(**changes))
    assert (response.status_code, response.headers.get("Location")) == (
        302, "/donations/monthly/sent"), response.get_data(as_text=True)[-2000:]
    return link_in(mail.outbox()[-1])


def account(email: str = "wang@example.org") -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def customers_at_stripe(localstripe, email: str) -> list:
    return at_localstripe(localstripe, f"/v1/customers?email={quote(email)}")["data"]


def test_a_guest_confirms_and_starts_the_monthly_gift_from_the_prefilled_portal(
        client, session, localstripe):
    give = client.get("/donations/?designation=measure:1").get_data(as_text=True)
    assert 'href="/donations/monthly?amount=100&amp;designation=measure:1"' in give
    page = client.get(f"{PAGE}?amount=30&designation=measure:1").get_data(as_text=True)
    assert 'value="30"' in page and '<option selected value="measure:1">' in page
    link = signed_up(client)
    user = account()
    assert not user.active and user.confirmed_at is None
    assert [r.name for r in user.roles] == ["donor"] and user.name == "王捐赠"
    (message,) = mail.outbox()
    assert message.to == ["wang@example.org"] and "月捐" in message.subject
    assert "每月捐赠¥30.00" in message.body and "措施1" in message.body
    assert "give ¥30.00 every month for Measure 1" in message.body
    assert client.post("/login", data={"email": user.email, "password": GOOD_PASSWORD}) \
        .status_code != 302  # the account cannot sign in before its address is confirmed

    shown = client.get(link)
    assert shown.status_code == 200 and "¥30.00" in shown.get_data(as_text=True)
    db.session.refresh(user)
    assert user.confirmed_at is None  # opening the link confirms nothing
    confirmed = client.post(link, data=CHOSEN)
    assert (confirmed.status_code, confirmed.headers["Location"]) == (302, PORTAL)
    db.session.refresh(user)
    assert user.active and user.confirmed_at is not None
    portal = client.get(PORTAL).get_data(as_text=True)
    assert "您的电子邮箱已确认。请在下方保存银行卡以开始月捐；在此之前不会扣款。" in portal
    assert '<details id="monthly-start" open>' in portal and 'value="30"' in portal
    assert '<option selected value="measure:1">' in portal
    assert [e.action for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.like("donor.%")).order_by(AuditEntry.id))] == [
        "donor.sign_up", "donor.confirm"]

    # Nothing reached Stripe, nothing was charged, until the donor saves the card.
    assert customers_at_stripe(localstripe, user.email) == []
    assert db.session.scalar(select(func.count(RecurringGift.id))) == 0
    assert db.session.scalar(select(func.count(Donation.id))) == 0
    started = client.post("/donations/portal/monthly",
                          data={"amount": "30", "designation": "measure:1"})
    assert started.status_code == 200, started.get_json()
    confirm_setup(localstripe, started.get_json()["client_secret"])
    assert client.post(started.get_json()["activate_url"]).status_code == 302
    gift = db.session.scalar(select(RecurringGift))
    assert (gift.status, gift.donor_id, gift.amount_fen) == ("active", user.id, 3000)


def test_an_address_with_an_account_is_told_to_its_owner_and_nothing_is_attached(client,
                                                                                 session):
    owner = factories.user("donor", email="owner@example.org")
    password, name = owner.password, owner.name
    fresh = client.post(PAGE, data=form())
    before = users()
    again = client.post(PAGE, data=form(email="OWNER@example.org", name="冒名者"))
    assert (again.status_code, again.headers["Location"]) == (
        fresh.status_code, fresh.headers["Location"])
    assert users() == before
    db.session.refresh(owner)
    assert (owner.password, owner.name, owner.active) == (password, name, True)
    [_confirm, to_owner] = mail.outbox()
    assert to_owner.to == ["owner@example.org"] and "已有送炭平台账号" in to_owner.subject
    assert "/donations/monthly/confirm/" not in to_owner.body
    login = re.search(r"http://localhost/login\?next=(\S+)", to_owner.body).group(1)
    assert unquote(login) == unquote(PORTAL)
    assert "sign in with your password to start your monthly gift" in to_owner.body
    assert db.session.scalar(select(func.count(RecurringGift.id))) == 0


def test_a_sign_up_waiting_is_neither_told_nor_changed_by_another(client, session):
    link = signed_up(client)
    user = account()
    before = users()
    again = client.post(PAGE, data=form(name="冒名者", amount="500"))
    assert (again.status_code, again.headers["Location"]) == (302, "/donations/monthly/sent")
    db.session.refresh(user)
    assert user.name == "王捐赠" and users() == before
    waiting = mail.outbox()[-1]
    assert "等待确认" in waiting.body and "/login" not in waiting.body
    assert "/donations/monthly/confirm/" not in waiting.body
    assert client.post(link, data=CHOSEN).headers["Location"] == PORTAL  # the first link works


@pytest.mark.parametrize("role", ["volunteer", "donor"])
def test_an_account_that_cannot_sign_in_yet_is_not_sent_to_sign_in(client, session, role):
    """A volunteer's sign-up waiting for its confirmation or for staff (or an account that was
    closed) cannot sign in: its owner is told why, not given a sign-in link that would fail.
    The visitor's answer is the same as for a new address."""
    holder = factories.user(role, email="helper@example.org")
    holder.active = False
    db.session.commit()
    fresh = client.post(PAGE, data=form())
    again = client.post(PAGE, data=form(email="Helper@example.org"))
    assert (again.status_code, again.headers["Location"]) == (
        fresh.status_code, fresh.headers["Location"])
    told = mail.outbox()[-1]
    assert told.to == ["helper@example.org"] and "/login" not in told.body
    assert "还不能登录" in told.body and "/donations/monthly/confirm/" not in told.body
    db.session.refresh(holder)
    assert holder.active is False


def test_whoever_typed_the_address_never_knows_the_account_s_password(client, app, session):
    """Someone signs up with another person's address: the account has no password until the
    address's owner confirms and chooses one, so that person cannot sign in to it later."""
    link = signed_up(client, email="victim@example.org")
    assert account("victim@example.org").password is None
    victim = app.test_client()
    assert victim.get(link).status_code == 200
    assert victim.post(link, data=CHOSEN).headers["Location"] == PORTAL
    owner = account("victim@example.org")
    assert owner.active and owner.password is not None
    attacker = app.test_client()
    for guess in ("", GOOD_PASSWORD + "x", "password1"):
        refused = attacker.post("/login", data={"email": "victim@example.org",
                                                "password": guess})
        assert refused.status_code != 302
    assert attacker.get("/donations/portal").status_code != 200


def test_an_expired_sign_up_gives_its_address_back_but_no_other_account_goes(client, session):
    signed_up(client)
    old = account()
    old.create_datetime = utcnow() - timedelta(hours=49)
    db.session.commit()
    old_id = old.id
    signed_up(client, name="新的王")
    db.session.expire_all()
    assert [u.name for u in db.session.scalars(select(User).where(
        User.email == "wang@example.org"))] == ["新的王"]
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "donor.expired")).object_id == str(old_id)
    # A donor account closed by staff is not a sign-up: it is never removed.
    closed = factories.user("donor", email="closed@example.org")
    closed.active, closed.create_datetime = False, utcnow() - timedelta(days=30)
    db.session.commit()
    client.post(PAGE, data=form(email="closed@example.org"))
    db.session.expire_all()
    assert db.session.get(User, closed.id) is not None
    assert mail.outbox()[-1].to == ["closed@example.org"] and \
        "/donations/monthly/confirm/" not in mail.outbox()[-1].body


def test_tampered_and_expired_links_answer_400_in_the_user_s_language(client, session,
                                                                      monkeypatch):
    link = signed_up(client)
    tampered = client.get(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
    assert tampered.status_code == 400 and "此链接无效" in tampered.get_data(as_text=True)
    assert client.post(link[:-3] + "xyz").status_code == 400
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: int(time.time()) - 49 * 3600)
    old = monthly_signup.make_token(account(), monthly_signup.Terms(3000, "measure:1"))
    monkeypatch.undo()
    expired = client.post(f"/donations/monthly/confirm/{old}")
    page = expired.get_data(as_text=True)
    assert expired.status_code == 400 and "此链接已过期，未扣任何款项" in page
    assert 'href="/donations/monthly"' in page
    client.get("/lang/en")
    english = client.get(f"/donations/monthly/confirm/{old}")
    assert english.status_code == 400 and "This link has expired" in english.get_data(
        as_text=True)
    assert account().confirmed_at is None and not account().active


def test_the_link_confirms_once_and_then_leads_to_sign_in(client, app, session):
    link = signed_up(client)
    other_tab = app.test_client()
    assert client.post(link, data=CHOSEN).headers["Location"] == PORTAL
    second = other_tab.post(link, data=CHOSEN)
    assert second.status_code == 302
    assert unquote(second.headers["Location"]) == "/login?next=" + unquote(PORTAL)
    assert other_tab.get(link).headers["Location"] == second.headers["Location"]
    assert client.post(link, data=CHOSEN).headers["Location"] == PORTAL  # signed in already
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "donor.confirm")) == 1


def test_a_weak_password_is_refused_in_chinese_and_the_link_still_waits(client, session):
    link = signed_up(client)
    refused = client.post(link, data={"password": "password1", "password_again": "password1"})
    assert refused.status_code == 400
    assert "请设置更强的密码" in refused.get_data(as_text=True)
    differ = client.post(link, data=CHOSEN | {"password_again": "something-else-entirely-9"})
    assert differ.status_code == 400
    user = account()
    assert user.confirmed_at is None and not user.active and user.password is None
    assert client.post(link, data=CHOSEN).headers["Location"] == PORTAL


@pytest.mark.parametrize(("changes", "message"), [
    ({"amount": "0"}, "请以元为单位填写金额"), ({"amount": "abc"}, "请以元为单位填写金额"),
    ({"amount": "1e26"}, "¥1,000,000"), ({"amount": "0.5"}, "¥1,000,000"),
    ({"designation": "measure:99"}, "请从列表中选择"),
    ({"designation": "campaign:1"}, "请从列表中选择"), ({"email": "not-an-address"}, "邮箱"),
    ({"name": ""}, "姓名")])
def test_bad_input_is_refused_with_a_message_and_writes_nothing(client, session, changes,
                                                               message):
    before = users()
    refused = client.post(PAGE, data=form(**changes))
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    assert users() == before and mail.outbox() == []


def test_the_pages_speak_chinese_and_english(client, session):
    chinese = client.get(PAGE).get_data(as_text=True)
    assert "在您确认电子邮箱并保存银行卡之前，不会扣款。" in chinese
    assert "只有您本人可以随时查看、修改和停止" in chinese
    assert "请在 48 小时内打开链接确认邮箱" in client.get(f"{PAGE}/sent").get_data(as_text=True)
    client.get("/lang/en")
    english = client.get(PAGE).get_data(as_text=True)
    assert "Nothing is charged until you have confirmed your e-mail address and saved your " \
           "card." in english
    assert "only you can see it, change it and stop it" in english
    assert "Open it within 48 hours" in client.get(f"{PAGE}/sent").get_data(as_text=True)
    link = signed_up(client)
    refused = client.post(link, data={"password": "password1", "password_again": "password1"})
    assert "Choose a stronger password" in refused.get_data(as_text=True)


def test_a_signed_in_donor_is_sent_to_the_portal_prefilled_where_valid(client, session, auth):
    auth.login(factories.user("donor"))
    sent = client.get(f"{PAGE}?amount=30&designation=measure:1")
    assert (sent.status_code, sent.headers["Location"]) == (302, PORTAL)
    give = client.get("/donations/").get_data(as_text=True)
    assert 'href="/donations/portal?amount=100&amp;designation="' in give
    assert "/donations/monthly" not in give
    bad = client.get("/donations/portal?amount=abc&designation=measure:99").get_data(
        as_text=True)
    assert '<details id="monthly-start">' in bad and "selected" not in bad.split(
        'id="monthly-form"')[1].split("</form>")[0]
    assert 'name="amount" required type="text" value=""' in bad
    assert client.get(f"{PAGE}?amount=-5").headers["Location"] == "/donations/portal"


def test_sign_ups_are_rate_limited_and_mail_that_cannot_go_writes_nothing(client, app,
                                                                          session, monkeypatch):
    def refuse(self):
        raise ConnectionRefusedError

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    before = users()
    failed = client.post(PAGE, data=form())
    assert failed.status_code == 400 and "邮件暂时无法发送" in failed.get_data(as_text=True)
    assert users() == before
    monkeypatch.setitem(app.config, "SIGNUP_RATE_LIMIT", "2 per minute")
    answers = [client.post(PAGE, data=form(amount="0")).status_code for _ in range(3)]
    assert answers == [400, 400, 429]
    assert client.get(PAGE).status_code == 200  # reading the page is not limited
