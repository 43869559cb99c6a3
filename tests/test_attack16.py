"""The second reviewer's attacks on the data-sharing API (issue 16) and the new pages of issue
15: each hole found, with the test that failed before its fix."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from charity.api import operations
from charity.api.models import ApiChange, ApiToken
from charity.audit.models import AuditEntry
from charity.extensions import db
from charity.registry.models import Person
from charity.timeutil import local_today
from tests.committed import at_once, committed_data, empty
from tests.factories.people import HouseholdFactory, PersonFactory
from tests.test_api import bearer, change, issue, post_status

STATUS = "/api/v1/registry/status-changes"


def test_json_nested_deeper_than_the_parser_goes_is_a_bad_request_not_a_crash(client):
    writer = issue("registry:status:write")
    deep = "[" * 100_000 + "]" * 100_000

    response = client.post(STATUS, data=deep, headers=bearer(writer)
                           | {"Content-Type": "application/json"})

    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"


def test_a_body_over_the_limit_is_413_on_the_api_and_on_a_page(app, client):
    writer = issue("registry:status:write")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        api = client.post(STATUS, data=b'{"items": []}' + b" " * 2048,
                          headers=bearer(writer) | {"Content-Type": "application/json"})
        page = client.post("/login", data=b'{"email": "a"}' + b" " * 2048,
                           headers={"Content-Type": "application/json"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
    assert api.status_code == 413 and api.mimetype == "application/problem+json"
    assert page.status_code == 413


@pytest.mark.parametrize("day", ["1900-01-01", "1999-12-31"])
def test_a_status_change_dated_before_the_forms_first_day_is_refused(client, day):
    writer = issue("registry:status:write")
    person = PersonFactory()

    answer = post_status(client, writer, [change(person, "old-1", effective_date=day)])

    item = answer.get_json()["results"][0]
    assert item["status"] == 422 and item["problem"]["type"].endswith("past-date")
    db.session.refresh(person)
    assert person.status == "enrolled"


def test_a_service_dated_1900_is_refused(client):
    writer = issue("casework:services:write")
    person = PersonFactory()
    item = {"external_id": "svc-1900", "id_number": change(person, "x")["id_number"],
            "kind": "training", "given_on": "1900-01-01"}

    answer = client.post("/api/v1/casework/services", json={"items": [item]},
                         headers=bearer(writer)).get_json()

    assert answer["results"][0]["status"] == 422, answer


def test_made_up_tokens_share_their_senders_allowance(app, client):
    """Each made-up bearer string used to get a bucket of its own: an attacker rotating them
    was never limited, and each try wrote a row to the security log."""
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.get("/api/v1/pairing/streets",
                            headers={"Authorization": f"Bearer st_guess{i}"}).status_code
                 for i in range(5)]
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"
    assert codes == [401, 401, 401, 429, 429]


def test_a_live_token_keeps_its_allowance_whatever_others_guess(app, client):
    reader = issue("pairing:summary:read")
    app.config["API_RATE_LIMIT"] = "2 per minute"
    try:
        for i in range(3):
            client.get("/api/v1/pairing/streets", headers={"Authorization": f"Bearer st_x{i}"})
        mine = client.get("/api/v1/pairing/streets", headers=bearer(reader)).status_code
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"
    assert mine == 200


def clean() -> None:
    empty("api_change, api_token, status_change, audit_entry",
          "DELETE FROM person WHERE household_id IN "
          "(SELECT id FROM household WHERE code LIKE 'RACE%')",
          "DELETE FROM household WHERE code LIKE 'RACE%'")


def test_the_same_item_posted_twice_at_once_is_applied_once_and_replayed(app):
    with committed_data(app, clean, "concurrency needs PostgreSQL (SQLite has one writer)"):
        race_same_item(app)


def race_same_item(app):
    """Two deliveries of one batch at once: one applies it, the other answers it as a replay
    (it used to be refused as a conflict, "another change", which it is not)."""
    person = PersonFactory(household=HouseholdFactory(code="RACE01"))
    token, _secret = __import__("charity.api.tokens", fromlist=["issue"]).issue(
        "区民政局", ["registry:status:write"], local_today() + timedelta(days=9), local_today())
    item = change(person, "race-1")
    item["effective_date"] = local_today()
    token_id, person_id = token.id, person.id
    db.session.commit()
    answers = []

    def deliver():
        answers.append(operations.apply_batch(
            [dict(item)], "status", db.session.get(ApiToken, token_id), local_today(),
            operations.change_status)[0])

    at_once(app, [deliver, deliver], Exception)
    assert sorted((o.status, o.replayed) for o in answers) == [(200, True), (201, False)], \
        [(o.status, o.error and str(o.error)) for o in answers]
    assert db.session.scalar(select(func.count(ApiChange.id))) == 1
    assert db.session.get(Person, person_id).status == "exited"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "person.status")) == 1


# The re-match reads the pairs as arrays (issue 16's speed-up): the ids must compare as the
# pairs' own do, so that the declined pair alone is dropped and no other pair changes.

def _rematch_problem():
    from matching import Beneficiary, Cadre, Problem

    people = tuple(Beneficiary(i, "大坪", "c1") for i in (1, 2, 3))
    return Problem(people, (Cadre(1, "staff", "大坪"), Cadre(2, "staff", "大坪")))


@pytest.mark.parametrize("other", [("helper_from_elsewhere", 2**70, 2), ("cadre", 2, -2**70)])
def test_rematch_keeps_a_pair_whose_ids_go_beyond_64_bits(other):
    from matching import rematch

    out = rematch(_rematch_problem(), [("cadre", 1, 1), other], 1, ("cadre", 1))

    assert other in [pair.key for pair in out.pairs]
    assert ("cadre", 1, 1) not in [pair.key for pair in out.pairs]


def test_rematch_after_a_decline_by_an_id_beyond_64_bits_offers_another():
    from matching import rematch

    out = rematch(_rematch_problem(), [("cadre", 2, 2)], 1, ("cadre", 2**70))

    assert out.pair is not None and out.pair.key == ("cadre", 1, 1)
    assert [pair.key for pair in out.pairs] == [("cadre", 1, 1), ("cadre", 2, 2)]


@pytest.mark.parametrize("other", [("cadre", 1.5, 1), ("cadre", "1", 1), ("cadre", 1, 1.5)])
def test_rematch_takes_no_float_or_text_id_for_the_declined_pair(other):
    """An id that is not the declined one's (1.5, "1") was read as the integer 1: the pair was
    dropped as if declined, changing another pair."""
    from matching import rematch

    out = rematch(_rematch_problem(), [other, ("cadre", 2, 3)], 1, ("cadre", 1))

    assert other in [pair.key for pair in out.pairs]


# The guest monthly sign-up (and the volunteer's) must answer a registered address as it
# answers a new one. When the e-mail cannot go, the refusal stood above the form for a new
# address but beside the e-mail field for a registered one: the page told which is which.

def _refuse_mail(monkeypatch):
    from charity.main import mail

    def refuse(self):
        raise ConnectionRefusedError

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)


def _page_for(client, path, data, email):
    answer = client.post(path, data=data | {"email": email})
    return answer.status_code, answer.get_data(as_text=True).replace(email, "ADDRESS")


@pytest.mark.parametrize("active", [True, False])
def test_mail_that_cannot_go_gives_the_same_page_for_a_registered_monthly_address(
        client, monkeypatch, active, empty_outbox):
    from tests import factories
    from tests.donations.test_monthly_signup import PAGE, form

    holder = factories.user("donor", email="taken@example.org")
    holder.active = active
    db.session.commit()
    _refuse_mail(monkeypatch)

    new = _page_for(client, PAGE, form(), "fresh@example.org")
    taken = _page_for(client, PAGE, form(), "taken@example.org")

    assert new[0] == taken[0] == 400 and "邮件暂时无法发送" in new[1]
    assert new == taken


def test_mail_that_cannot_go_gives_the_same_page_for_a_registered_volunteer_address(
        client, monkeypatch, empty_outbox):
    from tests import factories
    from tests.test_volunteer_signup import form

    factories.user("donor", email="taken@example.org")
    db.session.commit()
    _refuse_mail(monkeypatch)

    new = _page_for(client, "/join/", form(), "fresh@example.org")
    taken = _page_for(client, "/join/", form(phone="13700000000"), "taken@example.org")

    assert new[0] == taken[0] == 400 and "邮件暂时无法发送" in new[1]
    assert new[1].replace("13700000000", "PHONE").replace("139 1234 5678", "PHONE") == \
        taken[1].replace("13700000000", "PHONE").replace("139 1234 5678", "PHONE")


def test_an_item_refused_because_another_delivery_applied_it_meanwhile_is_its_replay(session):
    """What the race above leaves for the slower delivery, made certain: it read no change
    under the external id, then waited for the person, whom the faster one had exited and kept
    the change for. Its refusal ("already has this status") is the replay of that change."""
    person = PersonFactory(household=HouseholdFactory(code="RACE02"))
    token, _secret = __import__("charity.api.tokens", fromlist=["issue"]).issue(
        "区民政局", ["registry:status:write"], local_today() + timedelta(days=9), local_today())
    item = change(person, "race-2")
    item["effective_date"] = local_today()
    first = operations.apply_batch([dict(item)], "status", token, local_today(),
                                   operations.change_status)[0]
    assert (first.status, first.replayed) == (201, False)
    slower = operations._apply(dict(item), "status", token, local_today(),
                               operations.change_status)
    assert (slower.status, slower.replayed, slower.person_id) == (200, True, person.id)
    other = dict(item, external_id="race-3")  # not applied by anyone: still refused
    assert operations._apply(other, "status", token, local_today(),
                             operations.change_status).status == 422
