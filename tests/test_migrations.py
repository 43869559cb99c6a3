"""Migrations: upgrade from empty to every head, match the models, and downgrade to base."""

import os
import re

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from charity import create_app
from charity.extensions import db
from tests.conftest import TEST_CONFIG


def scratch_database(tmp_path) -> str:
    """An empty database of the same kind as the suite's, just for this test."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    parsed = make_url(url).set(drivername="postgresql+psycopg")
    name = f"{parsed.database}_migrations"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def scratch_app(tmp_path):
    return create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": scratch_database(tmp_path)})


def test_upgrade_matches_models_and_downgrade_empties(scratch_app):
    with scratch_app.app_context():
        flask_migrate.upgrade(revision="head")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        flask_migrate.downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


def test_history_is_one_line_of_named_migrations():
    """No forks and no empty merges: every revision has one parent, and each file is named
    `<date>_<number>_<what it changes>.py`, never after when it was written."""
    from alembic.script import ScriptDirectory

    from charity.config import ROOT

    scripts = ScriptDirectory(str(ROOT / "migrations"))
    revisions = list(scripts.walk_revisions())
    assert len(scripts.get_heads()) == 1 and len(scripts.get_bases()) == 1
    assert all(not isinstance(r.down_revision, tuple | list) for r in revisions)
    for revision in revisions:
        name = revision.module.__file__.rsplit("/", 1)[-1]
        assert re.fullmatch(r"\d{8}_\d{4}_[a-z0-9_]+\.py", name), name
        assert not any(word in name for word in ("merge", "fixes", "branch")), name


def test_a_database_stamped_at_the_old_join_of_branches_still_upgrades(scratch_app):
    """Databases built before the history was made linear are stamped 0010, the old empty
    join of three branches, with everything up to 0009 applied: they upgrade on from there."""
    with scratch_app.app_context():
        flask_migrate.upgrade(revision="0009")
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0010'"))
        flask_migrate.upgrade(revision="head")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_0028_backfills_the_monthly_rollup_and_splits_stored_snapshots(scratch_app):
    """0028 fills the journal's monthly roll-up from the entries already posted (a reversal as
    the kind it reverses, months in Shanghai time) and splits a stored gap snapshot into its
    summary and one listing per measure and street; going down joins them again."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa

    from charity.casework import snapshot
    from charity.fund import journal, rollup
    from charity.fund import operations as ops
    from charity.fund.verify import verify

    old = {"counts": [[1, {"pairing": {"owed": 3, "receiving": 1, "gaps": 2, "count": 0}}],
                      [2, {"pairing": {"owed": 1, "receiving": 0, "gaps": 1, "count": 0}}]],
           "gaps": {"pairing": [[5, 1, "pairing", True, False, None, None],
                                [7, 2, "pairing", True, False, None, None],
                                [9, 1, "pairing", True, False, "window_ending", 2]]}}
    table = sa.table("gap_snapshot", sa.column("token", sa.String), sa.column("day", sa.Date),
                     sa.column("taken_at", sa.DateTime), sa.column("data", sa.JSON))
    with scratch_app.app_context():
        flask_migrate.upgrade(revision="head")
        gift = ops.record_gift(amount_fen=9_000, designation="measure:4", reference="g1",
                               posted_at=datetime(2026, 1, 31, 16, 30, tzinfo=UTC))
        ops.record_gift(amount_fen=1_000, designation=None, reference="g2",
                        posted_at=datetime(2026, 1, 31, 15, 59, tzinfo=UTC))
        journal.reverse(gift, reason="twice", posted_at=datetime(2026, 3, 2, tzinfo=UTC))
        db.session.commit()
        expected = rollup.journal_sums()
        assert {(k, m) for k, m, _a in expected} == {("gift", "2026-01"), ("gift", "2026-02"),
                                                     ("gift", "2026-03")}
        db.session.remove()
        flask_migrate.downgrade(revision="0027")
        db.session.execute(table.insert().values(token="t", day=date(2026, 1, 5), data=old,
                                                 taken_at=datetime(2026, 1, 5, 1, 0)))
        db.session.commit()
        db.session.remove()
        flask_migrate.upgrade(revision="head")
        assert rollup.stored() == expected and verify().ok
        with scratch_app.test_request_context():
            stored = snapshot._load(("t", date(2026, 1, 5)))
            assert stored.counts[1]["pairing"]["gaps"] == 2
            listing = stored.listing("pairing", [1, 2])
            assert [(s, sid) for s, sid, _cell in listing] == [(5, 1), (7, 2), (9, 1)]
            assert listing[2][2].alert == "window_ending" and listing[2][2].count == 2
        db.session.remove()
        flask_migrate.downgrade(revision="0027")
        assert db.session.execute(sa.select(table.c.data)).scalar_one() == old
        db.session.remove()
        db.engine.dispose()
