"""The compiled kernels of pricing (:mod:`matching.pricing`, :mod:`matching.window`) and of
the first arcs (:mod:`matching.blocks`), each against a plain reference on random data: the
residual graph's shortest distances (node potentials), the most negative pairs of each person
and each helper, the window's pairs and a block's pairs scored as
:func:`matching.candidates.scored` scores them, and the best pairs of each person and each
helper of a block as numpy's partition picked them."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.blocks import best_in_columns, best_in_rows, block_scores
from matching.candidates import banned_pairs, scored
from matching.generate import district_instance, small_instance
from matching.layers import LAYERS
from matching.prepare import prepare_layer
from matching.pricing import NegativeCycle, first_of_groups, least_potentials, potentials
from matching.vocabulary import vocabulary
from matching.window import class_of, negatives, people_of, weights_of


@st.composite
def flows_on_networks(draw):
    """A network of up to 8 nodes and any flow within its capacities (optimal or not)."""
    n = draw(st.integers(1, 8))
    m = draw(st.integers(0, 20))
    node = st.integers(0, n - 1)
    tail = np.array(draw(st.lists(node, min_size=m, max_size=m)), dtype=np.int64)
    head = np.array(draw(st.lists(node, min_size=m, max_size=m)), dtype=np.int64)
    cap = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), dtype=np.int64)
    cost = np.array(draw(st.lists(st.integers(-9, 9), min_size=m, max_size=m)),
                    dtype=np.int64)
    flows = np.array([draw(st.integers(0, int(c))) for c in cap], dtype=np.int64)
    return n, (tail, head, cap, cost), flows


def residual_distances(n, network, flows):
    """Bellman-Ford in plain Python from a virtual root joined to every node at cost 0:
    the distances, or None when a negative cycle is left."""
    tail, head, cap, cost = (np.asarray(x).tolist() for x in network)
    residual = [(t, h, c) for t, h, u, c, f in zip(tail, head, cap, cost, flows.tolist(),
                                                  strict=True) if f < u]
    residual += [(h, t, -c) for t, h, _, c, f in zip(tail, head, cap, cost, flows.tolist(),
                                                     strict=True) if f > 0]
    distance = [0] * n
    for _ in range(n + 1):
        changed = False
        for t, h, c in residual:
            if distance[t] + c < distance[h]:
                distance[h], changed = distance[t] + c, True
        if not changed:
            return distance
    return None


@settings(max_examples=400, deadline=None)
@given(flows_on_networks())
def test_potentials_are_the_shortest_distances_or_the_flow_is_not_optimal(case):
    n, network, flows = case
    expected = residual_distances(n, network, flows)
    if expected is None:
        with pytest.raises(NegativeCycle):
            potentials(n, *network, flows)
        with pytest.raises(NegativeCycle):
            least_potentials(n, *network, flows)
        return
    assert potentials(n, *network, flows).tolist() == expected
    tail, head, cap, cost = network
    least = least_potentials(n, *network, flows)
    reduced = cost + least[tail] - least[head]  # the proof: no residual arc is negative
    assert (reduced[flows < cap] >= 0).all()
    assert (reduced[flows > 0] <= 0).all()
    assert (least >= 0).all()


def test_a_cycle_of_negative_cost_with_room_is_found():
    # 0 -> 1 -> 2 -> 0 at a total cost of -1, every arc empty: the flow is not optimal
    network = [np.array(x, dtype=np.int64) for x in ([0, 1, 2], [1, 2, 0], [1, 1, 1],
                                                      [2, -4, 1])]
    with pytest.raises(NegativeCycle):
        potentials(3, *network, np.zeros(3, dtype=np.int64))
    flows = np.ones(3, dtype=np.int64)  # round it once: optimal, every arc full
    assert potentials(3, *network, flows).tolist() == [-2, 0, -3]  # 1 -> 0 at -2, 0 -> 2 at -1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 30), st.integers(-40, -1)),
                max_size=120, unique_by=lambda pair: pair[:2]),
       st.integers(1, 5))
def test_the_first_pairs_of_each_group_are_the_most_negative(pairs, keep):
    group = np.array([g for g, _, _ in pairs], dtype=np.int64)
    tie = np.array([t for _, t, _ in pairs], dtype=np.int64)
    reduced = np.array([r for _, _, r in pairs], dtype=np.int64)
    chosen = first_of_groups(group, reduced, tie, keep)
    expected = set()
    for one in set(group.tolist()):
        mine = sorted((r, t) for g, t, r in pairs if g == one)[:keep]
        expected |= {(one, t) for _, t in mine}
    assert {(g, t) for (g, t, _), c in zip(pairs, chosen.tolist(), strict=True) if c} == \
        expected


@pytest.mark.parametrize("network", [
    ([0], [2], [1], [1], [0]),  # an end beyond the last node
    ([-1], [1], [1], [1], [0]),  # an end below the first
    ([0, 1], [1], [1], [1], [0]),  # arrays of different lengths
])
def test_arcs_whose_ends_are_not_nodes_are_refused_not_written_out_of_bounds(network):
    with pytest.raises(ValueError, match="ends are nodes"):
        potentials(2, *(np.array(x) for x in network))


def test_groups_below_zero_or_arrays_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="groups numbered from 0"):
        first_of_groups(np.array([-1, 0]), np.array([-1, -2]), np.array([0, 1]), 1)
    with pytest.raises(ValueError, match="groups numbered from 0"):
        first_of_groups(np.array([0, 0]), np.array([-1]), np.array([0, 1]), 1)


def small_layer(seed: int, name: str):
    """A small random problem and its layer ``name``."""
    problem = small_instance(seed, people=14, cadres=5, volunteers=4, sponsors=3)
    return problem, prepare_layer(problem, name, vocabulary(problem)).layer


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(LAYERS), st.randoms(use_true_random=False))
def test_a_window_keeps_exactly_the_negative_new_eligible_pairs(seed, name, rng):
    problem, layer = small_layer(seed, name)
    n_helpers, n_people = len(layer.helper_ids), len(layer.person_ids)
    if n_helpers == 0 or n_people == 0:
        return
    members = np.array(rng.sample(range(n_helpers), rng.randint(1, n_helpers)), dtype=np.int64)
    people = np.array(rng.sample(range(n_people), rng.randint(1, n_people)), dtype=np.int64)
    counts = np.array([rng.randint(0, len(members)) for _ in people], dtype=np.int64)
    helper_potential = np.array([rng.randint(0, 40) for _ in range(n_helpers)], dtype=np.int64)
    person_potential = np.array([rng.randint(0, 40) for _ in range(n_people)], dtype=np.int64)
    width = n_helpers + 1
    every = [(h, p) for p in range(n_people) for h in range(n_helpers)]
    skip = {p * width + h for h, p in rng.sample(every, len(every) // 4)}
    skip |= {p * width + h for pairs in banned_pairs(layer, problem.forbidden).values()
             for h, p in pairs}
    worst = np.zeros(n_people + 1, dtype=np.int64)
    keys = np.array(sorted(skip), dtype=np.int64)
    got = negatives(members, people, counts, class_of(layer, members, helper_potential),
                    people_of(layer, person_potential),
                    (keys, np.searchsorted(keys, np.arange(n_people + 2) * width), width, worst),
                    weights_of(layer))
    expected, lowest = [], [0] * (n_people + 1)
    for row, p in enumerate(people.tolist()):
        for h in members[:counts[row]].tolist():
            score = int(scored(layer, np.array([h]), np.array([p]))[0])
            reduced = int(helper_potential[h] - person_potential[p]) - score
            if score >= 0 and reduced < 0 and p * width + h not in skip and \
                    layer.helper_ids[h] != layer.person_current[p]:
                expected.append([h, p, score, reduced])
                lowest[p] = min(lowest[p], reduced)
    assert got.T.tolist() == expected
    assert worst.tolist() == lowest


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(LAYERS), st.randoms(use_true_random=False))
def test_a_block_is_scored_as_each_pair_is_scored(seed, name, rng):
    _problem, layer = small_layer(seed, name)
    n_helpers, n_people = len(layer.helper_ids), len(layer.person_ids)
    helpers = np.array(rng.sample(range(n_helpers), rng.randint(0, n_helpers)), dtype=np.int64)
    people = np.array(rng.sample(range(n_people), rng.randint(0, n_people)), dtype=np.int64)
    expected = scored(layer, helpers[:, None], people[None, :])
    assert block_scores(layer, helpers, people).tolist() == expected.tolist()


@pytest.mark.parametrize("name", LAYERS)
def test_a_district_street_is_scored_as_each_pair_is_scored(name):
    """Every term occurs here: required skills, designated sponsors, current helpers, homes in
    and out of the street and community."""
    problem = district_instance(0.1, seed=2)
    codes = vocabulary(problem)
    layer = prepare_layer(problem, name, codes).layer
    helpers = np.arange(len(layer.helper_ids))
    people = np.flatnonzero(layer.person_street == codes.streets[sorted(codes.streets)[0]])
    expected = scored(layer, helpers[:, None], people[None, :])
    got = block_scores(layer, helpers, people)
    assert got.tolist() == expected.tolist()
    found = set(got.ravel().tolist())  # not a block of one or two scores; a sponsor's are 0
    assert found == {-1, 0} if name == "sponsor" else len(found) > 4


def _largest(key: np.ndarray, k: int, axis: int) -> np.ndarray:
    """The k largest keys along ``axis`` (unique there), as numpy's partition finds them."""
    n = key.shape[axis]
    if k >= n:
        return np.ones_like(key, dtype=bool)
    kth = np.partition(key, n - k, axis=axis).take([n - k], axis=axis)
    return key >= kth


