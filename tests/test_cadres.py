"""Cadres enrolled for real: the department roster's import (dry run with every kind of bad row,
confirm, idempotent re-import, hostile files), the form, leaving / transfer / rank change with
the true counts of what they did to the pairings, account links, and a liaison's scope."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from charity.audit.models import AuditEntry
from charity.auth.models import User
from charity.database import utcnow
from charity.extensions import db
from charity.pairing import adapter, cadre_roster, cadres, invites
from charity.pairing.models import Cadre, CadreInvite, Pairing, UnmatchedEntry
from charity.registry import ids
from tests.factories import CadreFactory, PairingFactory, PersonFactory, UserFactory, department
from tests.jobs import result_of
from tests.test_roster_uploads import bomb, not_xlsx_zip, post

HOME, OTHER = "七星岗", "解放碑"
STRONG = "maple-orbit-cinnamon-harbor-42"


def row(name="导入干部", dept=None, rank="处级领导", phone="138 0013 8000", community="",
        staff="", skills=""):
    return [name, dept or department(HOME).name, rank, phone, community, staff, skills]


def dry_run(client, rows, lang="en"):
    client.get(f"/lang/{lang}")
    return client.post("/cadres/import", content_type="multipart/form-data", data={
        "file": (BytesIO(cadre_roster.workbook_of(rows)), "cadres.xlsx")})


def imported(client, rows) -> str:
    """Dry run, then confirm: the import job's result page."""
    page = dry_run(client, rows).get_data(as_text=True)
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert token, page[-3000:]
    url = result_of(client, client.post("/cadres/import/confirm",
                                        data={"token": token.group(1)}))
    return client.get(url).get_data(as_text=True)


def count(page: str, name: str) -> int:
    return int(re.search(rf'class="{name}">(\d+)<', page).group(1))


def cadre_count() -> int:
    return db.session.scalar(select(func.count(Cadre.id)))


@pytest.fixture
def admin(client, auth):
    user = UserFactory(role="admin")
    auth.login(user)
    return user


def test_dry_run_lists_every_bad_row_and_writes_nothing(client, admin):
    known = cadres.create(department(HOME).id, "staff", "13900000001", name="在册甲",
                          staff_number="S-1")
    cadres.create(department(HOME).id, "staff", "13900000002", name="在册乙",
                  staff_number="S-2")
    before = cadre_count()
    rows = [
        row(),
        row(name=""),
        row(name="无部门", dept="区宇宙局", phone="13800000002"),
        row(name="无职级", rank="科长", phone="13800000003"),
        row(name="坏号", phone="12345"),
        row(name="同号", phone="138-0013-8000"),
        row(name="他人号", phone="13900000002", staff="S-1"),
        row(name="无社区", community="火星社区", phone="13800000004"),
        row(name="同工号一", phone="13800000005", staff="S-9"),
        row(name="同工号二", phone="13800000006", staff="S-9"),
        row(name="工号不符", phone="13900000001", staff="S-7"),
        row(name="怪技能", phone="13800000007", skills="飞行"),
    ]
    response = dry_run(client, rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("This field is required.", "Unknown department: 区宇宙局",
                    "Unknown rank: 科长", "Not a mainland mobile number",
                    "Same phone number as row 2.", "This phone number belongs to another cadre.",
                    "Unknown community, or not in the district: 火星社区",
                    "Same staff number as row 10.",
                    "This phone number&#39;s cadre has the staff number S-1.",
                    "Unknown skill: 飞行", "Nothing was imported."):
        assert message in page, message
    assert page.count('class="bad-row"') == 10
    assert 'name="token"' not in page
    assert cadre_count() == before
    assert known.name == "在册甲"
    chinese = dry_run(client, rows, lang="zh_Hans_CN").get_data(as_text=True)
    assert "未知部门：区宇宙局" in chinese and "不是大陆手机号码" in chinese


def test_confirm_imports_and_a_second_import_changes_only_what_changed(client, admin):
    rows = [row(name="甲", staff="YZ1", community="领事巷社区", skills="医疗、就业"),
            row(name="乙", phone="+86 139 1111 2222", rank="district leader")]
    page = imported(client, rows)
    assert (count(page, "created"), count(page, "updated"), count(page, "unchanged")) == (2, 0, 0)
    first = db.session.scalar(select(Cadre).where(Cadre.staff_number == "YZ1"))
    assert first.rank == "division_leader" and sorted(first.skills) == ["employment", "medical"]
    assert first.home_community.name == "领事巷社区"
    assert ids.decrypt(first.phone_encrypted) == "13800138000"
    assert first.phone_masked == "138******00"
    second = db.session.scalar(select(Cadre).where(Cadre.name == "乙"))
    assert second.rank == "district_leader" and second.staff_number is None

    again = imported(client, rows)
    assert (count(again, "created"), count(again, "updated"), count(again, "unchanged")) == (
        0, 0, 2)
    # matched by staff number (new phone, new name), and by phone (new name, a staff number)
    changed = [row(name="甲改", staff="YZ1", phone="13700000000", community="领事巷社区",
                   skills="医疗、就业"),
               row(name="乙改", phone="13911112222", rank="区级领导", staff="YZ2")]
    third = imported(client, changed)
    assert (count(third, "created"), count(third, "updated")) == (0, 2)
    assert cadre_count() == 2
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.name == "甲改" and ids.decrypt(first.phone_encrypted) == "13700000000"
    assert second.name == "乙改" and second.staff_number == "YZ2"
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "cadre.import")).all()
    assert [e.detail["created"] for e in entries] == [2, 0, 0]


