"""Re-solving a flow after pricing adds arcs: a primal network simplex that starts from the
last optimal flow.

Column generation (:mod:`matching.flow`) solves a layer's flow, prices every eligible pair left
out and adds those with a negative reduced cost. OR-Tools' min-cost flow (cost scaling) starts
from nothing every time: at 10x a district it takes 6-10 s a solve, however few arcs were
added. :class:`WarmFlow` keeps the optimal flow as a network simplex basis instead: a spanning
tree built from the flow and its potentials (every arc strictly between its bounds, then arcs of
zero reduced cost; a node left over hangs from a root by an artificial arc that no flow can
use). New arcs join at zero flow, so the flow stays feasible, and primal simplex pivots from
there to the new optimum. At 10x a district the cadre layer's re-solves take 0.6-2.7 s where
a cold solve took 9-10 s; the volunteer layer's first two need about 500k pivots each, nearly
all degenerate, and take longer than a cold solve would (15 s against 8-10 s).

The pivots follow LEMON's ``NetworkSimplex`` (Kiraly and Kovacs, "Efficient implementations
of minimum-cost flow algorithms", 2012): block search for the entering arc, a strongly feasible
tree (the leaving arc rule then rules out cycling), thread and successor lists to update the
tree and its potentials. The loops run in numba: one pivot is a few hundred array steps.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from . import pricing

UPPER, TREE, LOWER = -1, 0, 1  #: arc states: at capacity, in the tree, at zero
UP, DOWN = 1, -1  #: a tree arc from a node to its parent, or from the parent to the node
INF = 1 << 62  #: capacity of the artificial arcs
LARGEST_CAPACITY = INF // 2 - 1  #: of a real arc (a cycle of INF // 2 reads as unbounded)


CHUNK = 20_000  #: pivots between two looks at the deadline (0.1-0.4 s at 10x a district)


class Stopped(RuntimeError):
    """The deadline passed while :meth:`WarmFlow.solve` pivoted: its flow keeps every
    capacity and supply but is not optimal yet."""


class NoBasis(RuntimeError):
    """The flow handed to :class:`WarmFlow` does not give a basis: an arc strictly between its
    bounds has a non-zero reduced cost, or such arcs form a cycle, or the simplex stopped, or
    the costs are too large for its potentials in int64 (:meth:`WarmFlow.solve`)."""


@njit(cache=True)
def _reduced(e, arcs, pi):
    source, target, _, cost, _, _ = arcs
    return cost[e] + pi[source[e]] - pi[target[e]]


@njit(cache=True)
def _entering(first, m, start, block, arcs, pi):
    """Block search: the arc of most negative signed reduced cost in the first block (of
    ``block`` arcs, going round from ``start``) that has one; -1 if none has."""
    state = arcs[4]
    best, chosen, count, e = 0, -1, block, start
    for _ in range(m - first):
        signed = state[e] * _reduced(e, arcs, pi)
        if signed < best:
            best, chosen = signed, e
        e = e + 1 if e + 1 < m else first
        count -= 1
        if count == 0:
            if chosen >= 0:
                return chosen, e
            count = block
    return chosen, e


@njit(cache=True)
def _join(u, v, tree):
    parent, succ_num = tree[0], tree[5]
    while u != v:
        if succ_num[u] < succ_num[v]:
            u = parent[u]
        else:
            v = parent[v]
    return u


@njit(cache=True)
def _room(u, direction, arcs, tree):
    """How much more flow the tree arc of ``u`` takes in ``direction`` (towards the root: UP)."""
    cap, flow = arcs[2], arcs[5]
    arc = tree[1][u]
    return cap[arc] - flow[arc] if tree[2][u] == direction else flow[arc]


@njit(cache=True)
def _leaving(in_arc, join, arcs, tree):
    """The cycle's bottleneck: (delta, u_out, u_in, v_in, which side it is on (0: the entering
    arc itself))."""
    source, target, cap, _, state, _ = arcs
    parent = tree[0]
    first, second = source[in_arc], target[in_arc]
    if state[in_arc] != LOWER:
        first, second = second, first
    delta, u_out, side = cap[in_arc], -1, 0
    u = first
    while u != join:  # the side flow goes up towards the join: ties go to the other side
        room = _room(u, DOWN, arcs, tree)
        if room < delta:
            delta, u_out, side = room, u, 1
        u = parent[u]
    u = second
    while u != join:
        room = _room(u, UP, arcs, tree)
        if room <= delta:
            delta, u_out, side = room, u, 2
        u = parent[u]
    if side == 1:
        return delta, u_out, first, second, side
    return delta, u_out, second, first, side


@njit(cache=True)
def _augment(in_arc, join, delta, arcs, tree):
    source, target, _, _, state, flow = arcs
    parent, pred, pred_dir = tree[0], tree[1], tree[2]
    value = state[in_arc] * delta
    flow[in_arc] += value
    u = source[in_arc]
    while u != join:
        flow[pred[u]] -= pred_dir[u] * value
        u = parent[u]
    u = target[in_arc]
    while u != join:
        flow[pred[u]] += pred_dir[u] * value
        u = parent[u]


@njit(cache=True)
def _hang(u_in, v_in, u_out, old_rev, old_last, in_arc, arcs, tree):
    """The tree update when the leaving arc is the entering node's own: it moves under v_in."""
    parent, pred, pred_dir, thread, rev_thread = tree[0], tree[1], tree[2], tree[3], tree[4]
    parent[u_in] = v_in
    pred[u_in] = in_arc
    pred_dir[u_in] = UP if u_in == arcs[0][in_arc] else DOWN
    if thread[v_in] != u_out:
        after = thread[old_last]
        thread[old_rev] = after
        rev_thread[after] = old_rev
        after = thread[v_in]
        thread[v_in] = u_out
        rev_thread[u_out] = v_in
        thread[old_last] = after
        rev_thread[after] = old_last


