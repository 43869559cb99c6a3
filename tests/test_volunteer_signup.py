"""Volunteers and organisations sign up on the public page, confirm their e-mail by a signed,
expiring link, and wait for the street officer of their home street, who approves or rejects
(with a reason that is e-mailed); only approved, confirmed, unpaused helpers reach the
optimiser, and a helper edits and pauses their own profile."""

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select, update

from charity import eligibility as rules
from charity.audit.models import AuditEntry
from charity.auth.models import User
from charity.database import utcnow
from charity.extensions import db
from charity.main import mail
from charity.pairing import adapter
from charity.pairing import operations as pairing
from charity.pairing.models import Pairing, Volunteer
from charity.registry import ids
from charity.timeutil import local_today
from charity.volunteers import tokens
from tests.factories import (
    PASSWORD,
    PairingFactory,
    PersonFactory,
    UserFactory,
    VolunteerFactory,
    community,
    street,
)

GOOD_PASSWORD = "lantern-orchard-pebble-42"


pytestmark = pytest.mark.usefixtures("empty_outbox")


def form(**changes) -> dict:
    """A volunteer's sign-up as the page would post it, in 七星岗, with `changes`."""
    home = street("七星岗")
    data = {"name": "李志愿", "phone": "139 1234 5678", "email": "li@example.org",
            "home_street": home.id, "home_community": community("七星岗").id,
            "skills": ["elderly_care"], "languages": ["mandarin"], "capacity": "2",
            "travel_streets": [street("解放碑").id], "availability": ["sat-morning"],
            "password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Volunteer.id))),
            db.session.scalar(select(func.count(User.id))))


