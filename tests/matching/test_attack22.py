"""Attacks on the first arcs' compiled loops (:mod:`matching.blocks`): each test failed before
its fix."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import matching

_BLOCK_SCORE = """
import numpy as np
from matching.blocks import block_scores
from matching.generate import small_instance
from matching.prepare import prepare_layer

problem = small_instance(5, people=14, cadres=5, volunteers=4, sponsors=0)
layer = prepare_layer(problem, "volunteer").layer
score = block_scores(layer, np.arange(len(layer.helper_ids)), np.arange(len(layer.person_ids)))
print(score.tolist())
"""


def test_a_block_is_scored_by_the_rule_of_today_not_of_its_cache(tmp_path):
    """``blocks._scores`` called :func:`matching.window._fit`, a compiled function of another
    file: numba's cache (``cache=True``) of a function is invalidated only when its own file
    changes, so a rule changed in ``window.py`` (where pricing reads it, compiled anew) left
    the first arcs scored by the old one from the cache: the flow's scores and eligibility
    apart from pricing's and the objective's, a proof that does not hold."""
    shutil.copytree(Path(matching.__file__).parent, tmp_path / "matching",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "NUMBA_CACHE_DIR": str(tmp_path / "c")}
    script = tmp_path / "score.py"
    script.write_text(_BLOCK_SCORE)

    def run(cache: str = "c"):
        done = subprocess.run([sys.executable, str(script)],
                              env=env | {"NUMBA_CACHE_DIR": str(tmp_path / cache)},
                              cwd=tmp_path, capture_output=True, text=True, check=True)
        return done.stdout

    before = run()  # compiled and cached with today's rule
    window = tmp_path / "matching" / "window.py"
    rule = "fit += per_skill * _bits(skills[word] & needs[word])"
    assert rule in window.read_text()
    window.write_text(window.read_text().replace(rule, rule.replace("per_skill", "3 * per_skill")))
    fresh = run("fresh")  # the changed rule, compiled from nothing
    assert fresh != before
    assert run() == fresh