@njit(cache=True)
def _reverse_stem(u_in, v_in, u_out, old_rev, old_last, tree, dirty):
    """Thread and parents of the stem u_in .. u_out, which hangs under v_in reversed."""
    parent, thread, rev_thread, last_succ = tree[0], tree[3], tree[4], tree[6]
    thread_continue = thread[old_last] if old_rev == v_in else thread[v_in]
    stem, par_stem, last = u_in, v_in, last_succ[u_in]
    after = thread[last]
    thread[v_in] = u_in
    dirty[0] = v_in
    count = 1
    while stem != u_out:
        next_stem = parent[stem]
        thread[last] = next_stem
        dirty[count] = last
        count += 1
        before = rev_thread[stem]
        thread[before] = after
        rev_thread[after] = before
        parent[stem] = par_stem
        par_stem, stem = stem, next_stem
        last = rev_thread[par_stem] if last_succ[stem] == last_succ[par_stem] else last_succ[stem]
        after = thread[last]
    parent[u_out] = par_stem
    thread[last] = thread_continue
    rev_thread[thread_continue] = last
    last_succ[u_out] = last
    if old_rev != v_in:
        thread[old_rev] = after
        rev_thread[after] = old_rev
    for i in range(count):
        rev_thread[thread[dirty[i]]] = dirty[i]


@njit(cache=True)
def _reverse_preds(u_in, u_out, old_succ, in_arc, arcs, tree):
    """Tree arcs, directions and successor counts along the reversed stem."""
    parent, pred, pred_dir, succ_num, last_succ = tree[0], tree[1], tree[2], tree[5], tree[6]
    total, last = 0, last_succ[u_out]
    u = u_out
    p = parent[u]
    while u != u_in:
        pred[u] = pred[p]
        pred_dir[u] = -pred_dir[p]
        total += succ_num[u] - succ_num[p]
        succ_num[u] = total
        last_succ[p] = last
        u = p
        p = parent[u]
    pred[u_in] = in_arc
    pred_dir[u_in] = UP if u_in == arcs[0][in_arc] else DOWN
    succ_num[u_in] = old_succ


