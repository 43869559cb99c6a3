"""A :class:`Problem` or a :class:`Result` as JSON-able data and back, exactly: for sending a
component to another process (a job queue's JSON messages; never pickle, which would run code
from whoever can write to the queue).

Each value is plain JSON where JSON has it (str, int, float, bool, None); the rest is a dict of
one tag: ``{"t": [...]}`` a tuple, ``{"s": [...]}`` a frozenset, ``{"d": [[key, value], ...]}``
a mapping, ``{"c": name, "v": [...]}`` one of the model's dataclasses (its fields in order;
only the classes of :data:`CLASSES` are ever built), ``{"r": name, "v": [[...], ...]}`` a
tuple of two or more of one such class, as a list per field (a district's people and a
result's pairs: a column of ids is one list of ints, which JSON and the loader take in bulk;
a column of sets of names is ``{"n": [...]}``, each set's row in the payload's table ``sets``),
``{"k": [[...], ...]}`` a tuple of two or more tuples alike in length, as a list per place,
``{"u": i}`` the i-th tuple of messages of the payload's table ``reasons`` (a pair's reasons),
``{"m": i}`` the i-th message of the payload's message table (a district's pair reasons are a
few distinct messages, shared). A set of names that recurs outside a column is one
JSON object shared where it recurs, and comes back one frozenset. Payloads of the earlier form
(an object each, no tables) still load.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields, replace
from operator import attrgetter
from types import MappingProxyType

import orjson

from . import model
from .collector import collector_paused
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
_PLAIN = frozenset({str, int, bool, type(None)})  # floats: checked, they are few
_NAME = frozenset({str})  #: a set of names (a skill, a need, a flag, a street)
_INT = frozenset({int})  #: the rows of a table
#: how :func:`dumps` starts the text that json writes (:func:`_parsed`)
_WIDE = '{"wide":true,'


def _each(convert, values) -> list:
    """``convert`` of each of ``values`` but the plain ones, taken as they are."""
    plain = _PLAIN
    return [item if type(item) in plain else convert(item) for item in values]


class _Encoder:
    def __init__(self) -> None:
        self.messages: dict[Message, int] = {}
        self.names: dict[frozenset, dict] = {}  # a set of names -> its encoding, made once
        self.reasons: dict[tuple, int] = {}  # a tuple of messages -> its row of the table
        self.seen: dict[int, tuple] = {}  # id of a tuple of messages -> (it, its encoding)
        self.sets: dict[frozenset, int] = {}  # a set of names in a column -> its row

    def __call__(self, value):
        if isinstance(value, Message):  # the most frequent: a pair's reasons
            found = self.messages.get(value)
            if found is None:
                found = self.messages[value] = len(self.messages)
            return {"m": found}
        if value is None or isinstance(value, (str, int)):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):  # JSON has no such number
                raise ValueError(f"cannot send the number {value}")
            return value
        if isinstance(value, tuple):
            return self.tuple_of(value)
        if isinstance(value, (frozenset, set)):  # a set comes back a frozenset (equal)
            return self.names_of(value) or {"s": _each(self, value)}
        if isinstance(value, Mapping):
            return {"d": [[self(key), self(item)] for key, item in value.items()]}
        name = type(value).__name__
        if CLASSES.get(name) is not type(value):
            raise TypeError(f"cannot send a {name}")
        return {"c": name, "v": _each(self, _GET[name](value))}

    def names_of(self, value: frozenset | set) -> dict | None:
        """A frozenset of names (a person's needs, a helper's skills: a district's share a
        few) as one encoding, made once; None for any other set."""
        found = self.names.get(value) if type(value) is frozenset else None
        if found is None and type(value) is frozenset and set(map(type, value)) <= _NAME:
            found = self.names[value] = {"s": list(value)}
        return found

    def tuple_of(self, value: tuple) -> dict:
        """A tuple: a row of the table of reasons, columns of objects or of tuples, or each
        item encoded (``{"t": [...]}``)."""
        seen = self.seen.get(id(value))
        if seen is not None:
            return seen[1]
        kinds = set(map(type, value))  # read once for the three forms below
        return self.reasons_of(value, kinds) or self.rows(value, kinds) or \
            self.tuples(value, kinds) or {"t": _each(self, value)}

    def reasons_of(self, value: tuple, kinds: set) -> dict | None:
        """A tuple of messages (a pair's reasons: a district's pairs share a few) as its row
        of the payload's table of them, ``{"u": i}``; None for any other tuple."""
        if kinds != {Message}:
            return None
        found = self.reasons.get(value)
        if found is None:
            found = self.reasons[value] = len(self.reasons)
            for message in value:
                self(message)
        encoded = {"u": found}
        self.seen[id(value)] = (value, encoded)  # held: its id is not another's while here
        return encoded

    def rows(self, value: tuple, kinds: set) -> dict | None:
        """A tuple of two or more objects of one of the model's classes (a district's people,
        a result's pairs) as columns, one list per field: ``{"r": name, "v": [...]}``; None
        for any other tuple."""
        kind = type(value[0]) if len(value) > 1 else None
        name = getattr(kind, "__name__", None)
        if CLASSES.get(name) is not kind or kinds != {kind}:
            return None
        return {"r": name, "v": [self.column(column) for column in zip(*map(_GET[name], value),
                                                                          strict=True)]}

    def tuples(self, value: tuple, kinds: set) -> dict | None:
        """A tuple of two or more tuples alike in length (a result's unmatched people: id and
        reason) as columns, ``{"k": [...]}``; None for any other tuple."""
        if len(value) < 2 or kinds != {tuple} or \
                len(widths := set(map(len, value))) != 1 or not widths.pop():
            return None
        return {"k": [self.column(column) for column in zip(*value, strict=True)]}

    def column(self, values: tuple) -> list | dict:
        """One field of a tuple of objects: as it is where every value is plain; a column of
        sets of names (a district's people have three) as ``{"n": [...]}``, each set's row in
        the payload's table of them; else each value encoded."""
        kinds = set(map(type, values))
        if kinds <= _PLAIN:
            return list(values)
        if kinds == {frozenset}:
            sets, out = self.sets, []
            for item in values:
                found = sets.get(item)
                if found is None:
                    if not set(map(type, item)) <= _NAME:
                        return _each(self, values)
                    found = sets[item] = len(sets)
                out.append(found)
            return {"n": out}
        return _each(self, values)

    def table(self) -> list:
        return [[message.code, self({**message.params})] for message in self.messages]

    def reasons_table(self) -> list:
        return [[self.messages[message] for message in row] for row in self.reasons]

    def sets_table(self) -> list:
        return [list(names) for names in self.sets]


