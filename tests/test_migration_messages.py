"""The data migration that turns the optimiser's stored text into messages, and back."""

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import sqlalchemy as sa

from charity.extensions import db
from matching import CODES, solve
from matching.generate import small_instance
from matching.messages import message
from tests.test_migrations import scratch_app  # noqa: F401 - the fixture
from tests.test_pairing_messages import EXAMPLES

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"
RUN_CODES = {"locked_pair_invalid", "locked_pair_forbidden", "locked_over_quota",
             "rank_quota_unreachable", "street_quota_unreachable", "quota_taken",
             "street_below_balance", "cadre_below_quota"}
OLD_SUMMARY = {
    "pairs": [["cadre", 3, 7, ["priority: tekun", "continuity", "same community",
                               "skill: medical"]],
              ["volunteer", 2, 8, ["locked", "cross street", "designation: where most needed"]]],
    "coverage": {"七星岗": [434, 1658], "大坪": [3679, 10360]},
    "unmatched": [[9, "no helper with skill nursing, sign_language"],
                  [10, "no eligible cadre left in street"]],
    "conflicts": ["上清寺: 3 名区级领导至少需要 6 人，仅 2 人可结对",
                  "a note of some other version"],
    "notes": ["七星岗: 覆盖率 26.2%，低于全区 34.2% 减 5 个百分点；可服务该街道的干部已满额"],
    "quota_violations": [], "added": [], "removed": [], "kept": 0,
}


def _migration():
    path = next(VERSIONS.glob("*_optimiser_messages_as_data.py"))
    spec = importlib.util.spec_from_file_location("messages_as_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: Codes made after that migration (the household rule; a suggestion to a helper with room
#: left; a run stopped before it placed a person): no text stored before it can hold them.
LATER = frozenset({code for code in CODES if code.startswith("household_")}
                  | {"suggested", "no_person_fits", "stopped_before_placed"})


def test_every_message_reads_back_from_the_text_it_replaces():
    migration = _migration()
    coverage = {"大坪": (1, 8), "七星岗": (4, 2)}
    for code in sorted(set(CODES) - LATER):
        stored = message(code, **EXAMPLES.get(code, {})).as_json()
        text = migration.message_text(stored)
        assert isinstance(text, str)
        read = migration.run_message(text, coverage) if code in RUN_CODES else \
            migration.reason_message(text)
        assert read == stored


def test_the_solver_s_reasons_read_back():
    migration = _migration()
    result = solve(small_instance(3, people=12, cadres=3, volunteers=2, sponsors=1))
    for pair in result.pairs:
        for reason in pair.reasons:
            assert migration.reason_message(migration.message_text(reason.as_json())) == \
                reason.as_json()


def test_upgrade_and_downgrade_convert_stored_runs(scratch_app):  # noqa: F811
    migration = _migration()
    table = sa.table("match_run", *(sa.column(name) for name in (
        "state", "status", "objective", "bound", "seconds", "created_at")),
        sa.column("id", sa.Integer), sa.column("summary", sa.JSON))
    with scratch_app.app_context():
        flask_migrate.upgrade(revision=migration.down_revision)
        with db.engine.begin() as connection:
            connection.execute(table.insert().values(
                id=1, state="published", status="OPTIMAL", objective=1, bound=1, seconds=0.1,
                created_at=datetime.now(UTC), summary=OLD_SUMMARY))
        flask_migrate.upgrade(revision="heads")
        with db.engine.connect() as connection:
            summary = connection.execute(sa.select(table.c.summary)).scalar()
        assert summary["pairs"][0][3] == [
            message("priority", mark="tekun").as_json(), message("continuity").as_json(),
            message("same_community").as_json(), message("skill", skill="medical").as_json()]
        assert summary["pairs"][1][3][2] == {"code": "designation", "params": {"to": None}}
        assert summary["unmatched"][0] == [9, {"code": "no_helper_with_skill", "params": {
            "skills": ["nursing", "sign_language"]}}]
        assert summary["conflicts"] == [
            message("rank_quota_unreachable", street="上清寺", rank="district_leader", cadres=3,
                    need=6, eligible=2).as_json(),
            {"code": "legacy_text", "params": {"text": "a note of some other version"}}]
        assert summary["notes"] == [message(
            "street_below_balance", street="七星岗", covered=434, total=1658,
            district_covered=4113, district_total=12018, tolerance=5).as_json()]
        flask_migrate.downgrade(revision=migration.down_revision)
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(table.c.summary)).scalar() == OLD_SUMMARY
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()
