"""Attacks on pricing's compiled kernels (:mod:`matching.pricing`): each test failed before
its fix."""

import numpy as np

from matching.pricing import _first_in_groups, first_of_groups


def _pairs():
    group = np.array([0, 0, 0, 1], dtype=np.int64)
    return group, np.array([-3, -1, -2, -5], dtype=np.int64), np.arange(4, dtype=np.int64)


def test_keeping_none_of_a_group_touches_no_slot_of_an_empty_heap():
    """With ``keep=0`` the kernel read and wrote ``heap[0]`` of an empty heap (out of bounds:
    numba does not check an index); its Python form shows it as an IndexError. The old ranks
    (``rank < keep``) kept no pair."""
    group, reduced, tie = _pairs()
    assert not _first_in_groups.py_func(group, reduced, tie, 2, 0).any()
    assert not first_of_groups(group, reduced, tie, 0).any()


def test_keeping_more_pairs_than_there_are_keeps_them_all():
    """A ``keep`` far above the pairs (every pair wanted) allocated a heap of ``keep`` slots:
    a MemoryError, or ValueError, where the old ranks kept every pair."""
    group, reduced, tie = _pairs()
    assert first_of_groups(group, reduced, tie, 2**40).all()
    assert first_of_groups(group, reduced, tie, 2**62).all()
