"""The gap matrix's one source (`charity.casework.snapshot`): the same coverage on every page,
the same figures as the per-person computation, and never stale after a write."""

import random
from datetime import date
from uuid import uuid4

from sqlalchemy import select

from charity.casework import queries, snapshot
from charity.casework.gaps import ALL_MEASURES
from charity.casework.operations import record_grant
from charity.extensions import db
from charity.pairing.models import Pairing
from charity.timeutil import local_today
from tests.factories import (
    EmploymentServiceFactory,
    GrantFactory,
    HouseholdFactory,
    PairingFactory,
    PersonFactory,
    UserFactory,
)

TRAITS = ({}, {"tekun": True}, {"elderly_alone": True}, {"high_schooler": True},
          {"college_entrant": True}, {"jobseeker": True}, {"relief_case": True},
          {"tekun": True, "disabled": True, "disability_grade": 1})


def oracle(rows, names):
    """The per-person reduction the pages used before the snapshot: each row's cells counted."""
    result = {name: {m: {"owed": 0, "receiving": 0, "gaps": 0} for m in ALL_MEASURES}
              for name in names.values()}
    for row in rows:
        for cell in row.cells:
            counts = result[names[row.street_id]][cell.measure]
            counts["owed"] += cell.owed
            counts["receiving"] += cell.owed and cell.receives
            counts["gaps"] += cell.gap
    return result


def test_pairing_coverage_is_the_same_on_pairing_dashboard_and_gaps(client, auth, session):
    paired = [PairingFactory().person, PairingFactory(by_volunteer=True).person]
    unpaired = [PersonFactory() for _ in range(4)]
    # A proposal is not yet a pairing: the old /pairing/ counted it (3 of 7, 42.9%).
    PairingFactory(status="proposed", person=PersonFactory())
    # Someone who left the roster is owed nothing, paired or not.
    PairingFactory(person=PersonFactory(status="exited"))
    assert len(paired) + len(unpaired) + 1 == 7
    auth.login(UserFactory(role="admin"))
    pairing = client.get("/pairing/?lang=en").get_data(as_text=True)
    dashboard = client.get("/dashboard/?lang=en").get_data(as_text=True)
    found = client.get("/casework/gaps?lang=en").get_data(as_text=True)
    assert "28.6%" in pairing and "42.9%" not in pairing
    assert "28.6" in dashboard
    assert "2/7" in found
    street = next(iter(queries.street_names(None)))
    with client.application.test_request_context():
        counts = snapshot.current(local_today()).counts
    assert any(c["pairing"]["receiving"] == 2 and c["pairing"]["owed"] == 7
               for c in counts.values()), street


def _population(rng: random.Random, today: date):
    households = [HouseholdFactory(street_name=rng.choice(("七星岗", "解放碑")))
                  for _ in range(4)]
    for _ in range(rng.randint(6, 14)):
        household = rng.choice(households)
        person = PersonFactory(household=household, status=rng.choice(
            ("enrolled", "enrolled", "enrolled", "suspended")), **rng.choice(TRAITS))
        if rng.random() < 0.3:
            GrantFactory(person=person, measure=rng.choice(
                ("classified_supplement", "free_textbooks", "autumn_grant", "rent_subsidy",
                 "temporary_assistance")), starts_on=today)
        if rng.random() < 0.3:
            PairingFactory(person=person, street_name=household.street.name)
        if rng.random() < 0.3:
            EmploymentServiceFactory(person=person)


def test_gap_figures_equal_the_per_person_computation(app, session):
    today = local_today()
    for seed in range(3):
        _population(random.Random(seed), today)
        with app.test_request_context():
            names = queries.street_names(None)
            person_rows, household_rows = queries.district_matrix(None, today)
            found = snapshot.current(today)
            assert found.summary(names) == oracle(person_rows + household_rows, names)
            for measure in ALL_MEASURES:
                expected = sorted((row.subject.id, row.street_id)
                                  for row in person_rows + household_rows
                                  for cell in row.gaps() if cell.measure == measure)
                assert [entry[:2] for entry in found.listing(measure, names)] == expected


def test_a_write_shows_on_the_next_page_view(app, client, auth, session):
    elderly = PersonFactory(elderly_alone=True, dibao_class="A", name="七十五岁者")
    waiting = PersonFactory(name="待结对者")
    helper_pairing = PairingFactory(status="proposed", person=waiting)
    auth.login(UserFactory(role="admin"))
    listing = "/casework/gaps?lang=en&measure=classified_supplement"
    assert "七十五岁者" in client.get(listing).get_data(as_text=True)
    before = client.get("/pairing/?lang=en").get_data(as_text=True)
    with app.test_request_context():
        record_grant(elderly, "classified_supplement", local_today(), None)
        helper_pairing.status = "active"
        db.session.commit()
    assert "七十五岁者" not in client.get(listing).get_data(as_text=True)
    after = client.get("/pairing/?lang=en").get_data(as_text=True)
    assert "0.0%" in before and "50.0%" in after


