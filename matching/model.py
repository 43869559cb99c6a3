"""Frozen dataclasses that describe a pairing problem and its result.

The solver takes a :class:`Problem` and returns a :class:`Result`; nothing here knows about
Flask or SQLAlchemy. Collections are tuples and frozensets so that instances stay immutable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from .messages import Message

CATEGORIES = ("dibao", "tekun", "filed_hardship")
FLAGS = ("orphan", "disabled", "seriously_ill", "elderly_alone", "student")
NEEDS = ("medical", "education", "employment", "elderly_care", "housing", "psychological")
RANKS = ("district_leader", "division_leader", "staff")
HELPER_KINDS = ("cadre", "volunteer", "sponsor")
DEFAULT_QUOTAS = (("district_leader", (2, 3)), ("division_leader", (1, 2)), ("staff", (1, 1)))
WELFARE_HOME = "福利院"


@dataclass(frozen=True)
class Beneficiary:
    """A person in hardship, registered in one street (or the welfare home)."""

    id: int
    street: str
    community: str
    category: str = "dibao"
    flags: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    required_skills: frozenset[str] = frozenset()
    current_cadre_id: int | None = None
    current_volunteer_id: int | None = None
    household_id: int | None = None  #: members of one household go with one cadre if they can


@dataclass(frozen=True)
class Cadre:
    """An official of a district department; the group is paired with ``group_street``."""

    id: int
    rank: str
    group_street: str
    home_community: str | None = None
    cross_street_allowed: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    #: people the cadre is paired with outside the problem (a street's run: in other streets);
    #: they count against the quota of the rank (:func:`matching.layers.quota_bounds`)
    elsewhere: int = 0
    #: another department group's cadre in a street's run, who may keep this many of its
    #: people: the run holds them to no more of their minimum than that (their own street's
    #: run meets the rest); None: the whole minimum (:func:`matching.layers.quota_bounds`)
    keeps: int | None = None

    def __post_init__(self) -> None:
        if self.elsewhere < 0:
            raise ValueError("a cadre's people elsewhere are not negative")
        if self.keeps is not None and self.keeps < 0:
            raise ValueError("the people a cadre keeps are not negative")


@dataclass(frozen=True)
class Volunteer:
    """A volunteer (``kind="volunteer"``) or a social organisation (``kind="organisation"``)."""

    id: int
    kind: str = "volunteer"
    skills: frozenset[str] = frozenset()
    capacity: int = 1
    home_community: str | None = None
    home_street: str = ""
    travel_streets: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError("capacity must not be negative")

    @property
    def streets(self) -> frozenset[str]:
        """Streets this helper may serve; the home street is always included ("": none, which
        is no street of anyone's)."""
        return self.travel_streets | {self.home_street} if self.home_street else \
            self.travel_streets


@dataclass(frozen=True)
class Sponsor:
    """A donor's pledge: ``budget_fen`` funds people at ``unit_fen`` each.

    ``designation`` is None (where most needed), a street name, or a need such as "education".
    """

    id: int
    budget_fen: int
    unit_fen: int
    designation: str | None = None

    def __post_init__(self) -> None:
        if not all(isinstance(x, int) for x in (self.budget_fen, self.unit_fen)):
            raise TypeError("money is an integer count of fen, never a float")
        if self.unit_fen <= 0 or self.budget_fen < 0:
            raise ValueError("unit_fen must be positive and budget_fen not negative")


LAYER_NAMES = ("cadre", "volunteer", "sponsor")  #: the helper layers, in priority order
PAIR_KINDS = ("cadre", "volunteer", "organisation", "sponsor")  #: a pair's helper kinds


@dataclass(frozen=True)
class Problem:
    """Everything the solver needs; pairs are ``(helper_kind, helper_id, beneficiary_id)``.

    ``candidate_limit`` keeps, per person, that many best eligible helpers of each kind from the
    person's community neighbourhood (see ``matching.candidates``; the cadres at most
    ``matching.candidates.FIRST``) as the first candidate arcs; None starts from every eligible
    arc. Either way pricing then checks every eligible pair and
    adds those that improve the flow until none is left (see ``matching.pricing``), so the
    result is optimal over the full rule set. ``time_limit_s`` and ``pricing_rounds`` (re-solves
    per layer, None: no limit) stop that early, with a true bound and the gap; ``time_limit_s``
    also bounds the CP-SAT baseline. Results are deterministic; ``seed`` is recorded for the
    generator only. ``sponsor_spread`` is (weighted need, units of money) of the whole
    district, the scale of the sponsor layer's street rewards; None: this problem's own (a
    component made by :func:`matching.split.components` keeps its district's). ``layers`` are
    the layers to solve, of :data:`LAYER_NAMES`: every one, or one alone, a part that another
    worker solves beside the others (:func:`matching.split.by_layer`).
    """

    beneficiaries: tuple[Beneficiary, ...]
    cadres: tuple[Cadre, ...] = ()
    volunteers: tuple[Volunteer, ...] = ()
    sponsors: tuple[Sponsor, ...] = ()
    locked: tuple[tuple[str, int, int], ...] = ()
    forbidden: frozenset[tuple[str, int, int]] = frozenset()
    quotas: tuple[tuple[str, tuple[int, int]], ...] = DEFAULT_QUOTAS
    balance_tolerance: int = 5
    time_limit_s: float = 60.0
    welfare_home_street: str = WELFARE_HOME
    seed: int = 0
    candidate_limit: int | None = 12
    pricing_rounds: int | None = None
    sponsor_spread: tuple[int, int] | None = None
    layers: tuple[str, ...] = LAYER_NAMES

    def __post_init__(self) -> None:
        object.__setattr__(self, "forbidden", frozenset(self.forbidden))
        object.__setattr__(self, "locked", tuple(self.locked))
        layers = tuple(self.layers)
        if not layers or layers != tuple(name for name in LAYER_NAMES if name in layers):
            raise ValueError(f"layers must be some of {LAYER_NAMES}, in that order")
        object.__setattr__(self, "layers", layers)
        if any(not 0 <= low <= high for _, (low, high) in self.quotas):
            raise ValueError("a quota is (minimum, maximum) with 0 <= minimum <= maximum")
        if any(kind not in PAIR_KINDS for kind, _, _ in self.locked):
            raise ValueError(f"a locked pair's helper kind is one of {PAIR_KINDS}")

    def quota(self, rank: str) -> tuple[int, int]:
        """(minimum, maximum) number of people a cadre of ``rank`` pairs with."""
        return _quota_table(self.quotas)[rank]


@lru_cache(maxsize=16)
def _quota_table(quotas: tuple[tuple[str, tuple[int, int]], ...]) -> dict[str, tuple[int, int]]:
    return dict(quotas)


@dataclass(frozen=True)
class Pair:
    """One pairing, with the reasons it was chosen (messages such as "priority", "continuity")."""

    helper_kind: str
    helper_id: int
    beneficiary_id: int
    reasons: tuple[Message, ...] = ()

    @property
    def key(self) -> tuple[str, int, int]:
        """``(helper_kind, helper_id, beneficiary_id)`` without the reasons."""
        return (self.helper_kind, self.helper_id, self.beneficiary_id)


@dataclass(frozen=True)
class LayerProof:
    """How far one layer's optimum is proven, for the priority order of the layers (cadres,
    then volunteers and organisations, then sponsors; no later layer changes an earlier one).

    ``status`` is OPTIMAL when no eligible pair left out has a negative reduced cost (proven
    over every eligible pair), FEASIBLE when the run stopped before that (``bound`` is then a
    true upper bound of the layer's optimum), INFEASIBLE when its hard rules cannot all hold,
    UNKNOWN when it stopped early with a quota minimum unmet that is not shown impossible.
    ``rounds`` counts re-solves after pricing, ``arcs`` the arcs of the last solve and
    ``checked`` the eligible pairs priced after it.
    """

    layer: str
    status: str
    objective: int
    bound: int
    rounds: int = 0
    arcs: int = 0
    checked: int = 0
    cost: int = 0  #: what the household rule took from the layer's optimum (cadres only)

    @property
    def gap(self) -> float:
        """(bound - cost - objective) / bound, 0.0 when proven: ``bound`` bounds the layer's
        objective before the household rule, whose ``cost`` is reported, not a gap."""
        return (self.bound - self.cost - self.objective) / max(abs(self.bound), 1)


#: Parts of the cadre layer whose change the household rule reports (before - after).
COST_PARTS = ("objective", "people", "priority", "continuity", "proximity", "skill")


@dataclass(frozen=True)
class Households:
    """What the household rule did in the cadre layer.

    ``households``: households with two or more members paired with cadres; ``split``: those
    whose members have different cadres; ``bound``: a proven lower bound of ``split`` for the
    people covered (so ``split == bound`` is proven minimal); ``before``: split households of
    the layer's optimum before the rule; ``cost``: each part of the layer (see
    :data:`COST_PARTS`) before the rule minus after; ``split_households``: (household id, why)
    of each split household.
    """

    households: int = 0
    split: int = 0
    bound: int = 0
    before: int = 0
    cost: dict = field(default_factory=dict)
    split_households: tuple[tuple[int, Message], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost", MappingProxyType(
            {part: int(self.cost.get(part, 0)) for part in COST_PARTS}))

    @property
    def proven(self) -> bool:
        """Whether the split count is proven minimal: it meets its lower bound."""
        return self.split == self.bound


