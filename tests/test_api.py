"""The data-sharing API: tokens and their scopes, status changes in (with the pairings they
end and the figures they move), casework in, summaries out, problem details on bad input."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from charity.api import tokens
from charity.api.models import ApiChange, ApiToken
from charity.audit.models import AuditEntry
from charity.database import utcnow
from charity.extensions import db
from charity.registry import ids
from charity.registry.models import StatusChange
from charity.timeutil import local_today
from tests.factories.base import HOME_STREET
from tests.factories.pairing import PairingFactory
from tests.factories.people import PersonFactory, UserFactory

OTHER_STREET = "解放碑"


def issue(*scopes, days=30):
    _token, secret = tokens.issue("区民政局", list(scopes), local_today() + timedelta(days=days),
                                  local_today())
    db.session.flush()
    return secret


def bearer(secret, lang="en"):
    return {"Authorization": f"Bearer {secret}", "Accept-Language": lang}


def number(person):
    return ids.decrypt(person.id_number_encrypted)


def change(person, external_id, kind="exit", **extra):
    return {"external_id": external_id, "id_number": number(person), "change": kind,
            "document_number": "渝中民〔2026〕12号",
            "effective_date": local_today().isoformat(), **extra}


def post_status(client, secret, items, **headers):
    return client.post("/api/v1/registry/status-changes", json={"items": items},
                       headers=bearer(secret, **headers))


def street_row(client, secret, name=HOME_STREET):
    rows = client.get("/api/v1/pairing/streets", headers=bearer(secret)).get_json()
    return next(r for r in rows if r["street"] == name)


def test_a_batch_of_exits_takes_people_off_the_roster_ends_pairings_and_moves_the_figures(
        client):
    pairings = [PairingFactory() for _ in range(3)]
    writer = issue("registry:status:write")
    reader = issue("pairing:summary:read")
    before = street_row(client, reader)

    response = post_status(client, writer, [change(p.person, f"ex-{p.id}") for p in pairings[:2]])

    assert response.status_code == 200
    assert response.get_json()["applied"] == 2
    for pairing in pairings[:2]:
        db.session.refresh(pairing)
        db.session.refresh(pairing.person)
        assert pairing.status == "ended" and pairing.ended_at is not None
        assert pairing.person.status == "exited"
        assert pairing.person.history[0].reason.startswith("渝中民〔2026〕12号")
    db.session.refresh(pairings[2])
    assert pairings[2].status == "active"
    after = street_row(client, reader)
    assert after["enrolled"] == before["enrolled"] - 2
    assert after["with_cadre"] == before["with_cadre"] - 2


def test_a_repeated_external_id_changes_nothing_and_answers_as_the_first_time(client):
    person = PersonFactory()
    writer = issue("registry:status:write")
    item = change(person, "sus-1", "suspend")
    first = post_status(client, writer, [item]).get_json()["results"][0]
    again = post_status(client, writer, [item]).get_json()["results"][0]
    other = post_status(client, writer, [change(person, "sus-1", "exit")]).get_json()
    assert first["status"] == 201 and not first["replayed"]
    assert again["status"] == 200 and again["replayed"]
    assert other["results"][0]["status"] == 409
    assert db.session.scalar(select(func.count(StatusChange.id)).where(
        StatusChange.person_id == person.id, StatusChange.status == "suspended")) == 1


def test_bad_items_are_refused_one_by_one_and_leave_nothing_behind(client):
    good, paired = PersonFactory(), PairingFactory()
    writer = issue("registry:status:write")
    unknown = PersonFactory.build()
    future = change(paired.person, "f-1", effective_date=(
        local_today() + timedelta(days=3)).isoformat())
    items = [
        change(good, "ok-1", "category", category="tekun"),
        {**change(good, "bad-id"), "id_number": "110101198001011234"},
        {**change(good, "unknown"), "id_number": number(unknown)},
        future,
        change(good, "ok-1", "exit"),
    ]
    body = post_status(client, writer, items, lang="zh").get_json()

    statuses = [r["status"] for r in body["results"]]
    assert statuses == [201, 422, 404, 422, 409]
    assert body["applied"] == 1 and body["refused"] == 4
    problems = [r["problem"] for r in body["results"][1:]]
    assert problems[2]["type"].endswith("future-date")
    assert all(p["external_id"] and p["title"] for p in problems)
    assert "身份证" in problems[0]["detail"] or "18" in problems[0]["detail"]
    assert number(good) not in str(body)
    db.session.refresh(good)
    db.session.refresh(paired)
    assert (good.category, good.status) == ("tekun", "enrolled")
    assert paired.status == "active" and paired.person.status == "enrolled"
    assert db.session.scalar(select(func.count(ApiChange.id))) == 1


def test_a_batch_of_1001_is_refused_whole_as_a_problem_detail(client):
    person = PersonFactory()
    writer = issue("registry:status:write")
    response = post_status(client, writer, [change(person, f"n-{i}") for i in range(1001)])
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 422
    db.session.refresh(person)
    assert person.status == "enrolled"


def test_problem_details_speak_the_callers_language(client):
    english = client.get("/api/v1/pairing/streets", headers={"Accept-Language": "en"})
    chinese = client.get("/api/v1/pairing/streets", headers={"Accept-Language": "zh-CN,zh"})
    assert english.status_code == chinese.status_code == 401
    assert english.mimetype == "application/problem+json"
    assert english.get_json()["title"] == "A valid API token is needed."
    assert chinese.get_json()["title"] != english.get_json()["title"]
    assert any("\u4e00" <= c <= "\u9fff" for c in chinese.get_json()["title"])


@pytest.mark.parametrize("route", ["/api/v1/pairing/streets", "/api/v1/casework/gaps",
                                   "/api/v1/pairing/departments", "/api/v1/fund/disclosure"])
def test_expired_revoked_or_unknown_tokens_get_401(client, route):
    live = issue("pairing:summary:read", "fund:disclosure:read")
    token, revoked = tokens.issue("卫健委", ["pairing:summary:read", "fund:disclosure:read"],
                                  local_today() + timedelta(days=3), local_today())
    tokens.revoke(token)
    expired_token, expired = tokens.issue("人社局", ["pairing:summary:read",
                                                   "fund:disclosure:read"],
                                          local_today() + timedelta(days=3), local_today())
    expired_token.expires_on = local_today() - timedelta(days=1)
    db.session.flush()
    assert client.get(route, headers=bearer(live)).status_code == 200
    for secret in (revoked, expired, live + "x", "st_nothing"):
        assert client.get(route, headers=bearer(secret)).status_code == 401


def test_each_token_reads_and_writes_only_its_scope(client):
    person = PersonFactory()
    other = PersonFactory(street_name=OTHER_STREET)
    health = issue("casework:services:write")
    street = issue(tokens.street_scope(HOME_STREET))
    assert client.get("/api/v1/pairing/streets", headers=bearer(health)).status_code == 403
    assert post_status(client, health, [change(person, "x")]).status_code == 403
    assert post_status(client, street, [change(person, "x")]).status_code == 403
    assert client.get(f"/api/v1/registry/streets/{OTHER_STREET}/people",
                      headers=bearer(street)).status_code == 403
    assert client.get("/api/v1/fund/disclosure", headers=bearer(street)).status_code == 403
    page = client.get(f"/api/v1/registry/streets/{HOME_STREET}/people",
                      headers=bearer(street)).get_json()
    numbers = {row["id_number"] for row in page["people"]}
    assert person.id_number_masked in numbers and number(person) not in numbers
    assert other.id_number_masked not in numbers
    assert db.session.get(type(person), person.id).status == "enrolled"


def test_an_unmasked_street_scope_sees_full_numbers_each_view_audited(client):
    person = PersonFactory()
    secret = issue(tokens.street_scope(HOME_STREET) + tokens.UNMASKED)
    page = client.get(f"/api/v1/registry/streets/{HOME_STREET}/people",
                      headers=bearer(secret)).get_json()
    assert number(person) in {row["id_number"] for row in page["people"]}
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "person.view_id", AuditEntry.object_id == str(person.id))) == 1


def test_health_and_employment_posts_go_through_casework(client):
    person = PersonFactory(jobseeker=True)
    secret = issue("casework:services:write")
    medical = client.post("/api/v1/casework/medical", headers=bearer(secret), json={"items": [
        {"external_id": "m-1", "id_number": number(person), "family_doctor": True,
         "health_record": True}]})
    service = client.post("/api/v1/casework/services", headers=bearer(secret), json={"items": [
        {"external_id": "s-1", "id_number": number(person), "kind": "public_welfare_job",
         "given_on": local_today().isoformat(), "provider": "区人社局"},
        {"external_id": "s-2", "id_number": number(person), "kind": "training",
         "given_on": (local_today() + timedelta(days=1)).isoformat()}]})
    assert medical.get_json()["applied"] == 1
    assert [r["status"] for r in service.get_json()["results"]] == [201, 422]
    db.session.refresh(person)
    assert person.family_doctor and person.health_record
    assert person.employment_status == "employed"


def test_every_call_is_audited_with_its_token_and_scope(client):
    secret = issue("fund:disclosure:read")
    assert client.get("/api/v1/fund/disclosure?year=2026", headers=bearer(secret)).status_code \
        == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api.call")
                              .order_by(AuditEntry.id.desc()))
    assert entry.detail["scope"] == "fund:disclosure:read"
    assert entry.detail["path"] == "/api/v1/fund/disclosure"
    assert entry.detail["holder"] == "区民政局"


def test_a_signed_in_session_does_not_authenticate_the_api(client, auth):
    admin = UserFactory(role="admin")
    auth.login(admin)
    assert client.get("/api/v1/pairing/streets").status_code == 401
    assert client.post("/api/v1/registry/status-changes", json={"items": []}).status_code == 401


def test_each_token_is_rate_limited_on_its_own(app, client):
    first, second = issue("pairing:summary:read"), issue("pairing:summary:read")
    app.config["API_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [client.get("/api/v1/pairing/departments", headers=bearer(first)).status_code
                 for _ in range(3)]
        other = client.get("/api/v1/pairing/departments", headers=bearer(second)).status_code
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"
    assert codes == [200, 200, 429]
    assert other == 200


def test_admin_issues_a_token_shown_once_and_revokes_it(client, auth):
    admin = UserFactory(role="admin")
    auth.login(admin)
    expires = (local_today() + timedelta(days=90)).isoformat()
    page = client.post("/admin/api-tokens/", data={
        "holder": "区卫健委", "scopes": ["casework:services:write"], "expires_on": expires})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    secret = text.split("<pre><code>")[1].split("</code>")[0]
    assert secret.startswith("st_")
    token = tokens.find(secret, local_today())
    assert token.secret_hash != secret and secret not in str(token.__dict__.values())
    assert secret not in client.get("/admin/api-tokens/").get_data(as_text=True)
    assert client.post(f"/admin/api-tokens/{token.id}/revoke").status_code == 302
    db.session.expire_all()
    assert tokens.find(secret, local_today()) is None
    assert token.revoked_at <= utcnow()


def test_only_an_admin_manages_tokens(client, auth):
    auth.login(UserFactory(role="street_officer"))
    assert client.get("/admin/api-tokens/").status_code == 403


def test_tokens_refuse_unknown_scopes_and_long_lives(session):
    with pytest.raises(tokens.TokenError):
        tokens.issue("x", ["registry:read:street:Atlantis"], local_today() + timedelta(days=3),
                     local_today())
    with pytest.raises(tokens.TokenError):
        tokens.issue("x", ["fund:disclosure:read"], local_today() + timedelta(days=400),
                     local_today())


def test_the_openapi_document_and_its_offline_docs(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/registry/status-changes" in spec["paths"]
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in docs and "<script>" not in docs
    assert "//" not in docs.split("<body>")[1]  # nothing from another origin
    bundle = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


def test_hostile_text_is_refused_before_anything_is_written(client):
    person = PersonFactory()
    writer = issue("registry:status:write")
    items = [change(person, "ok-2", "suspend"), change(person, "bad\u0000id"),
             {**change(person, "ok-3"), "document_number": "\ud800"}]
    response = post_status(client, writer, items)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]["items"]
    assert set(errors) == {"1", "2"}
    db.session.refresh(person)
    assert person.status == "enrolled"


def test_the_api_needs_no_csrf_token_but_the_token_pages_do(app, client, auth, monkeypatch):
    secret = issue("casework:services:write")
    person = PersonFactory()
    auth.login(UserFactory(role="admin"))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/api/v1/casework/medical", headers=bearer(secret), json={"items": [
        {"external_id": "m-9", "id_number": number(person), "family_doctor": True,
         "health_record": False}]})
    assert response.status_code == 200
    refused = client.post("/admin/api-tokens/", data={
        "holder": "x", "scopes": ["fund:disclosure:read"],
        "expires_on": (local_today() + timedelta(days=9)).isoformat()})
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1


def test_the_registry_page_ends_pairings_on_exit_as_the_api_does(client, auth):
    pairing, kept = PairingFactory(), PairingFactory()
    auth.login(UserFactory(role="street_officer"))
    response = client.post(f"/registry/people/{pairing.person.id}/status", data={
        "status": "exited", "reason": "迁出本区", "effective_date": local_today().isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert (pairing.status, pairing.person.status) == ("ended", "exited")
    assert kept.status == "active"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "pairing.end", AuditEntry.object_id == str(pairing.id))) == 1


def test_a_large_batch_is_a_job_whose_resource_gives_the_per_item_results(client):
    from charity.api.tasks import INLINE_MAX
    from charity.jobs.models import Job
    pairings = [PairingFactory() for _ in range(INLINE_MAX + 1)]
    writer = issue("registry:status:write")
    items = [change(p.person, f"big-{p.id}") for p in pairings]
    items.append(dict(items[0], change="suspend"))  # same external id twice: refused
    response = post_status(client, writer, items, lang="zh-CN")

    assert response.status_code == 202
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{response.get_json()['id']}")
    job = client.get(response.headers["Location"], headers=bearer(writer)).get_json()
    assert job["state"] == "succeeded"
    assert job["progress"] == {"done": len(items), "total": len(items)}
    assert job["result"]["applied"] == INLINE_MAX + 1 and job["result"]["refused"] == 1
    assert [r["status"] for r in job["result"]["results"]] == [201] * (INLINE_MAX + 1) + [409]
    refused = job["result"]["results"][-1]["problem"]
    assert any("\u4e00" <= c <= "\u9fff" for c in refused["detail"])  # the poster's language
    for pairing in pairings:
        db.session.refresh(pairing)
        db.session.refresh(pairing.person)
        assert pairing.status == "ended" and pairing.person.status == "exited"
    stored = db.session.get(Job, job["id"])
    assert "items" not in stored.params  # the ID numbers are not kept once it is done
    again = post_status(client, writer, items[:INLINE_MAX + 1])
    assert again.status_code == 202
    replay = client.get(again.headers["Location"], headers=bearer(writer)).get_json()
    assert all(r["replayed"] and r["status"] == 200 for r in replay["result"]["results"])


def test_a_small_batch_is_answered_at_once(client):
    person = PersonFactory()
    response = post_status(client, issue("registry:status:write"), [change(person, "one")])
    assert response.status_code == 200 and "Location" not in response.headers


def test_another_token_gets_404_on_the_job(client):
    from charity.api.tasks import INLINE_MAX
    people = [PersonFactory() for _ in range(INLINE_MAX + 1)]
    writer, other = issue("registry:status:write"), issue("registry:status:write")
    response = post_status(client, writer, [change(p, f"j-{p.id}", "suspend") for p in people])
    location = response.headers["Location"]
    assert client.get(location, headers=bearer(writer)).status_code == 200
    refused = client.get(location, headers=bearer(other))
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    assert client.get(location).status_code == 401
    assert client.get("/api/v1/jobs/999999", headers=bearer(writer)).status_code == 404


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_unknown_paths_and_wrong_methods_are_audited_problem_details(client, lang):
    secret = issue("registry:status:write")
    wrong = client.put("/api/v1/registry/status-changes", json={"items": []},
                       headers=bearer(secret, lang))
    unknown = client.get("/api/v1/nonexistent", headers=bearer(secret, lang))
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"
    assert unknown.status_code == 404
    for response in (wrong, unknown):
        assert response.mimetype == "application/problem+json"
        chinese = any("\u4e00" <= c <= "\u9fff" for c in response.get_json()["title"])
        assert chinese == (lang == "zh-CN")
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "api.call")
                                 .order_by(AuditEntry.id.desc()).limit(2)).all()
    assert [(e.detail["method"], e.detail["path"], e.detail["status"]) for e in audited] == [
        ("GET", "/api/v1/nonexistent", 404), ("PUT", "/api/v1/registry/status-changes", 405)]
    nobody = client.delete("/api/v1/nonexistent/deeper")
    assert nobody.status_code == 401 and nobody.mimetype == "application/problem+json"


def test_the_batch_job_runs_on_a_worker_with_no_request(session):
    from charity.api import tasks
    from charity.api.schemas import StatusBatchSchema
    pairings = [PairingFactory() for _ in range(3)]
    token, _secret = tokens.issue("区民政局", ["registry:status:write"],
                                  local_today() + timedelta(days=3), local_today())
    db.session.flush()
    items = StatusBatchSchema().load({"items": [change(p.person, f"w-{p.id}")
                                                for p in pairings]})["items"]
    job = tasks.start(items, "status", token, local_today())
    db.session.refresh(job)
    assert job.state == "succeeded", job.error
    assert [r["status"] for r in tasks.view(job)["result"]["results"]] == [201, 201, 201]
    assert tasks.find(job.id, token) is job


def test_a_suspension_or_a_new_category_is_reviewed_again_an_exit_is_not(client):
    """The issue: each change goes through the UI's operations, re-review included. The next
    review falls on the document's date, so the next review cycle takes the person in."""
    writer = issue("registry:status:write")
    day = local_today() - timedelta(days=3)
    suspended, moved, left = (PersonFactory(category="dibao") for _ in range(3))
    for person in (suspended, moved, left):
        person.next_review_date = local_today() + timedelta(days=300)
    db.session.flush()
    items = [change(suspended, "rr-1", "suspend", effective_date=day.isoformat()),
             change(moved, "rr-2", "category", category="tekun",
                    effective_date=day.isoformat()),
             change(left, "rr-3", "exit", effective_date=day.isoformat())]
    response = post_status(client, writer, items)
    assert response.status_code == 200, response.get_json()
    for person in (suspended, moved, left):
        db.session.refresh(person)
    assert suspended.next_review_date == moved.next_review_date == day
    assert (suspended.status, moved.category) == ("suspended", "tekun")
    assert left.status == "exited" and left.next_review_date == local_today() + timedelta(days=300)
