"""A problem seen as three helper layers (cadre, volunteer, sponsor) in numpy arrays.

Two pairing rules live here, each once: the streets a helper may serve, and the quota bounds
(a cadre's rank quota, a volunteer's capacity, a sponsor's budget in whole units). A layer lists
its helpers with the bounds left after locked pairs, the people still free in it, and bit masks
of skills and needs over the problem's shared
:class:`~matching.vocabulary.Vocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .messages import Message, message
from .model import LAYER_NAMES, NEEDS, Beneficiary, Problem
from .scoring import helper_home, layer_of
from .vocabulary import Vocabulary, masks

LAYERS = LAYER_NAMES  #: in priority order: each is solved after the last


@dataclass(frozen=True, eq=False)
class Layer:
    """Arrays of one helper layer: ``helper_*`` per helper (sorted by id), ``person_*`` per
    person of the vocabulary; ``lower``/``upper`` are the quota bounds left after locked pairs."""

    name: str
    helpers: list
    kinds: list[str]
    people: list[Beneficiary]
    mask_names: tuple[str, ...]  #: the skill or need of each bit of a mask
    helper_ids: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    helper_street: np.ndarray  #: home street code, -1 if none
    helper_community: np.ndarray  #: home community code, -2 if none
    helper_skills: np.ndarray
    helper_needs: np.ndarray  #: a sponsor's designated need
    helper_streets: np.ndarray  #: street code x helper: may serve that street
    person_ids: np.ndarray
    person_free: np.ndarray  #: not held by a locked pair of this layer
    person_street: np.ndarray
    person_community: np.ndarray
    person_needs: np.ndarray
    person_required: np.ndarray
    person_current: np.ndarray
    person_priority: np.ndarray
    locked: list[tuple[int, int]]  #: (helper index, person index) of valid locked pairs
    conflicts: list[Message]
    violations: list[tuple[int, str, int, int, int]]


def quota_bounds(problem: Problem, layer: str, helper) -> tuple[int, int]:
    """(minimum, maximum) people ``helper`` pairs with: each cadre within the quota of their
    rank, less the people they are paired with ``elsewhere`` (outside the problem), the minimum
    at most what they ``keeps`` if given, a volunteer or organisation within capacity, a sponsor
    within budget in whole units."""
    if layer == "cadre":
        minimum, maximum = problem.quota(helper.rank)
        minimum = max(minimum - helper.elsewhere, 0)
        if helper.keeps is not None:
            minimum = min(minimum, helper.keeps)
        return minimum, max(maximum - helper.elsewhere, 0)
    if layer == "volunteer":
        return 0, helper.capacity
    return 0, helper.budget_fen // helper.unit_fen


def allowed_streets(layer: str, helper, streets) -> frozenset[str]:
    """Streets ``helper`` may serve: a cadre the street of their group unless allowed more, a
    volunteer their home and travel streets, a sponsor its designated street (or any)."""
    if layer == "cadre":
        return helper.cross_street_allowed | {helper.group_street}
    if layer == "volunteer":
        return helper.streets
    if helper.designation is None or helper.designation in NEEDS:
        return frozenset(streets)
    return frozenset({helper.designation})


def serving(layer: str, helpers, street: str) -> tuple:
    """The ``helpers`` who may serve ``street``: those whose :func:`allowed_streets` hold it,
    without building the sets (a re-match asks it of every helper of a city)."""
    if layer == "cadre":
        return tuple(helper for helper in helpers
                     if street == helper.group_street or street in helper.cross_street_allowed)
    if layer == "volunteer":
        return tuple(helper for helper in helpers if street in helper.streets)
    return tuple(helper for helper in helpers if helper.designation is None
                 or helper.designation in NEEDS or helper.designation == street)


def pool_of(problem: Problem, layer: str) -> tuple:
    """The helpers of ``layer`` as the problem lists them."""
    return {"cadre": problem.cadres, "volunteer": problem.volunteers,
            "sponsor": problem.sponsors}[layer]


def helpers_of(problem: Problem, layer: str) -> list:
    """The helpers of ``layer``, sorted by id."""
    return sorted(pool_of(problem, layer), key=lambda helper: helper.id)


def _street_matrix(layer: str, helpers: list, streets: dict[str, int]) -> np.ndarray:
    out = np.zeros((len(streets), len(helpers)), dtype=bool)
    columns_of: dict[frozenset, list[int]] = {}  # helpers share their streets
    for column, helper in enumerate(helpers):
        columns_of.setdefault(allowed_streets(layer, helper, streets), []).append(column)
    for allowed, columns in columns_of.items():
        rows = [streets[street] for street in allowed if street in streets]
        out[np.ix_(rows, columns)] = True
    return out


def _locked(problem: Problem, layer: str, helpers: list, people: list):
    """(helper index, person index) of the valid locked pairs of ``layer``, and conflicts."""
    helper_at = {helper.id: i for i, helper in enumerate(helpers)}
    person_at = {person.id: i for i, person in enumerate(people)}
    locked, conflicts, taken = [], [], set()
    for kind, helper_id, person_id in sorted(problem.locked):
        if layer_of(kind) != layer:
            continue
        names = {"kind": kind, "helper_id": helper_id, "person_id": person_id}
        if helper_id not in helper_at or person_id not in person_at or person_id in taken or \
                _kind(layer, helpers[helper_at[helper_id]]) != kind:  # not the helper named
            conflicts.append(message("locked_pair_invalid", **names))
            continue
        if (kind, helper_id, person_id) in problem.forbidden:
            conflicts.append(message("locked_pair_forbidden", **names))
        taken.add(person_id)
        locked.append((helper_at[helper_id], person_at[person_id]))  # locked pairs kept
    return locked, conflicts


def _kind(layer: str, helper) -> str:
    """The helper kind of ``helper`` of ``layer``, as pairs name it."""
    return helper.kind if layer == "volunteer" else layer


#: The largest quota bound a layer holds: a capacity or a budget above it is taken as it (more
#: people than any problem holds), so that the sums of the bounds stay within 64 bits.
MOST = 2**31


def _bounds(problem: Problem, layer: str, helpers: list, kinds: list, locked: list):
    """Quota bounds left after locked pairs (each at most :data:`MOST`), and the helpers whose
    locked pairs exceed them."""
    bounds = np.array([[min(bound, MOST) for bound in quota_bounds(problem, layer, helper)]
                       for helper in helpers], dtype=np.int64).reshape(-1, 2)
    minimum, maximum = bounds[:, 0], bounds[:, 1]
    held = np.bincount([helper for helper, _ in locked], minlength=len(helpers))
    violations, conflicts = [], []
    for i in np.flatnonzero(held > maximum).tolist():  # locked pairs count toward the quota
        helper, count = helpers[i], int(held[i])
        violations.append(_over(problem, layer, helper, kinds[i], count,
                                (int(minimum[i]), int(maximum[i]))))
        conflicts.append(message("locked_over_quota", kind=kinds[i], helper_id=helper.id,
                                 locked=count, maximum=int(maximum[i])))
    return np.maximum(minimum - held, 0), np.maximum(maximum - held, 0), violations, conflicts


def cadre_violation(problem: Problem, cadre, count: int) -> tuple:
    """(cadre id, rank, people, minimum, maximum) of a cadre outside their rank's quota with
    ``count`` people in the problem: their people ``elsewhere`` counted, the rank's quota."""
    return (cadre.id, cadre.rank, count + cadre.elsewhere, *problem.quota(cadre.rank))


