"""A problem or a result sent as JSON (`matching.transport`) comes back equal, and a payload
can name none but the model's classes."""

import gc
import json
import pickle
from dataclasses import fields

import pytest
from hypothesis import given, settings

from matching import components, merge, solve, solve_split
from matching.generate import city_instance
from matching.transport import dump, dump_parts, load, load_part
from tests.matching.test_matching_split import cities


def through_json(value):
    return load(json.loads(json.dumps(dump(value))))


@settings(deadline=None, max_examples=60)
@given(cities())
def test_problems_and_results_come_back_equal(problem):
    assert through_json(problem) == problem
    parts = components(problem)
    assert [through_json(part) for part in parts] == parts  # sponsor_spread travels too
    results = [solve(part) for part in parts]
    back = [through_json(result) for result in results]
    assert back == results
    assert merge(back, tolerance=problem.balance_tolerance) == merge(results, problem)


def test_a_city_sent_component_by_component_solves_as_in_one_process():
    city = city_instance(2, scale=0.02, seed=5)
    parts = components(city)
    assert len(parts) >= 2
    results = [through_json(solve(through_json(part))) for part in parts]
    merged, whole = merge(results, tolerance=city.balance_tolerance), solve_split(city)
    assert merged.pairs == whole.pairs and merged.layers == whole.layers
    assert (merged.status, merged.objective, merged.bound, merged.conflicts, merged.notes) == \
        (whole.status, whole.objective, whole.bound, whole.conflicts, whole.notes)


def test_a_payload_builds_none_but_the_models_classes():
    payload = dump(city_instance(1, scale=0.01))
    assert isinstance(json.loads(json.dumps(payload)), dict)  # plain JSON, no pickle
    with pytest.raises(KeyError):
        load({"messages": [], "value": {"c": "Popen", "v": [["sh"]]}})
    with pytest.raises(ValueError, match="unknown tag"):
        load({"messages": [], "value": {"x": 1}})
    with pytest.raises(TypeError, match="cannot send"):
        dump(pickle)


@pytest.mark.parametrize("running", [True, False])
def test_the_cycle_collector_is_left_as_it_was_even_when_a_payload_is_refused(running):
    """Sending pauses Python's cycle collector; after, it runs again only if it ran before,
    also when a payload is refused."""
    part = components(city_instance(1, scale=0.01, seed=3))[0]
    seen = []
    try:
        gc.enable() if running else gc.disable()
        payload = dump(part)
        seen.append(gc.isenabled())
        assert load(payload) == part
        seen.append(gc.isenabled())
        with pytest.raises(KeyError):
            load({"messages": [], "value": {"c": "Popen", "v": []}})
        seen.append(gc.isenabled())
    finally:
        gc.enable()
    assert seen == [running] * 3


