"""The pairing workflow end to end: run, preview, publish, accept, decline and re-match, lock,
forbid, export; street officers see only their street."""

import csv
import io
import json

from sqlalchemy import select

from charity.extensions import db
from charity.pairing import operations
from charity.pairing.models import ForbiddenPair, MatchRun, Pairing
from tests import factories
from tests.factories import CadreFactory, PersonFactory, VolunteerFactory
from tests.jobs import exported


def small_district():
    """Four people in 七星岗, two in 解放碑; three staff cadres of 七星岗's group, one of
    解放碑's; a volunteer in 七星岗."""
    people = [PersonFactory(household__street_name="七星岗", category=c)
              for c in ("tekun", "dibao", "dibao", "filed_hardship")]
    others = [PersonFactory(household__street_name="解放碑") for _ in range(2)]
    cadres = [CadreFactory(street_name="七星岗") for _ in range(3)]
    far = CadreFactory(street_name="解放碑")
    volunteer = VolunteerFactory(street_name="七星岗", capacity=2)
    return people, others, cadres, far, volunteer


def live(person_id=None, kind=None):
    query = select(Pairing).where(Pairing.status.in_(("proposed", "active")))
    if person_id:
        query = query.where(Pairing.person_id == person_id)
    if kind:
        query = query.where(Pairing.helper_kind == kind)
    return db.session.scalars(query).all()


def test_run_preview_and_publish(client, auth):
    people, others, cadres, far, volunteer = small_district()
    auth.login(factories.user("admin"))
    response = client.post("/pairing/runs", data={"street": ""})
    assert response.status_code == 302
    match_run = db.session.scalar(select(MatchRun))
    page = client.get(f"/pairing/runs/{match_run.id}?lang=en").get_data(as_text=True)
    assert "Optimal solution found" in page and "OPTIMAL" not in page and "4 new" not in page
    assert match_run.summary["kept"] == 0 and match_run.bound == match_run.objective
    assert live() == []
    assert client.post(f"/pairing/runs/{match_run.id}/publish").status_code == 302
    cadre_pairs = live(kind="cadre")
    assert len(cadre_pairs) == 4
    assert sorted(p.cadre_id for p in cadre_pairs) == sorted(c.id for c in [*cadres, far])
    assert {p.person_id for p in cadre_pairs if p.cadre_id == far.id} <= {o.id for o in others}
    tekun = next(p for p in cadre_pairs if p.person_id == people[0].id)
    assert {"code": "priority", "params": {"mark": "tekun"}} in tekun.reasons
    assert len(live(kind="volunteer")) == 2
    assert client.post(f"/pairing/runs/{match_run.id}/publish").status_code == 302
    assert len(live()) == 6


def test_rerun_keeps_locked_pairs_and_never_proposes_forbidden_ones(session):
    people, others, cadres, far, volunteer = small_district()
    operations.publish(operations.run())
    pair, conflicted = sorted(live(kind="cadre"), key=lambda p: p.person_id)[:2]
    operations.set_locked(pair, True)
    operations.forbid(conflicted, "relative of the cadre")
    assert conflicted.status == "ended"
    again = operations.run()
    pairs = {tuple(p[:3]) for p in again.summary["pairs"]}
    assert ("cadre", pair.cadre_id, pair.person_id) in pairs
    assert ("cadre", conflicted.cadre_id, conflicted.person_id) not in pairs
    operations.publish(again)
    assert live(pair.person_id, "cadre")[0].id == pair.id


def test_helper_accepts_and_declines_and_the_person_is_rematched(client, auth):
    people, others, cadres, far, volunteer = small_district()
    spare = CadreFactory(street_name="七星岗", rank="division_leader")
    operations.publish(operations.run())
    user = factories.user("cadre")
    pair = next(p for p in live(kind="cadre") if p.cadre.rank == "staff"
                and p.person.household.street.name == "七星岗")
    pair.cadre.user_id = user.id
    before = {p.id: (p.person_id, p.cadre_id, p.volunteer_id) for p in live()}
    db.session.flush()
    auth.login(user)
    page = client.get("/my/pairings?lang=en").get_data(as_text=True)
    assert pair.person.name in page and "please accept" in page
    assert "Same street" in page or "Same community" in page
    chinese = client.get("/my/pairings?lang=zh_Hans_CN").get_data(as_text=True)
    assert "同一街道" in chinese or "同一社区" in chinese
    assert client.post(f"/my/pairings/{pair.id}/decline", data={"reason": ""}).status_code == 400
    assert live(pair.person_id, "cadre")[0].id == pair.id
    response = client.post(f"/my/pairings/{pair.id}/decline", data={"reason": "住得太远"})
    assert response.status_code == 302
    db.session.expire_all()
    new = live(pair.person_id, "cadre")
    assert len(new) == 1 and new[0].cadre_id != pair.cadre_id
    assert db.session.scalar(select(ForbiddenPair).filter_by(
        helper_id=pair.cadre_id, person_id=pair.person_id, reason="declined"))
    after = {p.id: (p.person_id, p.cadre_id, p.volunteer_id) for p in live()}
    del before[pair.id]
    assert {k: v for k, v in after.items() if k != new[0].id} == before
    assert new[0].cadre_id == spare.id