def sign_up(client, **changes) -> Volunteer:
    response = client.post("/join/", data=form(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return db.session.scalar(select(Volunteer).order_by(Volunteer.id.desc()))


def link_in(message) -> str:
    return re.search(r"http://localhost(/join/confirm/\S+)", message.body).group(1)


def confirmed(client, **changes) -> Volunteer:
    volunteer = sign_up(client, **changes)
    assert client.post(link_in(mail.outbox()[-1])).status_code == 200
    return volunteer


def test_a_sign_up_is_written_pending_with_a_closed_account_and_a_confirmation_mail(client):
    page = client.get("/")
    assert 'href="/join/"' in page.get_data(as_text=True)
    assert client.get("/join/").status_code == 200
    volunteer = sign_up(client)
    assert volunteer.status == "pending" and volunteer.confirmed_at is None
    assert volunteer.phone_masked == "139******78" and "13912345678" not in str(
        volunteer.phone_encrypted)
    assert ids.decrypt(volunteer.phone_encrypted) == "13912345678"
    assert volunteer.travel_street_ids == [street("解放碑").id]
    account = db.session.get(User, volunteer.user_id)
    assert not account.active and account.roles == []
    (message,) = mail.outbox()
    assert message.to == ["li@example.org"]
    assert "请确认" in message.subject and "Confirm" in message.subject
    assert "请在 48 小时内" in message.body and "within 48 hours" in message.body
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "volunteer.sign_up")).object_id == str(volunteer.id)
    assert "李志愿" not in client.get("/join/sent").get_data(as_text=True)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "请填写您的姓名"),
    ({"name": "名" * 41}, "name", "40"),
    ({"phone": "12345"}, "phone", "11 位手机号码"),
    ({"phone": "1" * 30}, "phone", "20"),
    ({"email": "not-an-address"}, "email", "有效的电子邮箱"),
    ({"email": "a" * 250 + "@x.org"}, "email", "254"),
    ({"home_street": "0"}, "home_street", "所在街道"),
    ({"home_community": "0"}, "home_community", "请选择您所在的社区"),
    ({"capacity": "0"}, "capacity", "1 到 10 之间的整数"),
    ({"capacity": "1000"}, "capacity", "1 到 10 之间的整数"),
    ({"capacity": "abc"}, "capacity", ""),
    ({"skills": ["flying"]}, "skills", ""),
    ({"languages": ["klingon"]}, "languages", ""),
    ({"availability": None}, "availability", "至少勾选一个"),
    ({"availability": ["mon-midnight"]}, "availability", ""),
    ({"password": "password123", "password_again": "password123"}, "password", "更强的密码"),
    ({"password_again": "something-else-entirely"}, "password_again", "不一致"),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(client, changes, field,
                                                                    message):
    before = counts()
    response = client.post("/join/", data=form(**changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}' in page and 'class="field-error"' in page
    assert message in page
    assert counts() == before and mail.outbox() == []


def test_a_community_of_another_street_and_a_street_outside_the_district_are_refused(client):
    before = counts()
    page = client.post("/join/", data=form(home_community=community("解放碑").id))
    assert page.status_code == 400 and "请选择所选街道下的社区" in page.get_data(as_text=True)
    for outside in (street("福利院").id, 999_999):
        page = client.post("/join/", data=form(travel_streets=[outside]))
        assert page.status_code == 400
        assert "只能选择本区的街道" in page.get_data(as_text=True)
    assert counts() == before


def test_a_duplicate_phone_is_refused_with_a_clear_message(client):
    sign_up(client)
    before = counts()
    again = client.post("/join/", data=form(email="other@example.org", phone="+86 13912345678"))
    assert again.status_code == 400 and "此电话号码已注册" in again.get_data(as_text=True)
    assert counts() == before and len(mail.outbox()) == 1


def test_a_registered_e_mail_is_not_told_to_the_visitor_but_to_its_owner(client):
    fresh = client.post("/join/", data=form())
    staff = UserFactory(role="street_officer", email="officer@example.org")
    before = counts()
    for address in ("LI@example.org", staff.email):
        again = client.post("/join/", data=form(email=address, phone="13700000000"))
        assert (again.status_code, again.headers["Location"]) == (
            fresh.status_code, fresh.headers["Location"])
    assert counts() == before
    [_confirm, to_volunteer, to_staff] = mail.outbox()
    assert (to_volunteer.to, to_staff.to) == (["li@example.org"], ["officer@example.org"])
    assert "已有送炭平台账号" in to_staff.subject and "has an account already" in to_staff.body
    assert "http://localhost/login" in to_staff.body and "/join/confirm/" not in to_staff.body


def test_full_width_digits_are_one_number_with_the_ascii_one(client):
    volunteer = sign_up(client, phone="＋８６ １３９ １２３４ ５６７８")
    assert ids.decrypt(volunteer.phone_encrypted) == "13912345678"
    assert volunteer.phone_hash == ids.keyed_hash("13912345678")
    before = counts()
    again = client.post("/join/", data=form(email="other@example.org", phone="13９12345678"))
    assert again.status_code == 400 and "此电话号码已注册" in again.get_data(as_text=True)
    arabic = client.post("/join/organisation", data=form(
        email="o@example.org", kind="organisation", contact_person="王", name="社工中心",
        phone="٠٢٣٦٣٨٠١٢٣٤"))
    assert arabic.status_code == 400 and counts() == before


def test_an_unconfirmed_sign_up_whose_link_expired_holds_no_phone_nor_e_mail(client):
    squatter = sign_up(client, email="squat@example.org")  # someone else's phone, never confirmed
    held = client.post("/join/", data=form(email="owner@example.org"))
    assert held.status_code == 400 and "此电话号码已注册" in held.get_data(as_text=True)
    squatter.created_at = utcnow() - timedelta(hours=49)
    db.session.commit()
    squatter_id = squatter.id
    owner = sign_up(client, email="owner@example.org")
    db.session.expire_all()
    assert db.session.scalars(select(Volunteer.email)).all() == ["owner@example.org"]
    assert db.session.scalar(select(User).where(User.email == "squat@example.org")) is None
    assert ids.decrypt(owner.phone_encrypted) == "13912345678"
    again = sign_up(client, email="squat@example.org", phone="13800000009")  # its address too
    assert again.email == "squat@example.org" and "/join/confirm/" in mail.outbox()[-1].body
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "volunteer.expired")).object_id == str(squatter_id)