@pytest.mark.parametrize("make", [lambda: bomb(200), not_xlsx_zip])
def test_hostile_workbooks_are_refused_and_nothing_is_written(client, admin, make):
    client.get("/lang/en")
    response = post(client, make(), "cadres.xlsx", path="/cadres/import")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "workbook" in page and 'name="token"' not in page
    assert cadre_count() == 0


def test_add_and_edit_by_form_and_the_list_masks_phones(client, admin):
    client.get("/lang/en")
    dept = department(HOME)
    response = client.post("/cadres/new", data={
        "name": "表单甲", "department": str(dept.id), "rank": "staff",
        "phone": "186 1234 5678", "home_community": "", "staff_number": "F1"})
    assert response.status_code == 302
    cadre = db.session.scalar(select(Cadre).where(Cadre.name == "表单甲"))
    duplicate = client.post("/cadres/new", data={
        "name": "表单乙", "department": str(dept.id), "rank": "staff",
        "phone": "18612345678", "home_community": ""})
    assert duplicate.status_code == 400
    assert "This phone number belongs to another cadre." in duplicate.get_data(as_text=True)
    bad = client.post("/cadres/new", data={"name": "表单丙", "department": str(dept.id),
                                           "rank": "staff", "phone": "0123"})
    assert bad.status_code == 400 and "Not a mainland mobile number" in bad.get_data(
        as_text=True)
    assert client.post(f"/cadres/{cadre.id}/edit", data={
        "name": "表单甲改", "phone": "", "home_community": "", "staff_number": "F1",
        "skills": ["housing"]}).status_code == 302
    db.session.refresh(cadre)
    assert cadre.name == "表单甲改" and cadre.skills == ["housing"]
    assert ids.decrypt(cadre.phone_encrypted) == "18612345678"
    listing = client.get(f"/cadres/?q=表单&department={dept.id}&rank=staff&state=serving")
    text = listing.get_data(as_text=True)
    assert "表单甲改" in text and "186******78" in text and "18612345678" not in text
    assert "表单甲改" not in client.get("/cadres/?state=left").get_data(as_text=True)


@pytest.mark.parametrize(("typed", "digits"), [
    ("１８６ １２３４ ５６７８", "18612345678"), ("18６12345678", "18612345678"),
    ("＋８６18612345678", "18612345678"), ("١٨٦١٢٣٤٥٦٧٨", None), ("186123456７８9", None)])
def test_full_width_digits_are_the_same_mobile_number(typed, digits):
    assert cadres.mobile(typed) == digits


def pairs(cadre, people):
    return [PairingFactory(cadre=cadre, person=person) for person in people]


def live_of(cadre_id):
    return db.session.scalars(select(Pairing).where(
        Pairing.cadre_id == cadre_id, Pairing.status.in_(adapter.LIVE))).all()