@njit(cache=True)
def _fix_ancestors(join, v_in, v_out, u_out, old_rev, old_last, old_succ, tree):
    """Last successors and successor counts of the ancestors of both ends."""
    parent, succ_num, last_succ = tree[0], tree[5], tree[6]
    limit = join if last_succ[join] == v_in else -1
    last_out = last_succ[u_out]
    u = v_in
    while u != -1 and last_succ[u] == v_in:
        last_succ[u] = last_out
        u = parent[u]
    moved = join != old_rev and v_in != old_rev
    if moved or last_out != old_last:
        value = old_rev if moved else last_out
        u = v_out
        while u != limit and last_succ[u] == old_last:
            last_succ[u] = value
            u = parent[u]
    u = v_in
    while u != join:
        succ_num[u] += old_succ
        u = parent[u]
    u = v_out
    while u != join:
        succ_num[u] -= old_succ
        u = parent[u]


@njit(cache=True)
def _retree(in_arc, join, u_in, v_in, u_out, arcs, tree, dirty):
    """The tree after ``in_arc`` enters at u_in (under v_in) and u_out's arc leaves; then the
    potentials of u_in's subtree."""
    parent, pred_dir, thread, rev_thread, succ_num, last_succ, pi = tree[0], tree[2], \
        tree[3], tree[4], tree[5], tree[6], tree[7]
    old_rev, old_succ, old_last = rev_thread[u_out], succ_num[u_out], last_succ[u_out]
    v_out = parent[u_out]
    if u_in == u_out:
        _hang(u_in, v_in, u_out, old_rev, old_last, in_arc, arcs, tree)
    else:
        _reverse_stem(u_in, v_in, u_out, old_rev, old_last, tree, dirty)
        _reverse_preds(u_in, u_out, old_succ, in_arc, arcs, tree)
    _fix_ancestors(join, v_in, v_out, u_out, old_rev, old_last, old_succ, tree)
    sigma = pi[v_in] - pi[u_in] - pred_dir[u_in] * arcs[3][in_arc]
    end = thread[last_succ[u_in]]
    u = u_in
    while u != end:
        pi[u] += sigma
        u = thread[u]


OPTIMAL, MORE, UNBOUNDED = 1, 0, -1  #: how a run of pivots ended


@njit(cache=True)
def _pivot(first, m, start, block, arcs, tree, dirty, limit):
    """Runs pivots until no arc enters or ``limit`` pivots: (pivots, next start, OPTIMAL or
    MORE or UNBOUNDED)."""
    state, flow = arcs[4], arcs[5]
    for pivots in range(limit):
        in_arc, start = _entering(first, m, start, block, arcs, tree[7])
        if in_arc < 0:
            return pivots, start, OPTIMAL
        join = _join(arcs[0][in_arc], arcs[1][in_arc], tree)
        delta, u_out, u_in, v_in, side = _leaving(in_arc, join, arcs, tree)
        if delta >= INF // 2:
            return pivots, start, UNBOUNDED  # cannot happen with finite capacities
        if delta > 0:
            _augment(in_arc, join, delta, arcs, tree)
        if side == 0:
            state[in_arc] = -state[in_arc]
            continue
        state[in_arc] = TREE
        leaving = tree[1][u_out]
        state[leaving] = LOWER if flow[leaving] == 0 else UPPER
        _retree(in_arc, join, u_in, v_in, u_out, arcs, tree, dirty)
    return limit, start, MORE


@njit(cache=True)
def _states(first, m, arcs, pot):
    """Each real arc's state under the flow (TREE: strictly between its bounds) and whether
    the flow and potentials are optimal where it matters here: every such arc has a zero
    reduced cost."""
    _, _, cap, _, state, flow = arcs
    for e in range(first, m):
        reduced = _reduced(e, arcs, pot)
        if flow[e] == 0 and (cap[e] > 0 or reduced >= 0):
            state[e] = LOWER
        elif flow[e] == cap[e]:
            state[e] = UPPER
        else:
            state[e] = TREE
            if reduced != 0:
                return False
    return True