@pytest.mark.parametrize("running", [True, False])
def test_a_solve_pauses_the_cycle_collector_and_leaves_it_as_it_was(running, monkeypatch):
    """The optimiser runs with the collector paused, and after it, also when it fails, the
    collector runs again only if it ran before."""
    from matching import solve, solver
    from matching.generate import small_instance

    problem = small_instance(seed=4, people=12, cadres=4, volunteers=2, sponsors=1)
    during, after = [], []
    layer = solver._solve_layer

    def watched(*args):
        during.append(gc.isenabled())
        return layer(*args)

    monkeypatch.setattr(solver, "_solve_layer", watched)
    try:
        gc.enable() if running else gc.disable()
        assert solve(problem).pairs
        after.append(gc.isenabled())
        monkeypatch.setattr(solver, "vocabulary", lambda problem: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            solve(problem)
        after.append(gc.isenabled())
    finally:
        gc.enable()
    assert during == [False] * 3 and after == [running] * 2


def test_the_parts_of_a_component_share_one_json_and_name_their_layers():
    from matching import by_layer, district_instance, work_parts
    from matching.generate import city_instance

    problem = district_instance(0.05, seed=3)
    parts = by_layer(problem)
    sent = list(dump_parts(problem, parts))
    assert [layers for _payload, layers in sent] == [["cadre"], ["volunteer"], ["sponsor"]]
    assert all(payload is sent[0][0] for payload, _layers in sent)  # dumped once
    for (payload, layers), part in zip(sent, parts, strict=True):
        assert load_part(payload, layers) == part
    city = city_instance(2, scale=0.02, seed=7)
    parts = work_parts(city, layers_from=1)
    sent = list(dump_parts(city, parts))
    assert len({id(payload) for payload, _layers in sent}) == len(work_parts(city)) < len(parts)
    for (payload, layers), part in zip(sent, parts, strict=True):
        assert load_part(payload, layers) == part


def test_people_and_pairs_travel_as_columns_and_reasons_as_one_table():
    """A district's people and a result's pairs are sent a list per field, and the few
    distinct tuples of reasons once each: every pair with the same reasons comes back sharing
    one tuple, as the solver made them."""
    from matching import district_instance
    from matching.model import Beneficiary, Pair

    problem = district_instance(0.3, seed=2)
    payload = json.loads(json.dumps(dump(problem)))
    people = payload["value"]["v"][0]
    assert people["r"] == "Beneficiary" and len(people["v"]) == len(fields(Beneficiary))
    assert people["v"][0] == [person.id for person in problem.beneficiaries]
    result = solve(problem)
    payload = json.loads(json.dumps(dump(result)))
    distinct = {pair.reasons for pair in result.pairs}
    assert len(distinct) <= len(payload["reasons"]) < len(result.pairs) / 5  # notes too
    back = load(payload)
    assert back == result
    assert len({id(pair.reasons) for pair in back.pairs}) == len(distinct)
    assert all(type(pair) is Pair for pair in back.pairs)


def _people(columns):
    return {"messages": [], "value": {"r": "Beneficiary", "v": columns}}


@pytest.mark.parametrize("columns", [
    [[1, 2]],  # one list where there is a field each
    {"a": 1},  # not a list of columns
    [[1, 2]] + [["x", "y"]] * 9 + ["not a list"],
    [[1, 2]] + [["x", "y"]] * 9 + [[None]],  # a column shorter than the others
])
def test_columns_that_are_not_one_list_per_field_alike_in_length_are_refused(columns):
    with pytest.raises(ValueError, match="columns"):
        load(_people(columns))


def test_columns_build_none_but_the_models_classes_and_reasons_only_from_the_table():
    with pytest.raises(KeyError):
        load({"messages": [], "value": {"r": "Popen", "v": [["sh"], ["sh"]]}})
    with pytest.raises(IndexError):
        load({"messages": [], "value": {"u": 0}})  # no table of reasons
    with pytest.raises(IndexError):
        load({"messages": [], "reasons": [[3]], "value": {"u": 0}})  # a message not sent


def test_a_payload_of_the_earlier_form_still_loads():
    """Payloads sent before people travelled as columns (one object each, no table of
    reasons) load as they did: a job queued across an upgrade is not lost."""
    from matching.model import Beneficiary, Pair

    person = {"c": "Beneficiary", "v": [7, "s", "c", "dibao", {"s": []}, {"s": ["food"]},
                                        {"s": []}, None, None, None]}
    pair = {"c": "Pair", "v": ["cadre", 1, 7, {"t": [{"m": 0}]}]}
    payload = {"messages": [["same_street", {"d": []}]],
               "value": {"t": [person, person, pair]}}
    one, two, paired = load(payload)
    assert one == two == Beneficiary(7, "s", "c", needs=frozenset({"food"}))
    assert type(paired) is Pair and paired.reasons[0].code == "same_street"


def test_a_payload_travels_as_json_text_and_text_that_is_not_one_is_refused():
    """A task sends its component and its result as JSON text (`dumps`), which the queue
    carries as one string; `load` reads it back, and refuses text that is not a payload."""
    from matching import district_instance
    from matching.transport import dumps, load_all

    problem = district_instance(0.05, seed=4)
    text = dumps(problem)
    assert isinstance(text, str) and json.loads(text) == json.loads(json.dumps(dump(problem)))
    assert load(text) == problem == load_part(text)
    result = solve(problem)
    assert load_all([dumps(result), dump(result)]) == [result, result]  # text, or an object
    for garbage in ("not json", "[1, 2]", '"a string"'):
        with pytest.raises(ValueError):
            load(garbage)


def test_numbers_json_cannot_hold_are_refused_and_wide_ints_come_back_exact():
    from dataclasses import replace

    from matching.model import Beneficiary, Problem
    from matching.transport import dumps

    person = Beneficiary(2**70, "s", "c")  # wider than orjson writes: json writes it
    problem = Problem((person, replace(person, id=3)), time_limit_s=12.5)
    back = load(dumps(problem))
    assert back == problem and back.beneficiaries[0].id == 2**70
    for number in (float("inf"), float("nan")):
        with pytest.raises(ValueError, match="cannot send the number"):
            dumps(replace(problem, time_limit_s=number))


@pytest.mark.parametrize("rows, error", [
    ([-1, 0], ValueError), ([0, 10**6], IndexError), (["a", 0], TypeError), ({"a": 1}, ValueError)])
def test_a_column_of_sets_names_rows_of_the_table_only(rows, error):
    from matching import district_instance

    payload = json.loads(json.dumps(dump(district_instance(0.01, seed=1))))
    people = payload["value"]["v"][0]
    assert set(people["v"][4]) == {"n"}  # the flags: rows of the table of sets
    assert len(payload["sets"]) < len(people["v"][0])
    people["v"][4] = {"n": rows}
    people["v"] = [column[:2] if isinstance(column, list) else column for column in people["v"]]
    for column in people["v"][5:7]:
        column["n"] = column["n"][:2]
    with pytest.raises(error):
        load(payload)


def test_tuples_as_columns_come_back_tuples_and_columns_unlike_in_length_are_refused():
    pairs = ((1, "a"), (2, "b"), (3, "c"))
    payload = dump(pairs)
    assert set(payload["value"]) == {"k"} and load(payload) == pairs
    assert load(dump(((1,), (2,)))) == ((1,), (2,))
    for body in ([], [[1, 2], [3]], "x"):
        with pytest.raises(ValueError, match="columns"):
            load({"messages": [], "value": {"k": body}})
