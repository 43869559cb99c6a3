"""A :class:`Problem` or a :class:`Result` as JSON-able data and back, exactly: for sending a
component to another process (a job queue's JSON messages; never pickle, which would run code
from whoever can write to the queue).

Each value is plain JSON where JSON has it (str, int, float, bool, None); the rest is a dict of
one tag: ``{"t": [...]}`` a tuple, ``{"s": [...]}`` a frozenset, ``{"d": [[key, value], ...]}``
a mapping, ``{"c": name, "v": [...]}`` one of the model's dataclasses (its fields in order;
only the classes of :data:`CLASSES` are ever built), ``{"m": i}`` the i-th message of the
payload's message table (a district's pair reasons are a few distinct messages, shared). A set
of names that recurs (people's needs, helpers' skills) is one JSON object shared where it
recurs, and comes back one frozenset.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields, replace
from operator import attrgetter
from types import MappingProxyType

from . import model
from .messages import Message
from .model import Beneficiary, Cadre, LayerProof, Pair, Problem, Result, Sponsor, Volunteer

#: The only classes a payload may name.
CLASSES = {cls.__name__: cls for cls in (Beneficiary, Cadre, Volunteer, Sponsor, Problem, Pair,
                                         LayerProof, model.Households, Result)}
_FIELDS = {name: tuple(field.name for field in fields(cls)) for name, cls in CLASSES.items()}
#: every field of a class at once (a city sends a million people: one call per object)
_GET = {name: attrgetter(*names) if len(names) > 1 else (lambda value, one=names[0]: (
    getattr(value, one),)) for name, names in _FIELDS.items()}
#: values that are their own JSON, taken as they are without a call each
_PLAIN = frozenset({str, int, float, bool, type(None)})
_NAME = frozenset({str})  #: a set of names (a skill, a need, a flag, a street)


def _each(convert, values) -> list:
    """``convert`` of each of ``values`` but the plain ones, taken as they are."""
    plain = _PLAIN
    return [item if type(item) in plain else convert(item) for item in values]


class _Encoder:
    def __init__(self) -> None:
        self.messages: dict[Message, int] = {}
        self.names: dict[frozenset, dict] = {}  # a set of names -> its encoding, made once

    def __call__(self, value):
        if isinstance(value, Message):  # the most frequent: a pair's reasons
            found = self.messages.get(value)
            if found is None:
                found = self.messages[value] = len(self.messages)
            return {"m": found}
        if value is None or isinstance(value, (str, int, float)):
            return value
        if isinstance(value, tuple):
            return {"t": _each(self, value)}
        if type(value) is frozenset and set(map(type, value)) <= _NAME:
            found = self.names.get(value)
            if found is None:
                found = self.names[value] = {"s": list(value)}
            return found
        if isinstance(value, (frozenset, set)):  # a set comes back a frozenset (equal)
            return {"s": _each(self, value)}
        if isinstance(value, Mapping):
            return {"d": [[self(key), self(item)] for key, item in value.items()]}
        name = type(value).__name__
        if CLASSES.get(name) is not type(value):
            raise TypeError(f"cannot send a {name}")
        return {"c": name, "v": _each(self, _GET[name](value))}

    def table(self) -> list:
        return [[message.code, self({**message.params})] for message in self.messages]


class _Decoder:
    def __init__(self, table: list) -> None:
        self.messages: list[Message] = []
        self.names: dict[tuple, frozenset] = {}
        for code, params in table:
            self.messages.append(Message(code, self(params)))

    def __call__(self, value):
        if not isinstance(value, dict):
            if isinstance(value, list):
                raise ValueError("a list outside a tag")
            return value
        (tag, body), = value.items() if len(value) == 1 else ((None, None),)
        if tag is None and set(value) == {"c", "v"}:
            cls = CLASSES[value["c"]]  # KeyError: a class no payload may name
            return cls(*_each(self, value["v"]))
        if tag == "m":
            return self.messages[body]
        if tag == "t":
            return tuple(_each(self, body))
        if tag == "s":
            if set(map(type, body)) <= _NAME:  # a set of names: people share a few
                key = tuple(body)
                found = self.names.get(key)
                if found is None:
                    found = self.names[key] = frozenset(key)
                return found
            return frozenset(_each(self, body))
        if tag == "d":
            return MappingProxyType({self(key): self(item) for key, item in body})
        raise ValueError(f"unknown tag {sorted(value)}")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a payload is built or read: both make hundreds
    of thousands of containers, none of them in a cycle, and each make of many starts a
    collection that walks every object the process holds (in a process that holds a city, a
    component's load took 0.19 s with it, 0.07 s without). Resumed after, if it ran before."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def dump(value: Problem | Result) -> dict:
    """``value`` as JSON-able data (see the module's doc)."""
    encode = _Encoder()
    with _collector_paused():
        body = encode(value)
        return {"messages": encode.table(), "value": body}


def dump_parts(problem: Problem, parts: list[Problem]) -> list[tuple[dict, list[str]]]:
    """(JSON, layers) of each part of ``problem`` (:func:`matching.work_parts`): the parts of
    one component (:func:`matching.by_layer`, which shares the component's people) share one
    JSON of the component, with ``problem``'s layers, built once (at 10x a district it takes
    about 2 s); each names the layers it solves (:func:`load_part`).

    Parts share a JSON only when they hold the very same objects in every field but
    ``layers`` (:func:`_same`): not when only their people are one object, as the one empty
    tuple is for every component with nobody (streets with cadres and no people yet)."""
    dumped: dict[tuple[int, ...], dict] = {}
    out = []
    for part in parts:
        key = _same(part)
        if key not in dumped:
            dumped[key] = dump(replace(part, layers=problem.layers))
        out.append((dumped[key], list(part.layers)))
    return out


def _same(part: Problem) -> tuple[int, ...]:
    """The identities of ``part``'s fields but ``layers``: equal for two live parts only if
    they are one problem but for the layers they solve."""
    return tuple(id(getattr(part, name)) for name in _FIELDS["Problem"] if name != "layers")


def load_part(payload: dict, layers: list[str] | None = None) -> Problem:
    """The part :func:`dump_parts` sent as ``payload`` and ``layers``: the component, solving
    ``layers`` (all of its own if None). Raises ValueError for layers a problem cannot solve
    (:class:`Problem`), TypeError for a payload that is not a problem."""
    part = load(payload)
    if not isinstance(part, Problem):
        raise TypeError("the payload is not a problem")
    return part if layers is None else replace(part, layers=tuple(layers))


def load(payload: dict) -> Problem | Result:
    """The :class:`Problem` or :class:`Result` that :func:`dump` gave ``payload`` for."""
    with _collector_paused():
        return _Decoder(payload["messages"])(payload["value"])
