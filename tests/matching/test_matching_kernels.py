"""The compiled kernels of pricing (:mod:`matching.pricing`), each against a plain reference
on random data: the residual graph's shortest distances (node potentials) and the most
negative pairs of each person and each helper."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.pricing import NegativeCycle, first_of_groups, least_potentials, potentials


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


def _reference(n, network, flows):
    """Bellman-Ford in plain Python from a virtual root joined to every node at cost 0:
    the distances, or None when a negative cycle is left."""
    tail, head, cap, cost = (x.tolist() for x in network)
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
    expected = _reference(n, network, flows)
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
