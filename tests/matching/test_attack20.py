"""Attacks on the pruned first arcs, the cold re-solve and the layer parts (attack 20)."""

from dataclasses import replace

from matching import Beneficiary, Cadre, Problem, merge, solve, solve_split, work_parts
from matching.transport import dump_parts, load


def test_components_with_nobody_are_each_sent_as_themselves():
    """Two components with no people (cadres of streets nobody lives in yet) both hold the one
    empty tuple: they still go as two JSONs, and the merge says what the whole says."""
    people = (Beneficiary(1, "甲", "甲0"), Beneficiary(2, "乙", "乙0"))
    cadres = (Cadre(1, "staff", "甲", "甲0"), Cadre(2, "staff", "丙", "丙0"),
              Cadre(3, "district_leader", "丁", "丁0"))
    problem = Problem(people, cadres)
    parts = work_parts(problem, 1)
    assert sum(not part.beneficiaries for part in parts) == 2
    sent = dump_parts(problem, parts)
    loaded = [replace(load(payload), layers=tuple(layers)) for payload, layers in sent]
    assert loaded == parts
    merged, whole = merge([solve(part) for part in loaded], problem), solve_split(problem)
    assert sorted(map(repr, merged.conflicts)) == sorted(map(repr, whole.conflicts))
    assert merged.quota_violations == whole.quota_violations == \
        ((2, "staff", 0, 1, 1), (3, "district_leader", 0, 2, 3))