class _Decoder:
    def __init__(self, table: list, reasons: list, sets: list) -> None:
        self.messages: list[Message] = []
        self.names: dict[tuple, frozenset] = {}
        for code, params in table:
            self.messages.append(Message(code, self(params)))
        self.reasons = [tuple(_row(self.messages, i) for i in row) for row in reasons]
        self.sets = [_names(row) for row in sets]

    def __call__(self, value):
        if not isinstance(value, dict):
            if isinstance(value, list):
                raise ValueError("a list outside a tag")
            return value
        (tag, body), = value.items() if len(value) == 1 else ((None, None),)
        if tag is None and set(value) == {"c", "v"}:
            cls = CLASSES[value["c"]]  # KeyError: a class no payload may name
            return cls(*_each(self, value["v"]))
        if tag is None and set(value) == {"r", "v"}:
            return self.rows(value["r"], value["v"])
        if tag == "m":
            return _row(self.messages, body)
        if tag == "u":
            return _row(self.reasons, body)
        if tag == "t":
            return tuple(_each(self, body))
        return self.other(tag, body, value)

    def other(self, tag: str | None, body, value: dict):
        """A value of the tags read less often: sets, tuples as columns, mappings."""
        if tag == "s":
            return self.set_of(body)
        if tag == "k":
            return tuple(zip(*self.columns("tuples", body), strict=True))
        if tag == "d":
            return MappingProxyType({self(key): self(item) for key, item in body})
        raise ValueError(f"unknown tag {sorted(value)}")

    def set_of(self, body) -> frozenset:
        """The frozenset ``{"s": body}`` stands for; a set of names (people share a few) is
        read once."""
        try:
            found = self.names.get(tuple(body))
        except TypeError:  # not names: a set of tuples, or a payload's garbage
            found = None
        if found is not None:
            return found
        if set(map(type, body)) <= _NAME:
            key = tuple(body)
            found = self.names[key] = frozenset(key)
            return found
        return frozenset(_each(self, body))

    def rows(self, name: str, columns: list) -> tuple:
        """The objects of class ``name`` whose fields are ``columns`` (:meth:`_Encoder.rows`)."""
        cls = CLASSES[name]  # KeyError: a class no payload may name
        if type(columns) is not list or len(columns) != len(_FIELDS[name]):
            raise ValueError(f"the columns of {name} are not one list per field")
        return tuple(map(cls, *self.columns(name, columns)))

    def columns(self, name: str, columns: list) -> list[list]:
        """The values of each of ``columns``, which must be alike in length."""
        if type(columns) is not list or not columns:
            raise ValueError(f"the columns of {name} are not a list")
        values = [self.column(column) for column in columns]
        if len({len(column) for column in values}) != 1:
            raise ValueError(f"the columns of {name} are not alike in length")
        return values

    def column(self, column) -> list:
        """The values of one column (:meth:`_Encoder.column`)."""
        if type(column) is list:
            return _each(self, column)
        rows = column.get("n") if type(column) is dict and len(column) == 1 else None
        if type(rows) is not list or (rows and (min(rows) < 0 or set(map(type, rows)) != _INT)):
            raise ValueError("the columns hold something other than values or rows of sets")
        sets = self.sets
        return [sets[row] for row in rows]  # IndexError, TypeError: not a row of the table


def _row(table: list, index):
    """The ``index``-th row of one of a payload's tables: an int from 0, never a bool (a row
    that is not the one sent: ``-1`` the last, ``true`` the second)."""
    if type(index) is not int or index < 0:
        raise ValueError(f"{index!r} is not a row of the payload's tables")
    return table[index]  # IndexError: a row not sent