@njit(cache=True)
def _adjacency(n, first, m, arcs, pot):
    """CSR of the arcs a tree may use (free arcs, and arcs of zero reduced cost that can carry
    flow), by both ends."""
    source, target, cap, _, state, _ = arcs
    usable = np.zeros(m, np.bool_)
    start = np.zeros(n + 2, np.int64)
    for e in range(first, m):
        if state[e] == TREE or (cap[e] > 0 and _reduced(e, arcs, pot) == 0):
            usable[e] = True
            start[source[e] + 1] += 1
            start[target[e] + 1] += 1
    for u in range(n + 1):
        start[u + 1] += start[u]
    adjacent = np.empty(start[n + 1], np.int64)
    fill = start[:-1].copy()
    for e in range(first, m):
        if usable[e]:
            for u in (source[e], target[e]):
                adjacent[fill[u]] = e
                fill[u] += 1
    return start, adjacent


@njit(cache=True)
def _attach(w, u, e, arcs, tree, seen):
    seen[w] = True
    tree[0][w], tree[1][w] = u, e
    tree[2][w] = UP if arcs[0][e] == w else DOWN


@njit(cache=True)
def _free_component(w, start, adjacent, arcs, tree, seen, queue, tail, stack):
    """Hangs the nodes joined to ``w`` by free arcs under it (every free arc must be a tree
    arc) and queues them; returns the queue's new end."""
    source, target, state = arcs[0], arcs[1], arcs[4]
    stack[0] = w
    top = 1
    while top > 0:
        top -= 1
        u = stack[top]
        queue[tail] = u
        tail += 1
        for i in range(start[u], start[u + 1]):
            e = adjacent[i]
            other = target[e] if source[e] == u else source[e]
            if state[e] == TREE and not seen[other]:
                _attach(other, u, e, arcs, tree, seen)
                stack[top] = other
                top += 1
    return tail


@njit(cache=True)
def _can_send(e, w, arcs):
    """Whether flow can go from ``w`` across arc ``e`` (at a bound): strongly feasible."""
    return arcs[4][e] == (LOWER if arcs[0][e] == w else UPPER)


@njit(cache=True)
def _grow(n, start, adjacent, arcs, tree, pot):
    """Parents of a strongly feasible spanning tree: from each node not reached yet (hung from
    the root by its artificial arc, of cost making its reduced cost zero), breadth first over
    usable arcs whose child can send flow to its parent."""
    source, target, cap, cost, state, flow = arcs
    seen = np.zeros(n + 1, np.bool_)
    seen[n] = True
    queue, stack = np.empty(n, np.int64), np.empty(n, np.int64)
    head = tail = 0
    for seed in range(n):
        if seen[seed]:
            continue
        source[seed], target[seed], cap[seed], flow[seed] = seed, n, INF, 0
        cost[seed], state[seed] = -pot[seed], TREE
        _attach(seed, n, seed, arcs, tree, seen)
        tail = _free_component(seed, start, adjacent, arcs, tree, seen, queue, tail, stack)
        while head < tail:
            u = queue[head]
            head += 1
            for i in range(start[u], start[u + 1]):
                e = adjacent[i]
                w = target[e] if source[e] == u else source[e]
                if not seen[w] and state[e] != TREE and _can_send(e, w, arcs):
                    _attach(w, u, e, arcs, tree, seen)
                    tail = _free_component(w, start, adjacent, arcs, tree, seen, queue, tail,
                                           stack)


