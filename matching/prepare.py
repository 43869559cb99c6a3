"""A layer made ready to solve or score, and :func:`evaluate`, the objective of any pair set.

:func:`matching.solve` and the baselines prepare each layer with :func:`prepare_layer`: its
arrays, its candidate arcs and the reward group of each person. So they solve the same rules
and their objectives compare directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .candidates import Arcs, arcs
from .layers import LAYERS, Layer, build_layer
from .model import Pair, Problem
from .scoring import layer_objective, layer_of, reward_groups
from .vocabulary import vocabulary


@dataclass(frozen=True, eq=False)
class PreparedLayer:
    """One layer with its candidate arcs, the reward group of each person and each group's
    (top, num, den) schedule; the street codes and forbidden pairs let pricing check every
    eligible pair."""

    layer: Layer
    arcs: Arcs
    groups: np.ndarray
    schedule: list[tuple[int, int, int]]
    streets: dict[str, int]
    forbidden: frozenset

    def objective(self, helpers, people) -> int:
        """Objective of this layer's pairs (helper and person indices, locked included)."""
        return layer_objective(self.layer, self.groups, self.schedule, helpers, people)


def prepare_layer(problem: Problem, name: str, codes=None, prune: bool = True) -> PreparedLayer:
    """Layer ``name`` of ``problem``, over the shared vocabulary ``codes`` (built if None);
    ``prune``: see :func:`matching.candidates.arcs`."""
    codes = codes or vocabulary(problem)
    layer = build_layer(problem, name, codes)
    groups, schedule = reward_groups(problem, name, codes)
    candidates = arcs(layer, codes.streets, problem.forbidden, problem.candidate_limit, prune)
    return PreparedLayer(layer, candidates, groups, schedule, codes.streets, problem.forbidden)


def evaluate(problem: Problem, pairs: Iterable[Pair | tuple]) -> dict[str, int]:
    """Objective of a pair set, split into layers "cadre", "volunteer", "sponsor"."""
    codes = vocabulary(problem)
    keys = [pair.key if isinstance(pair, Pair) else tuple(pair) for pair in pairs]
    person_at = {person_id: i for i, person_id in enumerate(codes.person_ids.tolist())}
    parts = {}
    for name in LAYERS:
        layer = build_layer(problem, name, codes)
        helper_at = {helper_id: i for i, helper_id in enumerate(layer.helper_ids.tolist())}
        mine = [(helper_at[helper_id], person_at[person_id])
                for kind, helper_id, person_id in keys if layer_of(kind) == name]
        helpers, people = (list(x) for x in zip(*mine, strict=True)) if mine else ([], [])
        groups, schedule = reward_groups(problem, name, codes)
        parts[name] = layer_objective(layer, groups, schedule, helpers, people)
    return parts
