"""Songtan pairing optimiser: pairs cadres, volunteers, organisations and sponsors with people.

Pure Python (numpy + OR-Tools); it imports neither Flask nor SQLAlchemy. Public API::

    solve(problem) -> Result  (OPTIMAL only when proven over every eligible pair; see
                               Result.layers: a LayerProof per layer, in priority order)
    rematch(problem, current, beneficiary_id, declined=(kind, helper_id)) -> Rematch
    suggest(problem, current, helper=(kind, helper_id)) -> Suggestion (the next person for a
                               helper with room left)
    evaluate(problem, pairs) -> {"cadre": int, "volunteer": int, "sponsor": int}
    district_instance(scale=1.0, seed=0) -> Problem
    components(problem) -> [Problem]  (independent parts: no eligible pair links two)
    merge(results, problem=None) -> Result;  solve_split(problem) = merge of solved components
    by_layer(problem) -> [Problem]  (a part per layer, each solved apart: Problem.layers)
    work_parts(problem, layers_from) -> [Problem]  (components; large ones by layer too)
    Result.households -> Households  (the household rule of the cadre layer: split households
                                      left, a proven lower bound, why, and the rule's cost)

Results are data: reasons, conflicts and notes are :class:`Message` values (a code of
:data:`CODES` and its parameters) that the caller words in its user's language.
"""

from .generate import district_instance
from .messages import CODES, Message
from .model import (
    DEFAULT_QUOTAS,
    WELFARE_HOME,
    Beneficiary,
    Cadre,
    Households,
    LayerProof,
    Pair,
    Problem,
    Rematch,
    Result,
    Sponsor,
    Volunteer,
)
from .prepare import evaluate
from .rematch import rematch
from .solver import solve
from .split import by_layer, components, merge, solve_split, work_parts
from .suggest import Suggestion, suggest

__all__ = [
    "CODES", "DEFAULT_QUOTAS", "WELFARE_HOME", "Beneficiary", "Cadre", "Households",
    "LayerProof", "Message",
    "Pair",
    "Problem", "Rematch", "Result", "Sponsor", "Suggestion", "Volunteer", "by_layer",
    "components", "district_instance", "evaluate", "merge", "rematch", "solve", "solve_split",
    "suggest", "work_parts",
]