@njit(cache=True)
def _threads(n, arcs, tree):
    """Preorder thread, successor counts, last successors and potentials from the parents."""
    parent, pred, pred_dir, thread, rev_thread, succ_num, last_succ, pi = tree
    count = np.zeros(n + 2, np.int64)
    for u in range(n):
        count[parent[u] + 1] += 1
    for u in range(n + 1):
        count[u + 1] += count[u]
    children, fill = np.empty(n, np.int64), count[:-1].copy()
    for u in range(n):
        children[fill[parent[u]]] = u
        fill[parent[u]] += 1
    order, stack = np.empty(n + 1, np.int64), np.empty(n + 1, np.int64)
    stack[0], top, k = n, 1, 0
    while top > 0:
        top -= 1
        u = stack[top]
        order[k] = u
        k += 1
        if u != n:
            pi[u] = pi[parent[u]] - pred_dir[u] * arcs[3][pred[u]]
        for i in range(count[u + 1] - 1, count[u] - 1, -1):
            stack[top] = children[i]
            top += 1
    for i in range(n + 1):
        thread[order[i]] = order[i + 1] if i < n else n
        rev_thread[thread[order[i]]] = order[i]
    for i in range(n, -1, -1):
        u = order[i]
        succ_num[u] = 1
        for j in range(count[u], count[u + 1]):
            succ_num[u] += succ_num[children[j]]
        last_succ[u] = order[i + succ_num[u] - 1]


@njit(cache=True)
def _basis(n, m, arcs, tree, pot):
    """The basis of an optimal flow (see the module); False if it has none."""
    if not _states(n, m, arcs, pot):
        return False
    start, adjacent = _adjacency(n, n, m, arcs, pot)
    tree[0][n], tree[1][n], tree[7][n] = -1, -1, 0
    _grow(n, start, adjacent, arcs, tree, pot)
    state = arcs[4]
    for e in range(n, m):  # a free arc left out of the tree: free arcs form a cycle
        if state[e] == TREE and tree[1][arcs[0][e]] != e and tree[1][arcs[1][e]] != e:
            return False
    for u in range(n):
        state[tree[1][u]] = TREE
    _threads(n, arcs, tree)
    return True


def _check_arcs(n: int, k: int, tail, head, capacity, cost) -> None:
    """Raises ValueError unless the k arcs are over nodes 0..n-1 with capacities the simplex
    holds (numba does not check indices: a node beyond the last is written out of bounds)."""
    if any(array.shape != (k,) for array in (tail, head, capacity, cost)):
        raise ValueError("tail, head, capacity and cost must be arrays of one length")
    if k and (min(tail.min(), head.min()) < 0 or max(tail.max(), head.max()) >= n):
        raise ValueError(f"an arc's end is not one of the {n} nodes")
    if k and (capacity.min() < 0 or capacity.max() > LARGEST_CAPACITY):
        raise ValueError(f"capacities must lie in 0..{LARGEST_CAPACITY}")