def test_leaving_ends_every_pairing_and_says_how_many_were_rematched(client, admin):
    leaving = CadreFactory(rank="division_leader", with_user=True)
    spare = CadreFactory(rank="staff")  # takes one person
    people = [PersonFactory(), PersonFactory()]
    pairs(leaving, people)
    client.get("/lang/en")
    response = client.post(f"/cadres/{leaving.id}/leave", data={
        "left_on": utcnow().date().isoformat(), "reason": "退休"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 pairings ended: 1 people found a new cadre, 1 are without one" in page
    waiting = db.session.scalars(select(UnmatchedEntry).where(
        UnmatchedEntry.closed_at.is_(None))).all()
    assert [(e.helper_kind, e.person_id in {p.id for p in people}) for e in waiting] == [
        ("cadre", True)]
    assert live_of(leaving.id) == [] and len(live_of(spare.id)) == 1
    db.session.refresh(leaving)
    db.session.refresh(leaving.user)
    assert leaving.left_on is not None and not leaving.active and not leaving.user.active
    assert leaving.id not in {c.id for c in adapter.cadres(None)}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cadre.leave"))
    assert (entry.detail["ended"], entry.detail["rematched"], entry.detail["unmatched"]) == (
        2, 1, 1)
    rematched = {p.person_id for p in live_of(spare.id)}
    [queued] = db.session.scalars(select(UnmatchedEntry)).all()
    assert queued.person_id in {p.id for p in people} - rematched
    assert queued.helper_kind == "cadre" and queued.closed_at is None
    again = client.post(f"/cadres/{leaving.id}/leave", data={
        "left_on": utcnow().date().isoformat(), "reason": "再次"}, follow_redirects=True)
    assert again.status_code == 400


def test_transfer_ends_pairings_outside_the_new_street_and_rematches(client, admin):
    moving = CadreFactory(rank="division_leader")
    spare = CadreFactory(rank="division_leader")
    pairs(moving, [PersonFactory(), PersonFactory()])
    client.get("/lang/en")
    response = client.post(f"/cadres/{moving.id}/transfer", data={
        "department": str(department(OTHER).id)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 pairings ended: 2 people found a new cadre, 0 are without one" in page
    assert len(live_of(spare.id)) == 2 and live_of(moving.id) == []
    db.session.refresh(moving)
    assert moving.department_id == department(OTHER).id


def test_rank_change_keeps_the_highest_priority_people(client, admin):
    leader = CadreFactory(rank="district_leader")
    tekun = PersonFactory(tekun=True)
    pairs(leader, [PersonFactory(), tekun, PersonFactory()])
    client.get("/lang/en")
    response = client.post(f"/cadres/{leader.id}/rank", data={"rank": "staff"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 pairings ended: 0 people found a new cadre, 2 are without one" in page
    assert [p.person_id for p in live_of(leader.id)] == [tekun.id]
    up = client.post(f"/cadres/{leader.id}/rank", data={"rank": "division_leader"},
                     follow_redirects=True)
    assert "No pairing had to end." in up.get_data(as_text=True)


def invite_link(client, cadre) -> str:
    page = client.post(f"/cadres/{cadre.id}/invite").get_data(as_text=True)
    found = re.search(r'class="invite-link">https?://[^/]+(/invite/[^<]+)<', page)
    assert found, page[-2000:]
    return found.group(1)


def test_invite_link_sets_the_password_once_and_signs_the_cadre_in(app, client, admin):
    cadre = cadres.create(department(HOME).id, "staff", "13600000000", name="邀请甲")
    link = invite_link(client, cadre)
    assert CadreInvite.query.one().secret_hash not in link
    fresh = app.test_client()
    fresh.get("/lang/en")
    assert fresh.get(link).status_code == 200
    weak = fresh.post(link, data={"email": "cadre-a@songtan.test", "password": "password1",
                                  "confirm": "password1"})
    assert weak.status_code == 400 and "Choose a stronger password" in weak.get_data(
        as_text=True)
    done = fresh.post(link, data={"email": "cadre-a@songtan.test", "password": STRONG,
                                  "confirm": STRONG})
    assert done.status_code == 302 and "/my/" in done.headers["Location"]
    assert fresh.get("/my/pairings").status_code == 200
    db.session.refresh(cadre)
    user = db.session.get(User, cadre.user_id)
    assert user.email == "cadre-a@songtan.test" and user.has_role("cadre")
    used = app.test_client()
    used.get("/lang/en")
    answer = used.post(link, data={"password": STRONG, "confirm": STRONG})
    assert answer.status_code == 410 and "used already" in answer.get_data(as_text=True)


def test_a_link_used_in_another_tab_meanwhile_is_not_used_twice(app, client, admin):
    cadre = cadres.create(department(HOME).id, "staff", "13600000002", name="邀请丙")
    link = invite_link(client, cadre)
    token = link.removeprefix("/invite/")
    invite = invites.find(token)  # this tab read the link while it was unused...
    db.session.connection().execute(  # ...and the other tab spent it since
        update(CadreInvite).where(CadreInvite.id == invite.id).values(used_at=utcnow()))
    assert invite.used_at is None
    with pytest.raises(invites.InviteError, match="已使用过"):
        invites.redeem(token, "cadre-c@songtan.test", STRONG)
    assert db.session.scalar(select(func.count(User.id)).where(
        User.email == "cadre-c@songtan.test")) == 0


def test_expired_and_revoked_links_say_so(app, client, admin):
    cadre = cadres.create(department(HOME).id, "staff", "13600000001", name="邀请乙")
    old = invite_link(client, cadre)
    new = invite_link(client, cadre)
    other = app.test_client()
    other.get("/lang/en")
    assert "newer link" in other.get(old).get_data(as_text=True)
    invite = db.session.scalar(select(CadreInvite).where(CadreInvite.revoked_at.is_(None)))
    invite.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = other.get(new)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert other.get("/invite/not-a-link").status_code == 410


def test_a_liaison_keeps_to_their_own_department(client, auth):
    mine, theirs = department(HOME), department(OTHER)
    liaison = UserFactory(role="liaison")
    liaison.department_id = mine.id
    db.session.commit()
    own = CadreFactory(name="本部门")
    foreign = CadreFactory(name="外部门", street_name=OTHER)
    auth.login(liaison)
    client.get("/lang/en")
    listing = client.get("/cadres/").get_data(as_text=True)
    assert "本部门" in listing and "外部门" not in listing
    assert client.get(f"/cadres/{foreign.id}").status_code == 404
    assert client.post(f"/cadres/{foreign.id}/leave", data={
        "left_on": utcnow().date().isoformat(), "reason": "x"}).status_code == 404
    assert client.get(f"/cadres/{own.id}").status_code == 200
    assert client.post(f"/cadres/{own.id}/transfer", data={
        "department": str(theirs.id)}).status_code == 403
    page = dry_run(client, [row(dept=theirs.name)]).get_data(as_text=True)
    assert "You can import only your own department&#39;s cadres." in page
    done = imported(client, [row(name="联络导入")])
    assert count(done, "created") == 1


@pytest.mark.parametrize("lang,word", [("zh_Hans_CN", "干部"), ("en", "Cadres")])
def test_pages_render_in_both_languages(client, admin, lang, word):
    cadre = CadreFactory()
    client.get(f"/lang/{lang}")
    for path in ("/cadres/", "/cadres/new", f"/cadres/{cadre.id}", f"/cadres/{cadre.id}/edit",
                 "/cadres/import"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert word in response.get_data(as_text=True) or path != "/cadres/"


def test_template_has_the_import_columns(client, admin):
    response = client.get("/cadres/import/template.xlsx")
    book = load_workbook(BytesIO(response.data), read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert list(header) == cadre_roster.HEADERS
    assert len(book.sheetnames) == 2


def test_a_clashing_staff_number_on_the_edit_form_is_refused(client, admin):
    cadres.create(department(HOME).id, "staff", "13500000000", name="甲", staff_number="K1")
    other = cadres.create(department(HOME).id, "staff", "13500000001", name="乙")
    client.get("/lang/en")
    response = client.post(f"/cadres/{other.id}/edit", data={
        "name": "乙", "phone": "", "home_community": "", "staff_number": "K1"})
    assert response.status_code == 400
    assert "This staff number belongs to another cadre." in response.get_data(as_text=True)
    db.session.refresh(other)
    assert other.staff_number is None


def test_a_department_change_in_the_roster_moves_pairings_through_the_rematch(client, admin):
    moving = cadres.create(department(HOME).id, "division_leader", "13400000000", name="调动",
                           staff_number="T1")
    spare = CadreFactory(rank="division_leader")
    pairs(moving, [PersonFactory()])
    page = imported(client, [row(name="调动", dept=department(OTHER).name,
                                 phone="13400000000", staff="T1")])
    assert (count(page, "updated"), count(page, "ended"), count(page, "rematched"),
            count(page, "unmatched")) == (1, 1, 1, 0)
    assert len(live_of(spare.id)) == 1 and live_of(moving.id) == []


def test_the_liaison_command_links_an_account_to_its_department(runner):
    user = UserFactory(role="street_officer", email="liaison-cmd@songtan.test")
    result = runner.invoke(args=["match", "liaison", user.email, department(OTHER).name])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.has_role("liaison") and user.department_id == department(OTHER).id
    assert runner.invoke(args=["match", "liaison", user.email, "区宇宙局"]).exit_code != 0


def test_a_new_link_for_a_cadre_with_an_account_sets_a_new_password(app, client, admin):
    cadre = CadreFactory(with_user=True)
    old_uniquifier = cadre.user.fs_uniquifier
    link = invite_link(client, cadre)
    fresh = app.test_client()
    fresh.get("/lang/en")
    assert 'name="email"' not in fresh.get(link).get_data(as_text=True)
    done = fresh.post(link, data={"password": STRONG, "confirm": STRONG})
    assert done.status_code == 302
    user = db.session.get(User, cadre.user_id)
    db.session.refresh(user)
    assert user.fs_uniquifier != old_uniquifier  # sessions from before end
    assert db.session.scalar(select(func.count(User.id)).where(User.id == cadre.user_id)) == 1
