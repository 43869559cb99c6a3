"""One unit of work per request: a view's writes are committed together, or not at all.

    with unit_of_work() as work:
        operations.change_status(person, ...)
    if work.ok:
        flash(_("Status changed."), "success")
        return redirect(...)
    return render_template(...), 400

On success the block's writes are committed. A `DomainError` raised inside rolls them back and
is shown to the user in their language (flashed, or added to a form's errors); the view reads
`work.ok` to answer. A `Forbidden` refusal rolls back and answers 403. A refusal that names a
`security_action` (a 403, a maker approving their own work) is also kept in the security log,
committed alone after the rollback. Anything else propagates (a 500 after the request's
session is discarded), so nothing half-done is kept. Views never call `db.session.commit()`
themselves; CLI commands and jobs commit once at their end.
"""

from collections.abc import Callable, Iterator, Mapping, MutableSequence
from contextlib import contextmanager
from dataclasses import dataclass

from flask import abort, flash

from charity.audit.security import reason_of, record_refusal
from charity.database import in_reading_request, may_write, wrote
from charity.errors import DomainError, Forbidden
from charity.extensions import db

#: Where a refusal's message goes: flashed (None), a list of form errors, errors per kind of
#: refusal (the first matching class wins, anything else is flashed), or nowhere (False: the
#: view reads `work.error` itself, as JSON endpoints do).
ErrorTarget = None | bool | MutableSequence | Mapping[type, MutableSequence]


@dataclass
class Work:
    """What became of a unit of work: `error` is the refusal, None once committed."""

    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        """True when the block ran through and its writes were committed."""
        return self.error is None


def _report(error: DomainError, errors: ErrorTarget) -> None:
    if errors is False:
        return
    if isinstance(errors, Mapping):
        target = next((found for kind, found in errors.items() if isinstance(error, kind)), None)
        if target is not None:
            target.append(str(error))
            return
        errors = None
    if errors is None:
        flash(str(error), "error")
    else:
        errors.append(str(error))


def commit_alone(write: Callable[..., object], *args, **kwargs) -> None:
    """Run one write in a unit of work of its own: the audit entry of a page that only reads
    (each view of a person's health details)."""
    with unit_of_work():
        write(*args, **kwargs)


def commit_refusal(what: str, **detail) -> None:
    """Roll back whatever the request holds, then commit one security-log entry on its own
    (see `charity.audit.security.record_refusal`): the refusal is kept, nothing else is."""
    db.session.rollback()
    with writes():
        record_refusal(what, **detail)
        db.session.commit()


@contextmanager
def writes() -> Iterator[None]:
    """Let the block write, from a request that only reads too (the audit entry of a page that
    shows personal data, the job a page starts). On SQLite a reading request's transaction
    ends first, and the block's begins IMMEDIATE: it waits for another writer to finish, where
    a transaction that read and then wrote would fail at once with "database is locked" if
    anything was committed since its first read (a worker's progress, another request). The
    reading transaction is rolled back if it holds no change, else committed (what a signal
    handler of Flask-Security's wrote before). A transaction the block leaves open holding
    nothing (a job found running, one re-read after its commit) ends with it: the page would
    otherwise hold the write lock while it renders. Elsewhere the block just runs."""
    if not (in_reading_request() and db.engine.dialect.name == "sqlite"):
        with may_write():
            yield
        return
    session = db.session()
    if session.in_transaction():
        _end_reading(session)
    with may_write():
        yield
        if session.in_transaction() and not _holds_changes(session):
            session.rollback()  # (after an error, the request's answer ends it)


def _holds_changes(session) -> bool:
    return bool(session.new or session.dirty or session.deleted) or wrote(session)


def _end_reading(session) -> None:
    """End a reading request's transaction before a block that writes: rolled back if it holds
    no change, else committed. Changes not yet written are flushed first, outside `may_write`:
    that write comes after the transaction's reads (the hazard `SQLITE_STRICT_WRITES` names)."""
    if not _holds_changes(session):
        session.rollback()
        return
    if not wrote(session):
        session.flush()
    with may_write():
        session.commit()


@contextmanager
def unit_of_work(errors: ErrorTarget = None) -> Iterator[Work]:
    """Commit what the block writes; on a `DomainError` roll back and report it (see the
    module's docstring for `errors`); on `Forbidden` roll back and answer 403."""
    work = Work()
    with writes():
        try:
            yield work
        except DomainError as error:
            db.session.rollback()
            if error.security_action:
                commit_refusal(error.security_action, reason=reason_of(error))
            if isinstance(error, Forbidden):
                abort(403)
            work.error = error
            _report(error, errors)
            return
        db.session.commit()