class WarmFlow:
    """An optimal flow kept as a network simplex basis: :meth:`add` arcs, :meth:`solve` again.

    ``network`` is the (tail, head, capacity, cost) arrays of a network over ``n_nodes`` nodes,
    ``flows`` an optimal flow on it and ``potentials`` node potentials that prove it (every arc
    strictly between its bounds at zero reduced cost ``cost + p[tail] - p[head]``, as
    :func:`matching.pricing.least_potentials` gives). Raises :class:`NoBasis` otherwise.
    """

    def __init__(self, n_nodes: int, network, flows, potentials) -> None:
        self.n = n_nodes
        self._arcs = tuple(np.zeros(n_nodes + len(network[0]), np.int64) for _ in range(6))
        self.m = n_nodes
        self._largest_cost = 0
        self.add(*network)
        flows = np.asarray(flows, dtype=np.int64)
        potentials = np.asarray(potentials, dtype=np.int64)
        if flows.shape != (self.m - n_nodes,) or potentials.shape != (n_nodes,) or \
                (flows < 0).any() or (flows > self._arcs[2][n_nodes:self.m]).any():
            raise ValueError("a flow per arc within its capacity, a potential per node")
        self._arcs[5][n_nodes:self.m] = flows
        self._tree = tuple(np.zeros(n_nodes + 1, np.int64) for _ in range(8))
        self._dirty = np.zeros(n_nodes + 2, np.int64)
        self._start = n_nodes
        self.pivots = 0
        self._largest_potential = int(np.abs(potentials).max(initial=0))
        self._check_range()
        if not _basis(n_nodes, self.m, self._arcs, self._tree, potentials):
            raise NoBasis("the flow and potentials given are not an optimal basis")

    def _check_range(self) -> None:
        """Raises :class:`NoBasis` unless no potential or reduced cost can leave int64: a
        node's potential is an artificial arc's cost (a potential given) plus at most n - 1
        arc costs along its tree path, a reduced cost an arc's cost plus two potentials."""
        cost, potential = self._largest_cost, self._largest_potential
        if (2 * self.n + 1) * cost + 2 * potential >= 1 << 63:
            raise NoBasis("costs too large for the potentials in int64")

    def add(self, tail, head, capacity, cost) -> np.ndarray:
        """Appends arcs at zero flow; returns their positions in :attr:`network`. Raises
        ValueError (adding nothing) for an end that is not a node, a capacity below 0 or above
        :data:`LARGEST_CAPACITY`, or arrays of different lengths."""
        tail, head, capacity, cost = (np.asarray(x, dtype=np.int64)
                                      for x in (tail, head, capacity, cost))
        k = len(tail)
        _check_arcs(self.n, k, tail, head, capacity, cost)
        self._largest_cost = max(self._largest_cost, int(np.abs(cost).max(initial=0)))
        if self.m + k > len(self._arcs[0]):
            size = max(2 * len(self._arcs[0]), self.m + k)
            grown = tuple(np.zeros(size, np.int64) for _ in range(6))
            for old, new in zip(self._arcs, grown, strict=True):
                new[:self.m] = old[:self.m]
            self._arcs = grown
        where = slice(self.m, self.m + k)
        for array, values in zip(self._arcs, (tail, head, capacity, cost, LOWER, 0),
                                 strict=True):
            array[where] = values
        self.m += k
        return np.arange(self.m - k - self.n, self.m - self.n)

    def solve(self, deadline: float | None = None) -> None:
        """Pivots to an optimal flow on every arc added; raises :class:`NoBasis` if it stops
        short (a pivot limit far above what a run takes), :class:`Stopped` once
        ``time.perf_counter()`` passes ``deadline`` (checked before each :data:`CHUNK`
        pivots, the first included)."""
        self._check_range()
        block = max(int(np.sqrt(self.m - self.n)), 10)
        left = 50 * (self.m + 1)
        while left > 0:
            if deadline is not None and time.perf_counter() > deadline:
                raise Stopped("the deadline passed before the re-solve ended")
            start = self._start if self._start < self.m else self.n
            pivots, self._start, status = _pivot(self.n, self.m, start, block, self._arcs,
                                                 self._tree, self._dirty, min(CHUNK, left))
            self.pivots += pivots
            left -= pivots
            if status == OPTIMAL:
                return
            if status == UNBOUNDED:
                break
        raise NoBasis("the network simplex stopped before an optimal flow")

    @property
    def network(self) -> list[np.ndarray]:
        """The arcs (tail, head, capacity, cost), those given first, then as added."""
        return [array[self.n:self.m] for array in self._arcs[:4]]

    @property
    def flows(self) -> np.ndarray:
        """The flow on each arc of :attr:`network`."""
        return self._arcs[5][self.n:self.m]


def warm_up() -> None:
    """Loads the compiled pivots and pricing's kernels (:mod:`matching.pricing`,
    :mod:`matching.window`): numba compiles them on first use, about 12 s, and caches them
    beside their modules; loading them takes about 0.5 s. A worker calls it at start, so a run
    does not wait for it."""
    network = [np.array(values, dtype=np.int64) for values in ([0], [1], [1], [1])]
    warm = WarmFlow(2, network, np.array([1]), np.array([0, 1]))
    warm.add(np.array([0]), np.array([1]), np.array([1]), np.array([0]))
    warm.solve()
    pricing.warm_up()
