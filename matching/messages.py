"""What the optimiser reports, as data: a code and its named parameters.

Why a pair was chosen, why a person has no helper, which rules conflict and what a run notes are
all :class:`Message` values. Numbers stay numbers and code names stay code names (a rank is
"district_leader", a skill "medical"); `matching` writes no prose, `charity` words each code in
the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType

#: Every code the optimiser reports, with the names of its parameters.
CODES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    # Why a pair was chosen (Pair.reasons); "rematch" is also Rematch.reason on success.
    "locked": (),
    "rematch": (),
    "suggested": (),  # suggested to a helper with room left (matching.suggest)
    "priority": ("mark",),  # the person's highest priority mark: "tekun", "orphan", ...
    "continuity": (),
    "same_community": (),
    "same_street": (),
    "cross_street": (),
    "skill": ("skill",),  # a need of the person the helper has the skill for
    "designation": ("to",),  # a sponsor's street or need; None: where most needed
    # Why a person has no helper (Result.unmatched, Rematch.reason).
    "no_cadre_serves_street": (),
    "no_helper_with_skill": ("skills",),
    "forbidden_with_all_eligible": (),
    "no_cadre_left": (),
    "stopped_before_placed": (),  # an eligible cadre has room: the run stopped before its proof
    "no_volunteer_left": (),
    "no_sponsor_left": (),
    "already_paired": (),
    "no_person_fits": (),  # matching.suggest: nobody left fits the helper
    # Rules that conflict (Result.conflicts); below_minimum is ((rank, cadres), ...).
    "locked_pair_invalid": ("kind", "helper_id", "person_id"),
    "locked_pair_forbidden": ("kind", "helper_id", "person_id"),
    "locked_over_quota": ("kind", "helper_id", "locked", "maximum"),
    "rank_quota_unreachable": ("street", "rank", "cadres", "need", "eligible"),
    "street_quota_unreachable": ("street", "cadres", "need", "eligible", "below_minimum"),
    "quota_taken": ("street", "below_minimum"),
    # Notes (Result.notes, Rematch.notes); tolerance is in percentage points.
    "street_below_balance": ("street", "covered", "total", "district_covered", "district_total",
                             "tolerance"),
    "cadre_below_quota": ("cadre_id", "paired", "minimum"),
    # Why a household's members have different cadres (Result.households.split_households).
    "household_locked_apart": (),  # its members are locked to different cadres
    "household_streets_apart": ("streets",),  # no cadre may serve all of its streets
    "household_no_common_cadre": (),  # a skill or a forbidden pair: no cadre for all of them
    # above what every eligible cadre may take: its quota maximum less its other locked pairs
    "household_too_large": ("size", "maximum"),
    "household_quota_taken": ("size",),  # every cadre who could take it keeps another one
    "household_minimums": ("size",),  # one could, but another cadre would fall below minimum
    "household_not_fitted": ("size",),  # kept together, others would lose their cadre
})


@dataclass(frozen=True)
class Message:
    """One thing the optimiser reports: a code of :data:`CODES` and its parameters."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        """Computed once per message (a district's pairs share a few, each hashed again when
        it is sent to a worker); the parameters never change."""
        return hash((self.code, tuple(sorted(self.params.items()))))

    def __repr__(self) -> str:
        return f"Message({self.code!r}, {dict(self.params)!r})"

    def __reduce__(self):
        return Message, (self.code, dict(self.params))

    def as_json(self) -> dict:
        """The message as it is stored: ``{"code": ..., "params": {...}}``, tuples as lists."""
        return {"code": self.code,
                "params": {name: _plain(value) for name, value in self.params.items()}}


def _plain(value):
    return [_plain(item) for item in value] if isinstance(value, tuple) else value


@lru_cache(maxsize=4096)
def message(code: str, **params) -> Message:
    """The message ``code`` with ``params``; both must match :data:`CODES`. Values are shared,
    which keeps a district's worth of pair reasons cheap."""
    if code not in CODES or set(params) != set(CODES[code]):
        raise ValueError(f"unknown message {code} with {sorted(params)}")
    return Message(code, params)
