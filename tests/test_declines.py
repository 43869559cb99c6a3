"""Declines that tell the truth: the helper is told whether the re-match found someone; if not,
the person goes on the street's queue of unmatched people with the reason, and leaves it by
itself once paired again; a volunteer with room left is proposed the next person at once."""

import pytest
from sqlalchemy import select, update

from charity.audit.models import AuditEntry
from charity.database import utcnow
from charity.extensions import db
from charity.pairing import operations
from charity.pairing.models import Pairing, UnmatchedEntry
from tests.factories import (
    CadreFactory,
    PairingFactory,
    PersonFactory,
    UserFactory,
    VolunteerFactory,
)


def audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)).all()


def entries(**filters) -> list[UnmatchedEntry]:
    db.session.expire_all()
    return db.session.scalars(select(UnmatchedEntry).filter_by(**filters)).all()


def live(person_id: int, kind: str) -> list[Pairing]:
    return db.session.scalars(select(Pairing).where(
        Pairing.person_id == person_id, Pairing.helper_kind == kind,
        Pairing.status.in_(("proposed", "active")))).all()


def proposed_to_cadre(**person):
    pairing = PairingFactory(status="proposed", cadre__with_user=True, **person)
    db.session.flush()
    return pairing


def decline(client, pairing, lang="zh_Hans_CN") -> str:
    response = client.post(f"/my/pairings/{pairing.id}/decline?lang={lang}",
                           data={"reason": "住得太远"})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    location = response.headers["Location"].split("#")[0]
    return client.get(f"{location}?lang={lang}").get_data(as_text=True)


def test_decline_with_a_helper_available_says_a_new_helper_was_matched(client, auth):
    pairing = proposed_to_cadre()
    spare = CadreFactory()
    auth.login(pairing.cadre.user)
    page = decline(client, pairing)
    assert "已为该户另行匹配帮扶人" in page and "暂未找到" not in page
    new = live(pairing.person_id, "cadre")
    assert [p.cadre_id for p in new] == [spare.id]
    assert entries() == []
    assert [a.object_id for a in audit("pairing.decline")] == [str(pairing.id)]
    rematch = audit("pairing.rematch")
    assert [(a.object_type, a.object_id, a.detail["replaces"]) for a in rematch] == [
        ("pairing", str(new[0].id), pairing.id)]
    assert audit("unmatched.open") == []


def test_decline_without_a_helper_puts_the_person_on_the_street_queue(client, auth):
    pairing = proposed_to_cadre()
    auth.login(pairing.cadre.user)
    page = decline(client, pairing)
    assert "暂未找到其他帮扶人，街道已收到待办" in page and "已为该户另行匹配帮扶人" not in page
    assert live(pairing.person_id, "cadre") == []
    [entry] = entries(person_id=pairing.person_id)
    assert entry.helper_kind == "cadre" and entry.closed_at is None
    assert entry.declined_pairing_id == pairing.id
    assert entry.reason["code"] in ("no_cadre_left", "forbidden_with_all_eligible",
                                    "no_cadre_serves_street")
    rematch = audit("pairing.rematch")
    assert [(a.object_type, a.object_id, a.detail["result"]) for a in rematch] == [
        ("person", str(pairing.person_id), entry.reason)]
    assert [(a.object_id, a.detail["person"]) for a in audit("unmatched.open")] == [
        (str(entry.id), pairing.person_id)]
    auth.logout()
    auth.login(UserFactory(role="street_officer", street_name="七星岗"))
    queue = client.get("/pairing/unmatched?lang=en").get_data(as_text=True)
    assert pairing.person.name in queue
    from charity.pairing.messages import MESSAGES
    assert str(MESSAGES[entry.reason["code"]]) in queue or "quota" in queue
    auth.logout()
    auth.login(UserFactory(role="street_officer", street_name="解放碑"))
    queue = client.get("/pairing/unmatched?lang=en").get_data(as_text=True)
    assert pairing.person.name not in queue and "Nobody is waiting" in queue


def _queued():
    pairing = proposed_to_cadre()
    outcome = operations.decline(pairing, "住得太远")
    assert outcome.replacement is None and outcome.queued is not None
    return pairing, outcome.queued


def test_the_queue_entry_closes_when_a_later_run_pairs_the_person(client, auth):
    pairing, entry = _queued()
    CadreFactory()
    PersonFactory(household__street_name="七星岗")  # the first cadre's quota: one person
    published = operations.publish(operations.run())
    assert published["added"] >= 1
    [new] = live(pairing.person_id, "cadre")
    [closed] = entries(id=entry.id)
    assert closed.closed_at is not None and closed.closed_by_pairing_id == new.id
    assert [(a.object_id, a.detail["pairing"]) for a in audit("unmatched.close")] == [
        (str(entry.id), new.id)]
    auth.login(UserFactory(role="street_officer", street_name="七星岗"))
    queue = client.get("/pairing/unmatched?lang=en").get_data(as_text=True)
    assert pairing.person.name not in queue