def _names(row) -> frozenset:
    """A row of a payload's table of sets: a list of names (:meth:`_Encoder.column`), never
    a string (its letters) nor a mapping (its keys)."""
    if type(row) is not list or not set(map(type, row)) <= _NAME:
        raise ValueError("the table of sets holds something other than lists of names")
    return frozenset(row)


def dump(value: Problem | Result) -> dict:
    """``value`` as JSON-able data (see the module's doc)."""
    encode = _Encoder()
    with collector_paused():
        body = encode(value)
        return {"messages": encode.table(), "reasons": encode.reasons_table(),
                "sets": encode.sets_table(), "value": body}


def dumps(value: Problem | Result) -> str:
    """``value`` as JSON text (:func:`dump`). A task sends its problem or result as this text,
    which the queue carries as one string: the receiver reads it with :func:`load`, with the
    cycle collector paused, where the queue's own reading of the JSON would build its
    containers with the collector running (a district's problem: 0.1 s, against 0.02 s).
    Written and read with orjson: a district's problem in 3.5 ms, where json took 23 ms."""
    encoded = dump(value)
    with collector_paused():
        try:
            return orjson.dumps(encoded).decode()
        except orjson.JSONEncodeError:  # an int beyond 64 bits, a lone surrogate: only json
            # writes them, and only json reads them back (:func:`_parsed`)
            return json.dumps({"wide": True, **encoded}, separators=(",", ":"),
                              ensure_ascii=False)


def dump_parts(problem: Problem, parts: list[Problem]) -> Iterator[tuple[str, list[str]]]:
    """(JSON text, layers) of each part of ``problem`` (:func:`matching.work_parts`), one
    after the other as they are asked for, so that the job sends each part as soon as it is
    written and the workers start on the first while the rest are written (a city of 100
    districts takes seconds to write). The parts of one component
    (:func:`matching.by_layer`, which shares the component's people) share one JSON of the
    component (:func:`dumps`), with ``problem``'s layers, built once (at 10x a district it
    takes about 2 s); each names the layers it solves (:func:`load_part`).

    Parts share a JSON only when they hold the very same objects in every field but
    ``layers`` (:func:`_same`): not when only their people are one object, as the one empty
    tuple is for every component with nobody (streets with cadres and no people yet)."""
    dumped: dict[tuple[int, ...], str] = {}
    for part in parts:
        key = _same(part)
        if key not in dumped:
            dumped[key] = dumps(replace(part, layers=problem.layers))
        yield dumped[key], list(part.layers)


def _same(part: Problem) -> tuple[int, ...]:
    """The identities of ``part``'s fields but ``layers``: equal for two live parts only if
    they are one problem but for the layers they solve."""
    return tuple(id(getattr(part, name)) for name in _FIELDS["Problem"] if name != "layers")


def load_part(payload: dict | str, layers: list[str] | None = None) -> Problem:
    """The part :func:`dump_parts` sent as ``payload`` and ``layers``: the component, solving
    ``layers`` (all of its own if None). Raises ValueError for layers a problem cannot solve
    (:class:`Problem`), TypeError for a payload that is not a problem."""
    part = load(payload)
    if not isinstance(part, Problem):
        raise TypeError("the payload is not a problem")
    return part if layers is None else replace(part, layers=tuple(layers))


def load(payload: dict | str) -> Problem | Result:
    """The :class:`Problem` or :class:`Result` that :func:`dump` gave ``payload`` for (or
    :func:`dumps`, as text)."""
    with collector_paused():
        return _load(payload)


def load_all(payloads: Iterable[dict | str]) -> list[Problem | Result]:
    """What :func:`load` gives each of ``payloads`` (the results of a run's components, to
    merge), with the cycle collector paused for them all, not resumed after each: in a
    process that holds a city, the collections that a hundred results' objects set off
    walked everything it holds, a hundred results took 5.6 s to load."""
    with collector_paused():
        return [_load(payload) for payload in payloads]


def _load(payload: dict | str) -> Problem | Result:
    if isinstance(payload, str):
        payload = _parsed(payload)
    if not isinstance(payload, dict):
        raise ValueError("the payload is not an object")
    return _Decoder(payload["messages"], payload.get("reasons", []),
                    payload.get("sets", []))(payload["value"])


def _parsed(text: str):
    """The JSON ``text``, read with orjson; with json where :func:`dumps` wrote it with json
    (it starts with :data:`_WIDE`), which orjson would read wrong (an int beyond 64 bits as a
    float, beyond a float's range as infinity) or not at all (a lone surrogate). Either way
    numbers JSON has not (NaN, infinity, 1e400) are refused."""
    if not text.startswith(_WIDE):
        payload = orjson.loads(text)
        if not isinstance(payload, dict) or not payload.get("wide"):
            return payload
    return json.loads(text, parse_constant=_not_a_number, parse_float=_finite)


def _not_a_number(text: str):
    raise ValueError(f"{text} is not a number JSON has")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        _not_a_number(text)
    return number