def _over(problem: Problem, layer: str, helper, kind: str, count: int,
          bounds: tuple[int, int]) -> tuple:
    """The violation of ``helper`` whose ``count`` locked pairs exceed ``bounds``: a cadre's as
    a cadre below the minimum's (:func:`cadre_violation`)."""
    if layer == "cadre":
        return cadre_violation(problem, helper, count)
    return (helper.id, kind, count, *bounds)


def build_layer(problem: Problem, layer: str, vocabulary: Vocabulary) -> Layer:
    """Arrays of ``layer`` over the problem's shared ``vocabulary``."""
    helpers = helpers_of(problem, layer)
    if any(one.id == other.id for one, other in pairwise(helpers)):
        raise ValueError(f"two {layer} helpers share an id (a volunteer and an organisation "
                         "are one layer: one id each)")
    if helpers and helpers[0].id < 0:  # -1 is a person's "no current helper" (continuity)
        raise ValueError(f"a {layer} helper's id is negative")
    kinds = [_kind(layer, helper) for helper in helpers]
    locked, conflicts = _locked(problem, layer, helpers, vocabulary.people)
    lower, upper, violations, over = _bounds(problem, layer, helpers, kinds, locked)
    streets, communities = vocabulary.streets, vocabulary.communities
    homes = [helper_home(kind, helper) for kind, helper in zip(kinds, helpers, strict=True)]
    every_skill = set(vocabulary.names) if layer == "sponsor" else None
    designated = [{helper.designation} & set(NEEDS) if layer == "sponsor" else set()
                  for helper in helpers]
    free = np.ones(len(vocabulary.people), dtype=bool)
    free[[person for _, person in locked]] = False
    return Layer(
        name=layer, helpers=helpers, kinds=kinds, people=vocabulary.people,
        mask_names=tuple(sorted(vocabulary.names, key=vocabulary.names.get)),
        helper_ids=np.array([helper.id for helper in helpers], dtype=np.int64),
        lower=lower, upper=upper,
        helper_street=np.array([streets.get(street, -1) for street, _ in homes],
                               dtype=np.int64),
        helper_community=np.array([communities.get(home, -2) for home in homes],
                                  dtype=np.int64),
        helper_skills=masks([every_skill or helper.skills for helper in helpers],
                             vocabulary.names, vocabulary.words),
        helper_needs=masks(designated, vocabulary.names, vocabulary.words),
        helper_streets=_street_matrix(layer, helpers, streets),
        person_ids=vocabulary.person_ids, person_free=free,
        person_street=vocabulary.person_street, person_community=vocabulary.person_community,
        person_needs=vocabulary.person_needs, person_required=vocabulary.person_required,
        person_current=vocabulary.current.get(layer, vocabulary.current["none"]),
        person_priority=vocabulary.person_priority,
        locked=locked, conflicts=conflicts + over, violations=violations,
    )