def test_the_queue_entry_closes_when_staff_pair_the_person_by_hand(session):
    pairing, entry = _queued()
    volunteer = PairingFactory(person=pairing.person, by_volunteer=True)
    assert entries(id=entry.id)[0].closed_at is None  # a volunteer is not the cadre missing
    manual = PairingFactory(person=pairing.person, status="proposed")
    [closed] = entries(id=entry.id)
    assert closed.closed_by_pairing_id == manual.id and volunteer.id != manual.id


def test_a_volunteer_with_room_left_is_suggested_the_next_person_at_once(client, auth):
    volunteer = VolunteerFactory(with_user=True, capacity=2, skills=["elderly_care"])
    first = PairingFactory(status="proposed", by_volunteer=True, volunteer=volunteer)
    waiting = PersonFactory(household__street_name="七星岗")
    elsewhere = PersonFactory(household__street_name="解放碑")
    db.session.flush()
    auth.login(volunteer.user)
    page = decline(client, first, lang="en")
    assert "No other helper was found yet; the street has been given a to-do" in page
    [suggested] = live(waiting.id, "volunteer")
    assert suggested.volunteer_id == volunteer.id and suggested.status == "proposed"
    assert f"{waiting.name} is suggested to you below" in page
    assert f'id="pairing-{suggested.id}"' in page and "Suggested to you" in page
    assert live(elsewhere.id, "volunteer") == []
    assert [a.object_id for a in audit("pairing.suggest")] == [str(suggested.id)]
    assert [e.person_id for e in entries()] == [first.person_id]
    page = decline(client, suggested, lang="en")
    assert "No other suggestion for you now" in page
    assert "Nobody without a helper fits your skills and streets now" in page
    assert live(first.person_id, "volunteer") == [] and live(waiting.id, "volunteer") == []


def test_a_cadre_is_not_offered_a_suggestion(client, auth):
    pairing = proposed_to_cadre()
    PersonFactory(household__street_name="七星岗")
    auth.login(pairing.cadre.user)
    page = decline(client, pairing, lang="en")
    assert "suggested to you" not in page and "No other suggestion" not in page


def test_a_volunteer_without_room_is_not_offered_a_suggestion(client, auth):
    volunteer = VolunteerFactory(with_user=True, capacity=1)
    first = PairingFactory(status="proposed", by_volunteer=True, volunteer=volunteer)
    PairingFactory(by_volunteer=True, volunteer=volunteer)  # over capacity: staff locked it
    PersonFactory(household__street_name="七星岗")
    auth.login(volunteer.user)
    page = decline(client, first, lang="en")
    assert "suggested to you" not in page and "No other suggestion" not in page
    assert audit("pairing.suggest") == []


def test_a_paused_volunteer_who_declines_is_offered_nobody_and_told_nothing_untrue(client,
                                                                                  auth):
    volunteer = VolunteerFactory(with_user=True, capacity=3, skills=["elderly_care"])
    first = PairingFactory(status="proposed", by_volunteer=True, volunteer=volunteer)
    waiting = PersonFactory(household__street_name="七星岗")
    volunteer.paused_at, volunteer.pause_kind = utcnow(), "holiday"
    db.session.flush()
    auth.login(volunteer.user)
    page = decline(client, first, lang="en")
    assert "No other helper was found yet" in page
    assert "suggested to you" not in page and "No other suggestion" not in page
    assert live(waiting.id, "volunteer") == [] and audit("pairing.suggest") == []


def _changed_in_another_tab(pairing, **values):
    assert pairing.status == "proposed"  # this tab read it proposed...
    db.session.connection().execute(  # ...and the other tab changed it since
        update(Pairing).where(Pairing.id == pairing.id).values(**values))


def test_a_pairing_declined_in_another_tab_meanwhile_is_not_declined_again(session):
    pairing = proposed_to_cadre()
    CadreFactory()  # someone the re-match could choose
    _changed_in_another_tab(pairing, status="declined", decline_reason="另一个标签页",
                            ended_at=utcnow())
    with pytest.raises(operations.PairingError):
        operations.decline(pairing, "住得太远")
    with pytest.raises(operations.PairingError):
        operations.accept(pairing)
    assert audit("pairing.decline") == [] and audit("pairing.rematch") == []
    assert audit("pairing.accept") == [] and entries() == []


def test_a_pairing_accepted_in_another_tab_meanwhile_is_not_accepted_again(session):
    pairing = proposed_to_cadre()
    _changed_in_another_tab(pairing, status="active", accepted_at=utcnow())
    with pytest.raises(operations.PairingError):
        operations.accept(pairing)
    assert audit("pairing.accept") == []