def test_an_organisation_signs_up_with_its_contact_person_and_larger_capacity(client):
    data = form(name="渝中区阳光社工中心", kind="aid_centre", contact_person="王主任",
                phone="023-6380 1234", capacity="60", availability=None)
    response = client.post("/join/organisation", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    organisation = db.session.scalar(select(Volunteer))
    assert (organisation.kind, organisation.contact_person, organisation.capacity) == (
        "aid_centre", "王主任", 60)
    refused = client.post("/join/organisation", data=data | {
        "capacity": "1000", "email": "b@example.org", "phone": "023 6380 9999"})
    assert refused.status_code == 400 and "1 到 200 之间的整数" in refused.get_data(as_text=True)


def test_the_confirmation_link_confirms_once_and_refuses_tampering_and_expiry(client,
                                                                              monkeypatch):
    volunteer = sign_up(client)
    link = link_in(mail.outbox()[-1])
    shown = client.get(link)
    assert shown.status_code == 200 and volunteer.confirmed_at is None  # a GET confirms nothing
    assert client.post(link).status_code == 200
    db.session.refresh(volunteer)
    assert volunteer.confirmed_at is not None
    again = client.post(link)
    assert again.status_code == 200 and "此链接已使用过" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "volunteer.confirm")) == 1
    tampered = client.get(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
    assert tampered.status_code == 400 and "此链接无效" in tampered.get_data(as_text=True)
    other = sign_up(client, email="late@example.org", phone="13800000001")
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: int(time.time()) - 49 * 3600)
    old = tokens.make(other)
    monkeypatch.undo()
    expired = client.post(f"/join/confirm/{old}")
    assert expired.status_code == 400 and "此链接已过期" in expired.get_data(as_text=True)
    db.session.refresh(other)
    assert other.confirmed_at is None
    assert client.post("/join/resend", data={"email": "late@example.org"}).status_code == 302
    assert mail.outbox()[-1].to == ["late@example.org"]
    assert client.post(link_in(mail.outbox()[-1])).status_code == 200
    db.session.refresh(other)
    assert other.confirmed_at is not None


def test_mail_that_cannot_go_leaves_nothing_written(client, app, monkeypatch):
    def refuse(self):
        raise ConnectionRefusedError

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    before = counts()
    response = client.post("/join/", data=form())
    assert response.status_code == 400 and "邮件暂时无法发送" in response.get_data(as_text=True)
    assert counts() == before


def test_the_officer_of_another_street_neither_sees_nor_decides(client, auth):
    volunteer = confirmed(client)
    auth.login(UserFactory(role="street_officer", street_name="解放碑"))
    assert "李志愿" not in client.get("/helpers/applications").get_data(as_text=True)
    for action in ("approve", "reject"):
        response = client.post(f"/helpers/applications/{volunteer.id}/{action}",
                               data={"reason": "不认识"})
        assert response.status_code == 404
    db.session.refresh(volunteer)
    assert volunteer.status == "pending"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "security.out_of_scope")) == 2


def test_an_unconfirmed_sign_up_is_not_in_the_queue(client, auth):
    volunteer = sign_up(client)
    auth.login(UserFactory(role="street_officer"))
    assert "李志愿" not in client.get("/helpers/applications").get_data(as_text=True)
    response = client.post(f"/helpers/applications/{volunteer.id}/approve")
    assert response.status_code == 404


def test_the_officer_approves_and_the_helper_signs_in_as_a_volunteer(client, auth):
    volunteer = confirmed(client)
    officer = UserFactory(role="street_officer")
    auth.login(officer)
    queue = client.get("/helpers/applications").get_data(as_text=True)
    assert "李志愿" in queue and "139******78" in queue and "13912345678" not in queue
    assert 'class="count">1<' in client.get("/").get_data(as_text=True)
    assert client.post(f"/helpers/applications/{volunteer.id}/approve").status_code == 302
    db.session.refresh(volunteer)
    assert (volunteer.status, volunteer.decided_by_id) == ("approved", officer.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "volunteer.approve"))
    assert entry.user_id == officer.id and entry.object_id == str(volunteer.id)
    message = mail.outbox()[-1]
    assert message.to == ["li@example.org"] and "审核通过" in message.body
    auth.logout()
    account = db.session.get(User, volunteer.user_id)
    assert account.active and account.has_role("volunteer")
    auth.login(account, password=GOOD_PASSWORD)
    assert client.get("/my/pairings").status_code == 200


