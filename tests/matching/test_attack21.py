"""Review of the JSON-text transport (commit 79e1835): what `dumps` writes, `load` reads back
equal, and a payload that names a row of a table by anything but a non-negative int, or whose
table of sets holds anything but lists of names, is refused rather than read as another row."""

import gc
import json

import pytest

from matching.model import Beneficiary, Problem
from matching.transport import dumps, load, load_all

MESSAGES = [["same_street", {"d": []}], ["continuity", {"d": []}]]


@pytest.mark.parametrize("payload", [
    {"messages": MESSAGES, "reasons": [[0], [1]], "value": {"u": -1}},
    {"messages": MESSAGES, "reasons": [[0], [1]], "value": {"u": True}},
    {"messages": MESSAGES, "reasons": [[-1]], "value": {"u": 0}},
    {"messages": MESSAGES, "reasons": [[True]], "value": {"u": 0}},
    {"messages": MESSAGES, "value": {"m": -1}},
    {"messages": MESSAGES, "value": {"m": False}},
    {"messages": [], "sets": [["a"], ["b"]], "value": {"k": [{"n": [True, 0]}]}},
], ids=["u-1", "u-true", "reason-row-1", "reason-row-true", "m-1", "m-false", "n-true"])
def test_a_row_named_by_a_negative_int_or_a_bool_is_refused(payload):
    """`{"u": -1}` was the last tuple of reasons, `{"u": true}` the second: a tampered or
    broken payload read silently as another row."""
    with pytest.raises(ValueError, match="row"):
        load(payload)
    assert gc.isenabled()


@pytest.mark.parametrize("sets", [["abc"], [{"a": 1}], [[1, 2]], [[True]], "ab"])
def test_a_table_of_sets_holds_lists_of_names_only(sets):
    """The encoder puts only sets of names in the table: a row that is a string came back
    as the set of its letters, a dict as its keys, a list of ints as a set of ints."""
    payload = {"messages": [], "sets": sets, "value": {"k": [{"n": [0, 0]}]}}
    with pytest.raises(ValueError, match="sets"):
        load(payload)


@pytest.mark.parametrize("person", [
    Beneficiary(10**400, "s", "c"),  # json writes it; orjson read it as infinity
    Beneficiary(-(10**400), "s", "c"),
    Beneficiary(1, "s\ud800", "c"),  # a lone surrogate: json writes it, orjson refused it
])
def test_what_dumps_writes_wide_load_reads_back(person):
    problem = Problem((person, Beneficiary(2, "s", "c")))
    text = dumps(problem)
    assert load(text) == problem and load_all([text, text]) == [problem, problem]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999"])
def test_a_wide_payload_holds_no_number_json_cannot(number):
    for text in ('{"wide":true,"messages":[],"value":' + number + "}",
                 '{"messages":[],"value":' + number + ',"wide":true}'):
        with pytest.raises(ValueError):
            load(text)
    assert gc.isenabled()


def test_a_wide_payload_still_loads_where_the_flag_is_not_first():
    text = json.dumps({"messages": [], "value": {"t": [2**70, -(2**70)]}, "wide": True})
    assert load(text) == (2**70, -(2**70))
