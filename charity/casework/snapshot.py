"""The gap matrix's one source for every page: a snapshot of the matrix (counts per street and
measure, and who has each gap) computed once per data version and day, and read by the gaps
page and its drill-downs, the employment screen, the dashboard, the pairing overview and the
public disclosure.

Freshness: every commit that changes a table the matrix reads (people, households, grants,
employment services, pairings, relief applications, streets) writes a new random token into
`data_version` in the same transaction (the last write before the commit, so it never waits
while holding another lock). A snapshot is kept under (token, day); a page reads the token (one
primary-key query) and reuses the snapshot only when it matches. A session with uncommitted
changes to those tables computes afresh and keeps nothing, so its own writes show at once.

No user's request computes the matrix (about 2 s on the district): the job `gap_snapshot`
computes it and stores it, keyed by token and day, in two kinds of row: the summary (the counts
per street and measure, a few KB: `StoredSnapshot`) and one listing per measure and street (who
has that gap there: `StoredSnapshotPart`), so a page reads only what it shows (a drill-down its
street's listing, the dashboard the summary alone), each once per process. A page that finds the
stored snapshot older than the token starts that job (one per token and day: a second page
finds it running) and shows the newest stored snapshot marked stale, with the time its data
was read; the pages say "as of <time>, being updated" beside every figure from it. Only when
nothing was ever stored (a new database) does a request compute it.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from heapq import merge
from itertools import chain
from uuid import uuid4

from flask import current_app, g
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from charity.casework import gaps, queries
from charity.casework.models import DataVersion, StoredSnapshot, StoredSnapshotPart
from charity.database import utcnow
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.transaction import commit_alone

NAME = "casework"
#: Tables whose rows the gap matrix reads.
WATCHED = frozenset({"person", "household", "measure_grant", "employment_service", "pairing",
                     "relief_application", "street"})
_CHANGED = "casework_changed"
_EXTENSION = "casework_snapshot"


@dataclass(frozen=True)
class Snapshot:
    """The matrix of one data version and day, district-wide."""

    #: Street id -> measure -> {"owed", "receiving", "gaps", "count"} (count: services given
    #: to the people owed them, for employment services).
    counts: dict
    #: Measure -> [(person or household id, street id, cell)] of every gap, by id; None for a
    #: stored snapshot, whose listings are read from its parts as a page asks for them.
    gaps: dict | None
    #: When the data it reflects was read (None: this moment, computed in this request).
    as_of: datetime | None = None
    #: Whether the data changed since: the pages say so, and a job is updating it.
    stale: bool = False
    #: The stored snapshot's (token, day), whose parts `listing` reads.
    key: tuple | None = None
    #: The parts read so far, by name (shared by the stale copy: one read per process).
    parts: dict = field(default_factory=dict, compare=False, repr=False)

    def summary(self, names: dict[int, str]) -> dict[str, dict[str, dict[str, int]]]:
        """Per street (by name, for the streets in `names`) and measure: owed, receiving, gaps."""
        return {name: {m: {k: c[k] for k in ("owed", "receiving", "gaps")}
                       for m, c in self.counts[sid].items()} for sid, name in names.items()}

    def listing(self, measure: str, street_ids) -> list:
        """The gaps of one measure in the given streets, by id."""
        if self.gaps is not None:
            return [entry for entry in self.gaps[measure] if entry[1] in street_ids]
        wanted = [sid for sid in street_ids
                  if self.counts.get(sid, {}).get(measure, {}).get("gaps")]
        return list(merge(*(self._part(measure, wanted)), key=lambda entry: entry[0]))

    def _part(self, measure: str, street_ids: list[int]) -> list[list]:
        """The listings of `measure` in these streets (each by id), read once per process."""
        names = {f"{measure}:{sid}": sid for sid in street_ids}
        missing = [name for name in names if name not in self.parts]
        if missing:
            rows = dict(db.session.execute(
                select(StoredSnapshotPart.part, StoredSnapshotPart.data)
                .where(StoredSnapshotPart.token == self.key[0],
                       StoredSnapshotPart.day == self.key[1],
                       StoredSnapshotPart.part.in_(missing))).all())
            if len(rows) < len(missing):
                # Replaced by two newer snapshots since this request read its summary: the
                # listing of the data as it is now (rare; never a figure older than it says).
                computed = _compute(self.key[1])
                return [computed.listing(measure, [sid]) for sid in names.values()]
            cells: dict[tuple, gaps.Cell] = {}
            for name, entries in rows.items():
                self.parts[name] = [(e[0], names[name], cells.setdefault(
                    tuple(e[1:]), gaps.Cell(measure, *e[1:]))) for e in entries]
        return [self.parts[name] for name in names]


def build(person_rows, household_rows, street_ids) -> Snapshot:
    """Reduce the matrix's rows to the snapshot."""
    counts = {sid: {m: {"owed": 0, "receiving": 0, "gaps": 0, "count": 0}
                    for m in gaps.ALL_MEASURES} for sid in street_ids}
    found = defaultdict(list)
    for row in chain(person_rows, household_rows):
        street = counts[row.street_id]
        for cell in row.cells:
            c = street[cell.measure]
            c["owed"] += cell.owed
            c["receiving"] += cell.owed and cell.receives
            c["gaps"] += cell.gap
            c["count"] += (cell.count or 0) if cell.owed else 0
            if cell.gap:
                found[cell.measure].append((row.subject.id, row.street_id, cell))
    for entries in found.values():
        entries.sort(key=lambda entry: entry[0])
    return Snapshot(counts, {m: found.get(m, []) for m in gaps.ALL_MEASURES})