def test_the_confirmation_link_opened_after_the_decision_says_the_decision(client, auth):
    approved = confirmed(client)
    approved_link = link_in(mail.outbox()[-1])
    rejected = confirmed(client, email="r@example.org", phone="13800000002")
    rejected_link = link_in(mail.outbox()[-1])
    auth.login(UserFactory(role="street_officer"))
    client.post(f"/helpers/applications/{approved.id}/approve")
    client.post(f"/helpers/applications/{rejected.id}/reject", data={"reason": "联系不上"})
    auth.logout()
    page = client.get(approved_link).get_data(as_text=True)
    assert "您的报名已审核通过" in page and "将审核您的报名" not in page
    page = client.get(rejected_link).get_data(as_text=True)
    assert "您的报名未获通过" in page and "将审核您的报名" not in page


def test_the_officer_rejects_with_a_reason_that_is_e_mailed(client, auth):
    volunteer = confirmed(client)
    officer = UserFactory(role="street_officer")
    auth.login(officer)
    empty = client.post(f"/helpers/applications/{volunteer.id}/reject", data={"reason": " "})
    assert empty.status_code == 400
    response = client.post(f"/helpers/applications/{volunteer.id}/reject",
                           data={"reason": "联系不上报名人"})
    assert response.status_code == 302
    db.session.refresh(volunteer)
    assert (volunteer.status, volunteer.decision_reason) == ("rejected", "联系不上报名人")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "volunteer.reject"))
    assert entry.user_id == officer.id and entry.detail["reason"] == "联系不上报名人"
    message = mail.outbox()[-1]
    assert "联系不上报名人" in message.body and "未获通过" in message.subject
    assert not db.session.get(User, volunteer.user_id).active
    again = client.post(f"/helpers/applications/{volunteer.id}/approve")
    assert again.status_code == 404


def test_two_officers_deciding_at_once_decide_once(client):
    from charity.volunteers import operations
    volunteer = confirmed(client)
    officer = UserFactory(role="street_officer")
    db.session.refresh(volunteer)  # this officer's tab read it waiting...
    assert volunteer.status == "pending" and volunteer.confirmed_at is not None
    db.session.connection().execute(  # ...and another officer rejected it since
        update(Volunteer).where(Volunteer.id == volunteer.id).values(
            status="rejected", decision_reason="重复", decided_at=utcnow()))
    with pytest.raises(operations.SignUpError):
        operations.approve(volunteer, officer)
    assert not db.session.get(User, volunteer.user_id).active
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "volunteer.approve")) == 0


def test_only_approved_confirmed_unpaused_helpers_reach_the_optimiser(session):
    today = local_today()
    ready = VolunteerFactory()
    VolunteerFactory(status="pending", decided_at=None)
    VolunteerFactory(confirmed_at=None, status="pending", decided_at=None)
    VolunteerFactory(status="rejected", decision_reason="不合适")
    paused = VolunteerFactory(paused_at=utcnow(), paused_until=today + timedelta(days=3))
    ended = VolunteerFactory(paused_at=utcnow(), paused_until=today - timedelta(days=1))
    offered = {v.id for v in adapter.volunteers(None, {}, today)}
    assert offered == {ready.id, ended.id}
    assert paused.paused_on(today) and not ended.paused_on(today)


