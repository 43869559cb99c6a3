"""A problem or a result sent as JSON (`matching.transport`) comes back equal, and a payload
can name none but the model's classes."""

import gc
import json
import pickle

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


def test_the_parts_of_a_component_share_one_json_and_name_their_layers():
    from matching import by_layer, district_instance, work_parts
    from matching.generate import city_instance

    problem = district_instance(0.05, seed=3)
    parts = by_layer(problem)
    sent = dump_parts(problem, parts)
    assert [layers for _payload, layers in sent] == [["cadre"], ["volunteer"], ["sponsor"]]
    assert all(payload is sent[0][0] for payload, _layers in sent)  # dumped once
    for (payload, layers), part in zip(sent, parts, strict=True):
        assert load_part(payload, layers) == part
    city = city_instance(2, scale=0.02, seed=7)
    parts = work_parts(city, layers_from=1)
    sent = dump_parts(city, parts)
    assert len({id(payload) for payload, _layers in sent}) == len(work_parts(city)) < len(parts)
    for (payload, layers), part in zip(sent, parts, strict=True):
        assert load_part(payload, layers) == part
