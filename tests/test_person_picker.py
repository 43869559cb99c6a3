"""The person picker: its search (scope, masking, hostile queries, the rate limit) and the
field's validation, with and without script (the no-script path searches on submit)."""

import re

import pytest
from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.relief.models import Application
from tests import factories
from tests.factories.base import HOME_STREET

OTHER_STREET = "解放碑"


def found(client, query) -> list[dict]:
    response = client.get("/registry/people/search", query_string={"q": query})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["results"]


def names(client, query) -> set[str]:
    return {r["name"] for r in found(client, query)}


def security_entries(session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.action == "security.out_of_scope")))


@pytest.fixture
def people(session):
    """Two people with the same family name on the officer's street, one on another street."""
    here = factories.PersonFactory(name="欧阳明")
    there = factories.PersonFactory(name="欧阳亮", household__code="H777001")
    away = factories.PersonFactory(name="欧阳远", street_name=OTHER_STREET)
    return here, there, away


def test_a_street_officer_finds_people_of_their_street_only(client, auth, people):
    here, there, away = people
    auth.login(factories.UserFactory(role="street_officer"))
    assert names(client, "欧阳") == {"欧阳明", "欧阳亮"}
    assert names(client, "欧阳远") == set()
    assert found(client, away.household.code) == []
    [result] = found(client, "H777001")
    assert result["id"] == there.id
    assert (result["household"], result["street"]) == ("H777001", HOME_STREET)


def test_a_district_role_finds_every_street(client, auth, people):
    auth.login(factories.UserFactory(role="admin"))
    assert names(client, "欧阳") == {"欧阳明", "欧阳亮", "欧阳远"}


def test_a_result_shows_the_masked_id_only(client, auth, people, session):
    here, _there, _away = people
    auth.login(factories.user("fund_manager"))
    [result] = found(client, "欧阳明")
    full = factories.base.ids.decrypt(here.id_number_encrypted)
    assert result["id_number"] == here.id_number_masked != full
    body = client.get("/registry/people/search?q=欧阳明").get_data(as_text=True)
    assert full not in body and full[6:14] not in body
    assert set(result) == {"id", "label", "name", "id_number", "household", "street",
                           "community"}
    # Shows no more than the list: nothing is logged.
    assert session.scalars(select(AuditEntry)).all() == []


def test_a_full_id_number_finds_its_holder_by_keyed_hash(client, auth, people):
    here, _there, away = people
    auth.login(factories.UserFactory(role="street_officer"))
    number = factories.base.ids.decrypt(here.id_number_encrypted)
    assert [r["id"] for r in found(client, number)] == [here.id]
    assert found(client, factories.base.ids.decrypt(away.id_number_encrypted)) == []
    wrong_check = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert found(client, wrong_check) == []


def test_the_last_two_digits_narrow_a_name(client, auth, people):
    here, there, _away = people
    auth.login(factories.UserFactory(role="street_officer"))
    tail = here.id_number_masked[-2:]
    results = found(client, f"欧阳 {tail}")
    assert here.id in {r["id"] for r in results}
    assert all(r["id_number"].endswith(tail) for r in results)
    # More digits than the masked ID shows match nothing: the search reveals no more.
    assert found(client, "欧阳 " + factories.base.ids.decrypt(here.id_number_encrypted)[-4:]) == []


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "%%", "欧阳_", "欧_明", "' OR 1=1 --",
                                   "<script>alert(1)</script>", "x" * 500])
def test_an_empty_or_hostile_query_finds_nothing(client, auth, people, query):
    auth.login(factories.UserFactory(role="admin"))
    assert found(client, query) == []


def test_sql_wildcards_are_matched_literally(client, auth, session):
    percent = factories.PersonFactory(name="王%芳")
    factories.PersonFactory(name="王大芳")
    auth.login(factories.UserFactory(role="admin"))
    assert [r["id"] for r in found(client, "王%芳")] == [percent.id]
    assert found(client, "王_芳") == []


def test_at_most_twenty_are_answered_and_more_is_said(client, auth, session):
    for n in range(23):
        factories.PersonFactory(name=f"司马{n:02d}")
    auth.login(factories.UserFactory(role="admin"))
    answer = client.get("/registry/people/search?q=司马").get_json()
    assert len(answer["results"]) == 20 and answer["more"] is True


def test_the_search_needs_the_registry_and_a_sign_in(client, auth, people):
    assert client.get("/registry/people/search?q=欧阳").status_code in (302, 401)
    auth.login(factories.UserFactory(role="volunteer"))
    assert client.get("/registry/people/search?q=欧阳").status_code == 403