def test_a_paused_helper_keeps_their_people_and_is_given_no_one_new(session):
    helper = VolunteerFactory(capacity=3)
    kept = PairingFactory(by_volunteer=True, volunteer=helper, status="active")
    newcomer = PersonFactory()
    helper.paused_at, helper.paused_until = helper.confirmed_at, None
    session.flush()
    problem = adapter.build_problem(local_today(), rules.standards(), None)
    (offered,) = problem.volunteers
    assert offered.id == helper.id and offered.capacity == 1
    assert ("volunteer", helper.id, kept.person_id) in problem.locked
    pairing.publish(pairing.run())
    live = session.scalars(select(Pairing).where(Pairing.helper_kind == "volunteer",
                                                 Pairing.status.in_(("proposed", "active"))))
    assert [(p.volunteer_id, p.person_id) for p in live] == [(helper.id, kept.person_id)]
    assert newcomer.id not in {p.person_id for p in session.scalars(
        select(Pairing).where(Pairing.volunteer_id == helper.id))}


def test_a_helper_edits_their_profile_and_pauses_from_the_phone(client, auth):
    helper = VolunteerFactory(with_user=True, capacity=2, phone_masked="137******00",
                              phone_encrypted=ids.encrypt("13700000000"),
                              phone_hash=ids.keyed_hash("13700000000"))
    for _ in range(2):
        PairingFactory(by_volunteer=True, volunteer=helper)
    auth.login(helper.user, password=PASSWORD)
    page = client.get("/my/profile").get_data(as_text=True)
    assert "13700000000" in page and "现有的结对对象仍由您帮扶" in page
    data = {"phone": "13811112222", "capacity": "4", "skills": ["medical", "housing"],
            "languages": ["mandarin", "sign_language"], "travel_streets": [street("大坪").id],
            "availability": ["sun-evening"]}
    assert client.post("/my/profile", data=data).status_code == 302
    session_helper = db.session.get(Volunteer, helper.id)
    db.session.refresh(session_helper)
    assert (session_helper.capacity, session_helper.skills, session_helper.phone_masked) == (
        4, ["housing", "medical"], "138******22")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "volunteer.profile"))
    assert set(entry.detail["changed"]) == {"capacity", "skills", "languages", "travel_streets",
                                            "availability", "phone"}
    too_few = client.post("/my/profile", data=data | {"capacity": "0"})
    assert too_few.status_code == 400
    below = client.post("/my/profile", data=data | {"capacity": "1"})
    assert below.status_code == 400 and "您目前帮扶 2 人" in below.get_data(as_text=True)
    late = client.post("/my/profile/pause", data={"kind": "holiday", "until": "2000-01-01"})
    assert late.status_code == 400
    until = (local_today() + timedelta(days=10)).isoformat()
    assert client.post("/my/profile/pause", data={"kind": "illness", "until": until,
                                                  "reason": "住院"}).status_code == 302
    db.session.refresh(session_helper)
    assert session_helper.paused_on(local_today()) and session_helper.pause_kind == "illness"
    assert "您已暂停" in client.get("/my/profile").get_data(as_text=True)
    assert client.post("/my/profile/resume").status_code == 302
    db.session.refresh(session_helper)
    assert session_helper.paused_at is None
    assert [e.action for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(("volunteer.pause", "volunteer.resume"))).order_by(
        AuditEntry.id))] == ["volunteer.pause", "volunteer.resume"]


def test_sign_ups_are_rate_limited_per_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_RATE_LIMIT", "2 per minute")
    answers = [client.post("/join/", data=form(capacity="0")).status_code for _ in range(3)]
    assert answers == [400, 400, 429]
    assert client.get("/join/").status_code == 200  # reading the page is not limited


@pytest.mark.parametrize(("changes", "field"), [
    ({"contact_person": ""}, "contact_person"),
    ({"kind": "bank"}, "kind"),
    ({"name": "组" * 81}, "name"),
    ({"phone": "12"}, "phone"),
])
def test_an_organisation_s_own_fields_are_checked_too(client, changes, field):
    before = counts()
    data = form(name="山城志愿者协会", kind="organisation", contact_person="王主任",
                phone="023-6380 1234", capacity="20") | changes
    response = client.post("/join/organisation", data=data)
    assert response.status_code == 400
    assert f'id="{field}' in response.get_data(as_text=True)
    assert counts() == before and mail.outbox() == []


def test_the_skills_offered_are_the_optimiser_s_needs():
    import matching
    from charity.pairing.models import SKILLS

    assert SKILLS == matching.model.NEEDS
