"""Songtan pairing optimiser: pairs cadres, volunteers, organisations and sponsors with people.

Pure Python (numpy + OR-Tools); it imports neither Flask nor SQLAlchemy. Public API::

    solve(problem) -> Result  (OPTIMAL only when proven over every eligible pair; see
                               Result.layers: a LayerProof per layer, in priority order)
    rematch(problem, current, beneficiary_id, declined=(kind, helper_id)) -> Rematch
    evaluate(problem, pairs) -> {"cadre": int, "volunteer": int, "sponsor": int}
    district_instance(scale=1.0, seed=0) -> Problem

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

__all__ = [
    "CODES", "DEFAULT_QUOTAS", "WELFARE_HOME", "Beneficiary", "Cadre", "LayerProof", "Message",
    "Pair",
    "Problem", "Rematch", "Result", "Sponsor", "Volunteer", "district_instance", "evaluate",
    "rematch", "solve",
]
