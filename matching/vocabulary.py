"""Integer codes shared by the layers of one problem: streets, communities, and the bits of
skill and need masks; and the arrays of the problem's people (sorted by id)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .model import NEEDS, Beneficiary, Problem
from .scoring import W_PRIORITY, level


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Integer codes shared by the layers of one problem, and the arrays of its people
    (sorted by id) that every layer shares."""

    streets: dict[str, int]
    communities: dict[tuple[str, str], int]
    names: dict[str, int]  #: skill or need -> bit of a mask
    words: int  #: 64-bit words per mask
    people: list[Beneficiary]
    person_ids: np.ndarray
    person_street: np.ndarray
    person_community: np.ndarray
    person_needs: np.ndarray
    person_required: np.ndarray  #: skills a helper must have
    person_priority: np.ndarray  #: W_PRIORITY x priority level
    current: dict[str, np.ndarray]  #: layer -> id of the person's current helper, or -1


def masks(sets, names: dict[str, int], words: int) -> np.ndarray:
    """Each set of skill or need names as a bit mask of ``words`` 64-bit words."""
    known: dict[frozenset, int] = {}  # many helpers share a set of skills
    bits = []
    for members in sets:
        key = members if isinstance(members, frozenset) else frozenset(members)
        value = known.get(key)
        if value is None:
            value = known[key] = sum(1 << names[name] for name in key)
        bits.append(value)
    out = np.zeros((len(bits), words), dtype=np.uint64)
    for word in range(words):
        out[:, word] = [(value >> (64 * word)) & (2**64 - 1) for value in bits]
    return out


def _current(people: list, attribute: str) -> np.ndarray:
    ids = [getattr(person, attribute) for person in people]
    return np.array([-1 if helper_id is None else helper_id for helper_id in ids], dtype=np.int64)


def vocabulary(problem: Problem) -> Vocabulary:
    """Integer codes for streets, (street, community) pairs, skills and needs, and the
    per-person arrays every layer shares (people sorted by id)."""
    people = sorted(problem.beneficiaries, key=lambda person: person.id)
    if any(one.id == other.id for one, other in pairwise(people)):
        raise ValueError("two people share an id")
    streets = {name: i for i, name in enumerate(sorted({person.street for person in people}))}
    communities = {key: i for i, key in enumerate(
        sorted({(person.street, person.community) for person in people}))}
    found = set(NEEDS)
    for person in people:
        found |= person.needs | person.required_skills
    for helper in (*problem.cadres, *problem.volunteers):
        found |= helper.skills
    names = {name: i for i, name in enumerate(sorted(found))}
    words = max(1, (len(names) + 63) // 64)
    return Vocabulary(
        streets=streets, communities=communities, names=names, words=words, people=people,
        person_ids=np.array([person.id for person in people], dtype=np.int64),
        person_street=np.array([streets[person.street] for person in people], dtype=np.int64),
        person_community=np.array([communities[person.street, person.community]
                                   for person in people], dtype=np.int64),
        person_needs=masks([person.needs for person in people], names, words),
        person_required=masks([person.required_skills for person in people], names, words),
        person_priority=np.array([W_PRIORITY * level(person) for person in people],
                                 dtype=np.int64),
        current={"cadre": _current(people, "current_cadre_id"),
                 "volunteer": _current(people, "current_volunteer_id"),
                 "none": np.full(len(people), -1, dtype=np.int64)})
