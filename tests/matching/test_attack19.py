"""Attacks on pricing's compiled kernels (:mod:`matching.pricing`): each test failed before
its fix."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

import matching
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


_WINDOW_SCORE = """
import numpy as np
from matching import scoring
from matching.candidates import Arcs, scored
from matching.generate import small_instance
from matching.prepare import prepare_layer
from matching.pricing import price

problem = small_instance(5, people=14, cadres=5, volunteers=4, sponsors=0)
prepared = prepare_layer(problem, "volunteer")
layer, empty = prepared.layer, np.zeros(0, dtype=np.int64)
priced = price(layer, prepared.streets, problem.forbidden, Arcs(empty, empty, empty),
               np.zeros(len(layer.helper_ids), dtype=np.int64),
               np.full(len(layer.person_ids), 100), keep=1000)
found = priced.arcs
same = found.score.tolist() == scored(layer, found.helper, found.person).tolist()
print(scoring.W_SKILL, scoring.W_PROXIMITY, same, len(found.score))
"""


def test_the_window_scores_with_the_weights_of_today_not_of_its_cache(tmp_path):
    """``window.negatives`` read ``W_PROXIMITY`` and ``W_SKILL`` of :mod:`matching.scoring`
    as globals: numba freezes a global into the compiled code, and its cache (``cache=True``)
    is invalidated only when ``window.py`` itself changes. A weight changed in ``scoring.py``
    left pricing scoring pairs with the old weights, apart from the flow's: pairs missed, a
    proof and a bound that do not hold."""
    shutil.copytree(Path(matching.__file__).parent, tmp_path / "matching",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "NUMBA_CACHE_DIR": str(tmp_path / "c")}
    script = tmp_path / "score.py"
    script.write_text(_WINDOW_SCORE)

    def run():
        done = subprocess.run([sys.executable, str(script)], env=env, cwd=tmp_path,
                              capture_output=True, text=True, check=True)
        return done.stdout.split()

    first = run()  # compiled and cached with today's weights
    assert first[2] == "True" and int(first[3]) > 0
    scoring = tmp_path / "matching" / "scoring.py"
    scoring.write_text(scoring.read_text().replace("W_SKILL = 1 ", "W_SKILL = 3 ")
                       .replace("W_PROXIMITY = 7 ", "W_PROXIMITY = 9 "))
    skill, proximity, same, pairs = run()
    assert (skill, proximity, same) == ("3", "9", "True")
    assert int(pairs) > 0