def _compute(today: date) -> Snapshot:
    person_rows, household_rows = queries.district_matrix(None, today)
    return build(person_rows, household_rows, queries.street_names(None))


def token() -> str | None:
    """The current data version (None before the table is filled)."""
    return db.session.scalar(select(DataVersion.token).where(DataVersion.name == NAME))


def _parts(found: Snapshot) -> dict[str, list]:
    """Part name ('<measure>:<street id>') -> its listing, for every street with such a gap."""
    parts: dict[str, list] = defaultdict(list)
    for measure, entries in found.gaps.items():
        for subject, sid, c in entries:
            parts[f"{measure}:{sid}"].append([subject, c.owed, c.receives, c.alert, c.count])
    return parts


def _load(key: tuple[str, date]) -> Snapshot:
    """The stored snapshot of `key` (token, day), its summary read once per process (a few KB);
    its listings are read part by part as pages ask for them (`Snapshot.listing`)."""
    kept = current_app.extensions.setdefault(_EXTENSION, {})
    if key not in kept:
        taken_at, data = db.session.execute(
            select(StoredSnapshot.taken_at, StoredSnapshot.data)
            .where(StoredSnapshot.token == key[0], StoredSnapshot.day == key[1])).one()
        kept.clear()  # only the newest is needed
        kept[key] = Snapshot({sid: by_measure for sid, by_measure in data["counts"]}, None,
                             taken_at, key=key)
    return kept[key]


def _stored_key(key: str, today: date) -> tuple[str, date] | None:
    if (key, today) in current_app.extensions.get(_EXTENSION, {}):
        return key, today
    row = db.session.execute(select(StoredSnapshot.token, StoredSnapshot.day)
                             .where(StoredSnapshot.token == key, StoredSnapshot.day == today)
                             ).first()
    return None if row is None else tuple(row)