def _frozen_map(value: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class Result:
    """Outcome of :func:`matching.solve`.

    ``coverage`` and ``volunteer_coverage`` map street -> (covered, total); coverage means a cadre
    pairing. ``unmatched`` lists (beneficiary_id, reason message) for people without a cadre.
    ``quota_violations`` lists (cadre_id, rank, assigned, minimum, maximum).
    ``parts`` splits the objective into "cadre", "volunteer" and "sponsor". ``notes`` names
    streets left below district coverage minus the tolerance (capacity does not allow more).
    ``status`` is OPTIMAL only when every layer is proven optimal over every eligible pair
    (``layers``, in priority order), FEASIBLE when a run stopped early (``bound`` is then a true
    upper bound, the sum of the layers' bounds), INFEASIBLE when hard rules conflict, UNKNOWN
    when a run stopped early with a quota minimum unmet and not shown impossible (no conflict
    is named then: see ``quota_violations``).
    """

    status: str
    objective: int
    bound: int
    seconds: float
    pairs: tuple[Pair, ...]
    coverage: Mapping[str, tuple[int, int]] = field(default_factory=_frozen_map)
    volunteer_coverage: Mapping[str, tuple[int, int]] = field(default_factory=_frozen_map)
    unmatched: tuple[tuple[int, Message], ...] = ()
    conflicts: tuple[Message, ...] = ()
    quota_violations: tuple[tuple[int, str, int, int, int], ...] = ()
    parts: Mapping[str, int] = field(default_factory=_frozen_map)
    notes: tuple[Message, ...] = ()
    layers: tuple[LayerProof, ...] = ()
    households: Households = field(default_factory=Households)

    @property
    def gap(self) -> float:
        """(bound - household rule's cost - objective) / bound, 0.0 when proven."""
        cost = sum(proof.cost for proof in self.layers)
        return (self.bound - cost - self.objective) / max(abs(self.bound), 1)


@dataclass(frozen=True)
class Rematch:
    """Outcome of :func:`matching.rematch` for one person after a decline.

    ``pair`` is the new pairing or None; ``reason`` is the message "rematch" or says why not.
    ``pairs`` is the whole new pair set, identical to the old one except for the declined pair
    and the new one.
    """

    beneficiary_id: int
    pair: Pair | None
    reason: Message
    pairs: tuple[Pair, ...]
    seconds: float
    notes: tuple[Message, ...] = ()