def test_accept_makes_the_pairing_active_and_others_cannot_touch_it(client, auth):
    small_district()
    operations.publish(operations.run())
    pairs = live(kind="cadre")
    owner, stranger = factories.user("cadre"), factories.user("cadre")
    pairs[0].cadre.user_id, pairs[1].cadre.user_id = owner.id, stranger.id
    db.session.flush()
    auth.login(stranger)
    assert client.post(f"/my/pairings/{pairs[0].id}/accept").status_code == 404
    auth.logout()
    auth.login(owner)
    assert client.post(f"/my/pairings/{pairs[0].id}/accept").status_code == 302
    db.session.refresh(pairs[0])
    assert pairs[0].status == "active" and pairs[0].accepted_at is not None


def test_street_officer_sees_and_runs_only_their_street(client, auth):
    people, others, *_ = small_district()
    operations.publish(operations.run())
    district_run = db.session.scalar(select(MatchRun))
    auth.login(factories.user("street_officer", "解放碑"))
    assert client.get(f"/pairing/runs/{district_run.id}").status_code == 404
    qixinggang = factories.street("七星岗")
    assert client.post("/pairing/runs", data={"street": qixinggang.id}).status_code == 400
    assert db.session.scalar(select(MatchRun).where(MatchRun.street_id == qixinggang.id)) is None
    listing = client.get("/pairing/pairings").get_data(as_text=True)
    assert others[0].name in listing or others[1].name in listing
    assert all(p.name not in listing for p in people)
    mine = factories.street("解放碑")
    assert client.post("/pairing/runs", data={"street": mine.id}).status_code == 302
    rows = list(csv.reader(io.StringIO(exported(client, "/pairing/export.csv").data.decode(
        "utf-8-sig"))))
    assert rows[0] == ["beneficiary_id", "street", "helper_kind", "helper_id", "helper_rank",
                       "helper_group_street", "status"]
    assert {r[1] for r in rows[1:]} == {"解放碑"}


def test_infeasible_quota_names_the_street_and_cannot_be_published(client, auth):
    PersonFactory(household__street_name="上清寺")
    CadreFactory(street_name="上清寺", rank="district_leader")
    match_run = operations.run()
    assert match_run.status == "INFEASIBLE"
    assert match_run.summary["conflicts"] == [{"code": "rank_quota_unreachable", "params": {
        "street": "上清寺", "rank": "district_leader", "cadres": 1, "need": 2, "eligible": 1}}]
    db.session.flush()
    auth.login(factories.user("admin"))
    page = client.get(f"/pairing/runs/{match_run.id}?lang=en").get_data(as_text=True)
    assert "上清寺: District leader × 1 must pair with at least 2 people, but only 1 can be " \
        "paired with them" in page
    page = client.get(f"/pairing/runs/{match_run.id}?lang=zh_Hans_CN").get_data(as_text=True)
    assert "上清寺：1 名区级领导至少需要 2 人，仅 1 人可结对" in page
    try:
        operations.publish(match_run)
    except operations.PairingError:
        pass
    else:
        raise AssertionError("an infeasible run was published")


def test_cli_prints_conflicts_in_chinese_as_before(runner):
    PersonFactory(household__street_name="上清寺")
    CadreFactory(street_name="上清寺", rank="district_leader")
    result = runner.invoke(args=["match", "run", "--json"])
    assert json.loads(result.output)["conflicts"] == [
        "上清寺：1 名区级领导至少需要 2 人，仅 1 人可结对"]


def test_cli_run_and_export(runner):
    small_district()
    result = runner.invoke(args=["match", "run", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["status"] == "OPTIMAL" and summary["quota_violations"] == []
    assert summary["conflicts"] == []
    assert "notes" not in summary  # the summary prints what it printed before
    assert summary["coverage"]["七星岗"] == {"covered": 3, "total": 4}
    assert summary["published"]["added"] == 6
    exported = runner.invoke(args=["match", "export", "--format", "csv"])
    lines = exported.stdout.strip().splitlines()
    assert len(lines) == 7 and lines[0].lstrip("\ufeff").startswith("beneficiary_id,street")
    one = runner.invoke(args=["match", "run", "--street", "解放碑", "--json"])
    assert json.loads(one.output)["coverage"] == {"解放碑": {"covered": 1, "total": 2}}
    bad = runner.invoke(args=["match", "run", "--street", "火星"])
    assert bad.exit_code != 0


def test_preview_names_people_and_helpers_and_counts_priority_people(client, auth):
    """The preview's changes and unmatched lists name people as the roster list does (name,
    masked ID number) and helpers by name; its result counts priority people with a cadre."""
    people, others, cadres, far, volunteer = small_district()
    extra = PersonFactory(household__street_name="七星岗", category="tekun")  # no cadre left
    auth.login(factories.user("admin"))
    client.post("/pairing/runs", data={"street": ""})
    match_run = db.session.scalar(select(MatchRun))
    page = client.get(f"/pairing/runs/{match_run.id}?lang=en").get_data(as_text=True)
    changes = page[page.index('id="run-changes"'):]
    assert people[0].name in changes and people[0].id_number_masked in changes
    assert volunteer.name in changes and any(c.name in changes for c in cadres)
    assert f">#{people[0].id}<" not in page and f"#{volunteer.id}<" not in changes
    unmatched = [person for person, _ in match_run.summary["unmatched"]]
    assert unmatched and all(db.session.get(type(extra), p).name in page for p in unmatched)
    paired = {p for kind, _, p in match_run.summary["added"] if kind == "cadre"}
    tekun = {people[0].id, extra.id}
    assert match_run.summary["priority"] == {"people": 2, "with_cadre": len(tekun & paired)}
    assert f"{len(tekun & paired)} of 2 priority people paired with a cadre" in page