def test_the_search_is_rate_limited_per_user(client, auth, app, people):
    auth.login(factories.UserFactory(role="street_officer"))
    budget = app.config["PERSON_SEARCH_RATE_LIMIT"]
    app.config["PERSON_SEARCH_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.get("/registry/people/search?q=欧阳").status_code for _ in range(4)]
    finally:
        app.config["PERSON_SEARCH_RATE_LIMIT"] = budget
    assert codes == [200, 200, 200, 429]


# The field, through the relief application form.

def apply(client, **data):
    form = {"kind": "temporary_emergency", "grade": "1", "reason": "突发重病"} | data
    return client.post("/relief/new", data=form)


def applications(session) -> list[Application]:
    return list(session.scalars(select(Application)))


def test_the_form_shows_a_search_not_a_number(client, auth, session):
    auth.login(factories.UserFactory(role="street_officer"))
    client.get("/lang/en")
    page = client.get("/relief/new").get_data(as_text=True)
    assert 'role="combobox"' in page and 'name="person_id_q"' in page
    assert 'name="person_id" value=""' in page and "Person number" not in page


def test_a_link_with_a_person_shows_their_label(client, auth, people):
    here, _there, away = people
    auth.login(factories.UserFactory(role="street_officer"))
    page = client.get(f"/relief/new?person={here.id}").get_data(as_text=True)
    assert f'name="person_id" value="{here.id}"' in page and here.id_number_masked in page
    page = client.get(f"/relief/new?person={away.id}").get_data(as_text=True)
    assert away.name not in page and 'name="person_id" value=""' in page


def test_a_picked_person_is_applied_for(client, auth, session, people):
    here, _there, _away = people
    auth.login(factories.UserFactory(role="street_officer"))
    [result] = found(client, "欧阳明")
    response = apply(client, person_id=str(result["id"]), person_id_q=result["label"])
    assert response.status_code == 302
    [application] = applications(session)
    assert application.person_id == here.id


def test_another_streets_id_posted_by_hand_is_not_found_and_logged(client, auth, session,
                                                                   people):
    _here, _there, away = people
    auth.login(factories.UserFactory(role="street_officer"))
    client.get("/lang/en")
    response = apply(client, person_id=str(away.id))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "No such person on your roster." in page and away.name not in page
    [entry] = security_entries(session)
    assert (entry.object_type, entry.object_id) == ("person", str(away.id))
    assert applications(session) == []


@pytest.mark.parametrize("posted", ["abc", "-1", "99999999999999", "1e3"])
def test_a_posted_id_no_record_can_have_is_not_found(client, auth, session, people, posted):
    auth.login(factories.UserFactory(role="street_officer"))
    client.get("/lang/en")
    response = apply(client, person_id=posted)
    assert response.status_code == 400
    assert "No such person on your roster." in response.get_data(as_text=True)
    assert applications(session) == []


def test_two_different_ids_are_refused(client, auth, session, people):
    here, there, _away = people
    auth.login(factories.UserFactory(role="street_officer"))
    client.get("/lang/en")
    response = client.post("/relief/new", data={
        "person_id": [str(here.id), str(there.id)], "kind": "temporary_emergency",
        "grade": "1", "reason": "x"})
    assert response.status_code == 400
    assert "Choose one person." in response.get_data(as_text=True)
    assert applications(session) == []


def test_without_script_a_name_is_searched_and_offered_as_choices(client, auth, session,
                                                                  people):
    here, there, away = people
    auth.login(factories.UserFactory(role="street_officer"))
    client.get("/lang/en")
    response = apply(client, person_id="", person_id_q="欧阳")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose the person from the list." in page
    offered = set(re.findall(r'type="radio" name="person_id" value="(\d+)"', page))
    assert offered == {str(here.id), str(there.id)}
    assert away.name not in page
    assert 'name="person_id_offered" value="1"' in page
    # The radio chosen, posted with the text still in the box (as a browser without script
    # sends it): applied for.
    response = apply(client, person_id=["", str(there.id)], person_id_q="欧阳",
                     person_id_offered="1")
    assert response.status_code == 302
    assert [a.person_id for a in applications(session)] == [there.id]


def test_a_stale_id_beside_a_new_search_is_not_taken(client, auth, session, people):
    here, there, _away = people
    auth.login(factories.UserFactory(role="street_officer"))
    client.get("/lang/en")
    # The page showed 欧阳明 chosen; the user typed another name without script.
    response = apply(client, person_id=str(here.id), person_id_q="欧阳亮")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose the person from the list." in page
    assert re.findall(r'type="radio" name="person_id" value="(\d+)"', page) == [str(there.id)]
    # An id the search did not offer, sent as if it had been: still a new search.
    response = apply(client, person_id=str(here.id), person_id_q="欧阳亮",
                     person_id_offered="1")
    assert response.status_code == 400
    assert applications(session) == []


def test_without_script_a_full_id_number_is_taken_at_once(client, auth, session, people):
    here, _there, _away = people
    auth.login(factories.UserFactory(role="street_officer"))
    number = factories.base.ids.decrypt(here.id_number_encrypted)
    response = apply(client, person_id="", person_id_q=number)
    assert response.status_code == 302
    assert [a.person_id for a in applications(session)] == [here.id]


def test_no_match_and_no_text_say_so(client, auth, session, people):
    auth.login(factories.UserFactory(role="street_officer"))
    client.get("/lang/en")
    page = apply(client, person_id="", person_id_q="诸葛").get_data(as_text=True)
    assert "No one on your roster matches this search." in page
    page = apply(client, person_id="", person_id_q="").get_data(as_text=True)
    assert "This field is required." in page
    assert applications(session) == []


def test_a_chosen_person_stays_chosen_when_another_field_is_wrong(client, auth, session,
                                                                  people):
    here, _there, _away = people
    auth.login(factories.UserFactory(role="street_officer"))
    [result] = found(client, "欧阳明")
    response = apply(client, person_id=str(here.id), person_id_q=result["label"], reason="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'name="person_id" value="{here.id}"' in page
    assert f'value="{result["label"]}"' in page