blocks = st.tuples(st.integers(1, 9), st.integers(1, 9)).flatmap(
    lambda shape: st.lists(st.integers(-1, 6), min_size=shape[0] * shape[1],
                           max_size=shape[0] * shape[1]).map(
        lambda values: np.array(values, dtype=np.int64).reshape(shape)))


@settings(max_examples=300, deadline=None)
@given(blocks, st.integers(0, 10), st.integers(0, 30))
def test_the_best_of_each_column_are_the_partitions(score, k, first):
    n = score.shape[0]
    turn = (np.arange(n)[:, None] - np.arange(first, first + score.shape[1])) % n
    expected = (score >= 0) & _largest(score * n + turn, max(k, 1), axis=0) if k else \
        np.zeros_like(score, dtype=bool)
    assert best_in_columns(score, k, first).tolist() == expected.tolist()


@settings(max_examples=300, deadline=None)
@given(blocks, st.integers(0, 10), st.integers(0, 30), st.integers(1, 5))
def test_the_best_of_each_row_are_the_partitions(score, k, first, stride):
    n = score.shape[1]
    position = np.arange(first, first + score.shape[0])[:, None]
    turn = (np.arange(n)[None, :] - position * stride) % n
    expected = (score >= 0) & _largest(score * n + turn, max(k, 1), axis=1) if k else \
        np.zeros_like(score, dtype=bool)
    assert best_in_rows(score, k, first, stride).tolist() == expected.tolist()
