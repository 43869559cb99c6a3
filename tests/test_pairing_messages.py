"""The optimiser's messages (codes with parameters) read in the user's language: every code
in both languages, and the texts staff saw before messages were data."""

import pytest

from charity.pairing.messages import MESSAGES, render
from matching import CODES
from matching.messages import message

EXAMPLES = {
    "priority": {"mark": "orphan"}, "skill": {"skill": "psychological"},
    "designation": {"to": "education"}, "no_helper_with_skill": {"skills": ("medical",)},
    "locked_pair_invalid": {"kind": "cadre", "helper_id": 7, "person_id": 12},
    "locked_pair_forbidden": {"kind": "organisation", "helper_id": 3, "person_id": 9},
    "locked_over_quota": {"kind": "volunteer", "helper_id": 4, "locked": 5, "maximum": 3},
    "rank_quota_unreachable": {"street": "大坪", "rank": "division_leader", "cadres": 2,
                               "need": 2, "eligible": 1},
    "street_quota_unreachable": {"street": "大坪", "cadres": 3, "need": 4, "eligible": 2,
                                 "below_minimum": (("staff", 1),)},
    "quota_taken": {"street": "大坪", "below_minimum": (("district_leader", 2),)},
    "street_below_balance": {"street": "大坪", "covered": 1, "total": 8, "district_covered": 5,
                             "district_total": 10, "tolerance": 5},
    "cadre_below_quota": {"cadre_id": 7, "paired": 1, "minimum": 2},
    "household_streets_apart": {"streets": ("大坪", "石油路")},
    "household_too_large": {"size": 4, "maximum": 3},
    "household_quota_taken": {"size": 2},
    "household_not_fitted": {"size": 3},
    "household_minimums": {"size": 2},
}


def test_every_code_has_a_message():
    assert set(MESSAGES) == set(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_reads_in_both_languages(app, code):
    """Rendering needs every named parameter; each language has its own text."""
    example = message(code, **EXAMPLES.get(code, {}))
    texts = {}
    for language in ("en", "zh_Hans_CN"):
        with app.test_request_context(f"/?lang={language}"):
            texts[language] = render(example)
            assert render(example.as_json()) == texts[language]
        assert texts[language] and texts[language] != code and "%(" not in texts[language]
    assert texts["en"] != texts["zh_Hans_CN"]


def test_reasons_read_in_the_users_language(app):
    with app.test_request_context("/?lang=en"):
        assert render(message("priority", mark="tekun")) == "Priority: Tekun (extremely poor)"
        assert render(message("skill", skill="medical")) == "Skill: Medical"
        assert render({"code": "continuity", "params": {}}) == "Continues an existing pair"
        assert render({"code": "something_new", "params": {}}) == "something_new"
        assert render(message("no_helper_with_skill", skills=("medical",))) == \
            "No helper has the skill: Medical"
        assert render(message("designation", to=None)) == "Designation: Where most needed"
    with app.test_request_context("/"):
        assert render(message("same_community")) == "同一社区"
        assert render(message("priority", mark="tekun")) == "优先：特困人员"
        assert render({"code": "no_helper_with_skill", "params": {"skills": [
            "medical", "education"]}}) == "没有具备该专长的帮扶人：医疗和教育"


def test_run_messages_read_in_the_users_language(app):
    conflict = message("rank_quota_unreachable", street="上清寺", rank="district_leader",
                       cadres=3, need=6, eligible=2)
    note = message("street_below_balance", street="七星岗", covered=434, total=1658,
                   district_covered=4113, district_total=12018, tolerance=5)
    mixed = message("street_quota_unreachable", street="化龙桥", cadres=4, need=5, eligible=3,
                    below_minimum=(("district_leader", 1), ("staff", 2)))
    legacy = {"code": "legacy_text", "params": {"text": "旧版本的说明"}}
    with app.test_request_context("/?lang=en"):
        assert render(conflict) == \
            "上清寺: District leader × 3 must pair with at least 6 people, but only 2 can be " \
            "paired with them"
        assert render(note).startswith("七星岗: coverage 26.2%, below the district's 34.2%")
        assert render(mixed) == (
            "化龙桥: its cadres (4) must pair with at least 5 people, but only 3 can be paired "
            "with them (below their minimum: District leader × 1 and Staff cadre × 2)")
        assert render(legacy) == "旧版本的说明"
    with app.test_request_context("/"):
        assert render(conflict) == "上清寺：3 名区级领导至少需要 6 人，仅 2 人可结对"
        assert render(note) == ("七星岗：覆盖率 26.2%，低于全区 34.2% 减 5 个百分点；"
                                "可服务该街道的干部已满额")
        assert render(mixed) == ("化龙桥：4 名干部至少需要 5 人，仅 3 人可结对"
                                 "（未达下限：区级领导 1 名和其他干部 2 名）")
        assert render(mixed.as_json()) == render(mixed)