def refresh(today: date) -> bool:
    """Compute the snapshot of the committed data and store it under the token read first (a
    commit during the computation leaves it keyed by the older token: stale, never newer than
    it says). False if that token's snapshot was stored already. The caller commits."""
    key, taken_at = token(), utcnow()
    if key is None or _stored_key(key, today) is not None:
        return False
    found = _compute(today)
    counts = [[sid, by_measure] for sid, by_measure in found.counts.items()]
    try:
        with db.session.begin_nested():
            db.session.execute(insert(StoredSnapshot).values(
                token=key, day=today, taken_at=taken_at, data={"counts": counts}))
            parts = [{"token": key, "day": today, "part": name, "data": entries}
                     for name, entries in _parts(found).items()]
            if parts:
                db.session.execute(insert(StoredSnapshotPart), parts)
    except IntegrityError:
        return False  # another job or request stored the same one a moment ago
    _forget_older(taken_at)
    return True


def _forget_older(taken_at: datetime) -> None:
    """Delete the stored snapshots older than the one before `taken_at`'s (their parts go with
    them): the one before is kept, so a page that read its summary a moment ago still finds its
    listings."""
    previous = db.session.scalar(select(func.max(StoredSnapshot.taken_at))
                                 .where(StoredSnapshot.taken_at < taken_at))
    if previous is not None:
        db.session.execute(delete(StoredSnapshot).where(StoredSnapshot.taken_at < previous))


def _stored(key: str, today: date) -> Snapshot | None:
    """The snapshot of `key` and `today` if stored; else the newest stored one, marked stale,
    after starting the job that stores the current one (None if none was ever stored)."""
    if _stored_key(key, today) is None:
        jobs.start("gap_snapshot", f"gap_snapshot:{key}:{today.isoformat()}",
                   params={"day": today.isoformat()})
    if _stored_key(key, today) is not None:  # stored already, or by a job run at once (tests)
        return _load((key, today))
    newest = db.session.execute(select(StoredSnapshot.token, StoredSnapshot.day)
                                .order_by(StoredSnapshot.taken_at.desc()).limit(1)).first()
    return None if newest is None else replace(_load(tuple(newest)), stale=True)


def current(today: date) -> Snapshot:
    """The snapshot for `today` of the data as this session sees it: the stored one of the
    current data version, or (while the job stores that) the newest stored one marked stale."""
    key = token()
    if key is None or _changed():
        return _compute(today)
    # One snapshot per request: its figures and its "as of" note agree.
    seen = g.setdefault(_EXTENSION, {})
    if (key, today) not in seen:
        found = _stored(key, today)
        if found is None:  # nothing ever stored: a new database's first view
            commit_alone(refresh, today)
            found = _stored(key, today) or _compute(today)
        seen[(key, today)] = found
    return seen[(key, today)]


def pairing_coverage(today: date, names: dict[int, str]) -> dict[int, tuple[int, int]]:
    """Street id -> (people paired, people owed a pairing): the one pairing-coverage figure."""
    counts = current(today).counts
    return {sid: (counts[sid]["pairing"]["receiving"], counts[sid]["pairing"]["owed"])
            for sid in names}


def _watched(obj) -> bool:
    return getattr(obj, "__tablename__", None) in WATCHED


def _note(session) -> None:
    # On the connection, not the session: sessions sharing a connection (the tests') share it.
    session.connection().info[_CHANGED] = True


@event.listens_for(Session, "after_flush")
def _note_flush(session, _context) -> None:
    if any(_watched(o) for o in chain(session.new, session.dirty, session.deleted)):
        _note(session)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED:
            _note(state.session)


@event.listens_for(Session, "before_commit")
def _bump(session) -> None:
    session.flush()
    if session.in_transaction() and session.connection().info.pop(_CHANGED, False):
        session.execute(update(DataVersion).where(DataVersion.name == NAME)
                        .values(token=uuid4().hex))


def _changed() -> bool:
    """Whether this session's transaction holds uncommitted changes to the watched tables (a
    rolled-back one leaves the mark until the connection's next commit: a fresh computation,
    never a stale one)."""
    return bool(db.session.connection().info.get(_CHANGED))


def street_summary(scope: int | None, today: date) -> dict[str, dict[str, dict[str, int]]]:
    """Per street (by name) and measure: owed, receiving and gaps (the `report gaps` numbers)."""
    return current(today).summary(queries.street_names(scope))