def test_uncommitted_writes_are_not_hidden_by_a_kept_snapshot(app, session):
    person = PersonFactory()
    today = local_today()
    with app.test_request_context():
        db.session.commit()
        kept = snapshot.current(today)
        assert snapshot.current(today) is kept
        PairingFactory(person=person)
        fresh = snapshot.current(today)
        assert fresh is not kept
        assert sum(c["pairing"]["receiving"] for c in fresh.counts.values()) == \
            sum(c["pairing"]["receiving"] for c in kept.counts.values()) + 1


def test_a_change_is_never_computed_in_a_request_and_the_old_figures_say_so(
        app, client, auth, session, monkeypatch):
    """After a commit, pages show the stored snapshot marked "as of, being updated" and start
    one refresh job (not one per view); once it ran, the current figures show, unmarked."""
    from flask import current_app

    from charity.jobs import operations as jobs
    from charity.jobs.models import Job

    waiting = PairingFactory(status="proposed", person=PersonFactory()).person
    PersonFactory()
    auth.login(UserFactory(role="admin"))
    assert "0.0%" in client.get("/pairing/?lang=en").get_data(as_text=True)
    sent = []
    monkeypatch.setattr(jobs, "send", lambda job: sent.append((job.id, job.kind)))
    with app.test_request_context():
        pairing = db.session.scalars(select(Pairing).where(Pairing.person_id == waiting.id)).one()
        pairing.status = "active"
        db.session.commit()

    def no_compute(today):
        raise AssertionError("the matrix was computed in a request")

    monkeypatch.setattr(snapshot, "_compute", no_compute)
    for path in ("/pairing/?lang=en", "/dashboard/?lang=en", "/casework/gaps?lang=en",
                 "/fund/disclosure?lang=en", "/pairing/?lang=en"):
        page = client.get(path).get_data(as_text=True)
        assert "being updated" in page, path
    assert "0.0%" in client.get("/pairing/?lang=en").get_data(as_text=True)
    assert [kind for _id, kind in sent] == ["gap_snapshot"]
    monkeypatch.undo()
    with app.test_request_context():
        job = db.session.get(Job, sent[0][0])
        current_app.extensions["celery"].tasks["jobs.gap_snapshot"].apply(args=[job.id])
    page = client.get("/pairing/?lang=en").get_data(as_text=True)
    assert "50.0%" in page and "being updated" not in page


def test_every_table_the_matrix_reads_bumps_the_data_version():
    """The snapshot is reused while no watched table changed: each table the matrix's queries
    read must be watched (relief applications were named by a table that does not exist)."""
    from charity.casework.models import EmploymentService, Grant
    from charity.casework.snapshot import WATCHED
    from charity.district.models import Street
    from charity.pairing.models import Pairing
    from charity.registry.models import Household, Person
    from charity.relief.models import Application

    read = {model.__tablename__ for model in (Person, Household, Grant, EmploymentService,
                                               Pairing, Application, Street)}
    assert read <= WATCHED
    from charity.extensions import db
    assert WATCHED <= set(db.metadata.tables)


def _stored_now(today: date):
    """Store the snapshot of the data as committed, and read it as a new process would."""
    from flask import current_app

    from charity.casework.models import DataVersion

    db.session.execute(DataVersion.__table__.update().values(token=uuid4().hex))
    assert snapshot.refresh(today)
    current_app.extensions.pop(snapshot._EXTENSION, None)
    return snapshot._load((snapshot.token(), today))


def test_a_stored_snapshot_reads_only_the_listings_a_page_shows(app, session):
    """The summary is read alone; a drill-down reads its own street's listing of its measure,
    and what it reads equals the computation."""
    _population(random.Random(7), local_today())
    today = local_today()
    with app.test_request_context():
        db.session.commit()
        computed = snapshot._compute(today)
        stored = _stored_now(today)
        names = queries.street_names(None)
        assert stored.summary(names) == computed.summary(names) and stored.parts == {}
        street = next(sid for sid in names if computed.listing("pairing", [sid]))
        assert stored.listing("pairing", [street]) == computed.listing("pairing", [street])
        assert set(stored.parts) == {f"pairing:{street}"}
        for measure in ALL_MEASURES:
            assert stored.listing(measure, names) == computed.listing(measure, names)


def test_a_new_snapshot_keeps_the_one_before_and_a_lost_listing_is_computed(app, session):
    from charity.casework.models import StoredSnapshot, StoredSnapshotPart

    _population(random.Random(8), local_today())
    today = local_today()
    with app.test_request_context():
        db.session.commit()
        first = _stored_now(today)
        second = _stored_now(today)
        _stored_now(today)
        kept = set(db.session.scalars(select(StoredSnapshot.token)))
        assert kept == {second.key[0], snapshot.token()} and first.key[0] not in kept
        names = queries.street_names(None)
        expected = snapshot._compute(today).listing("pairing", names)
        assert expected
        db.session.execute(StoredSnapshotPart.__table__.delete())
        assert second.listing("pairing", names) == expected
