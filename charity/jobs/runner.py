"""How a job runs on a worker, and the jobs' unit of work (the only place besides
`charity.transaction` and CLI commands that commits): `job_task` makes a function into a Celery
task that marks its job running, lets it report progress, and keeps its writes and its outcome
in one unit of work at its end. A refusal (`DomainError`) fails the job with its message; a
passing fault is tried again with a growing pause (`autoretry_for` with `retry_backoff`);
anything else fails the job and leaves nothing of its writes.

A job may hand the rest of its work to other tasks (a pairing run's components, solved on any
worker): its function returns `HANDED_OFF` and the job stays running; the task that finishes it
is a `job_continuation`, run the same way, and only for the attempt that handed it off.

A task's function takes the job and a `Progress`; it reads first (reporting its steps), then
writes (flushing, never committing), and returns where its result is shown:
``{"endpoint": ..., "values": {...}}``. Work that must commit as it goes (reconciliation puts
each Stripe object right on its own) says so in its own module."""

import logging
from collections.abc import Callable

from blinker import Namespace
from celery import shared_task
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from charity.database import utcnow
from charity.errors import DomainError
from charity.extensions import db
from charity.jobs.messages import failure_code
from charity.jobs.models import ACTIVE, Job

log = logging.getLogger(__name__)
#: Faults that pass: a database that was busy or restarting.
TRANSIENT: tuple[type[Exception], ...] = (OperationalError,)
MAX_RETRIES = 5
#: What a job's function returns when other tasks carry on its work (see the module's doc).
HANDED_OFF = "handed off"
#: Sent with (job, done, total, code) at each step a job reports: `flask match export`
#: prints them when it runs the job in its own process.
progress_reported = Namespace().signal("job-progress")


class JobFailed(RuntimeError):
    """What Celery is told of a job that failed on an unexpected error: the job and the
    error's type only, so that neither Celery's log nor its result store keeps the error's
    text (a database error quotes the row it could not write); the runner's log, scrubbed,
    has the details."""


class Progress:
    """Report a job's step: `done` of `total`, with a message code (see `messages.PROGRESS`).
    Each report is committed at once, so it may only come before the job writes anything."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, done: int, total: int, code: str) -> None:
        """Keep the step, committed so that the job page sees it."""
        pending = [row for row in (*db.session.new, *db.session.dirty, *db.session.deleted)
                   if row is not self.job]
        if pending:
            raise RuntimeError("a job reports progress before it writes, never after")
        self.job.done, self.job.total, self.job.progress_code = done, total, code
        self.job.updated_at = utcnow()
        db.session.commit()
        progress_reported.send(self.job, done=done, total=total, code=code)


def refusal(error: DomainError) -> dict:
    """A refusal as a job keeps it: its message untranslated, with its parameters, so the page
    shows it in each reader's language."""
    message = error.args[0] if error.args else ""
    args, params = getattr(message, "_args", None), getattr(message, "_kwargs", None)
    msgid = args[0] if args else str(message)
    return {"code": "refused", "msgid": msgid, "params": dict(params or {})}


def keep(job: Job) -> bool:
    """Commit a new job (the worker must see its row before the message reaches it); False,
    with nothing kept, if an active job holds its key already."""
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def finish(job_id: int, state: str, **values) -> None:
    """Set a job's end (or its wait for a retry) in a unit of work of its own."""
    job = db.session.get(Job, job_id)
    job.state, job.updated_at = state, utcnow()
    if state in ("succeeded", "failed"):
        job.finished_at = job.updated_at
    for name, value in values.items():
        setattr(job, name, value)
    db.session.commit()


def fail_if_quiet(job_id: int, since, error: dict) -> None:
    """Fail a job in a unit of work of its own, only while it is still active and has had no
    news since ``since``: its worker, only slow, may have ended it meanwhile."""
    now = utcnow()
    db.session.execute(
        update(Job).where(Job.id == job_id, Job.state.in_(ACTIVE), Job.updated_at < since)
        .values(state="failed", updated_at=now, finished_at=now, error=error)
        .execution_options(synchronize_session=False))
    db.session.commit()


def _begin(task, job_id: int) -> Job | None:
    """Mark the job running (once more, if a dead worker's attempt is given to this one); None
    if it already ended (a message delivered twice) or does not exist."""
    job = db.session.get(Job, job_id)
    if job is None or job.finished:
        return None
    job.state, job.attempts, job.celery_id = "running", job.attempts + 1, task.request.id
    job.started_at = job.started_at or utcnow()
    # an attempt after a fault starts from nothing: the last one's steps are not this one's
    job.updated_at, job.progress_code, job.done, job.total = utcnow(), "started", 0, 0
    job.error = None  # why the last attempt ended (a passing fault, a worker that stopped)
    db.session.commit()
    return job


def run(task, job_id: int, work: Callable, transient: tuple) -> str:
    """Run `work` for the job: see the module's docstring."""
    job = _begin(task, job_id)
    if job is None:
        return "skipped"
    return _conclude(task, job, work, transient)


def carry_on(task, job_id: int, attempt: int, work: Callable, transient: tuple) -> str:
    """Run `work`, the rest of a job's attempt `attempt` that was handed off; nothing if the
    job has ended or moved on to another attempt (a dead worker's job given to another)."""
    job = db.session.get(Job, job_id)
    if job is None or job.finished or job.attempts != attempt:
        return "skipped"
    job.state, job.updated_at = "running", utcnow()
    db.session.commit()
    return _conclude(task, job, work, transient)


def _still_current(job_id: int, attempt: int) -> bool:
    """Whether the job still runs its attempt `attempt`, read afresh with its row locked (on
    PostgreSQL; SQLite has one writer): a second start may have given it up as stale (no news
    for `STALE_AFTER` while its worker was only slow), or another worker taken it up again."""
    state, attempts = db.session.execute(
        select(Job.state, Job.attempts).where(Job.id == job_id).with_for_update()).one()
    return state in ACTIVE and attempts == attempt


def _conclude(task, job: Job, work: Callable, transient: tuple) -> str:
    job_id, kind, attempt = job.id, job.kind, job.attempts
    try:
        result = work(job, Progress(job))
    except transient:
        db.session.rollback()
        attempt = task.request.retries + 1
        gave_up = task.request.retries >= task.max_retries
        finish(job_id, "failed" if gave_up else "retrying",
               error={"code": "transient_gave_up" if gave_up else "transient",
                      "params": {"attempt": attempt}})
        raise
    except DomainError as error:
        db.session.rollback()
        finish(job_id, "failed", error=refusal(error))
        return "failed"
    except Exception as error:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, task.name)
        finish(job_id, "failed", error={"code": failure_code(kind, "internal"), "params": {}})
        raise JobFailed(f"job {job_id} ({task.name}) failed on {type(error).__name__}; "
                        "see the log") from None
    if not _still_current(job_id, attempt):
        db.session.rollback()  # its writes and its outcome are the attempt that holds it now
        log.warning("job %s: attempt %s ended after the job moved on; nothing kept", job_id,
                    attempt)
        return "skipped"
    if result == HANDED_OFF:
        db.session.commit()
        return HANDED_OFF
    job.result = result
    job.done, job.progress_code = job.total, "done"
    finish(job_id, "succeeded")
    return "succeeded"


def _options(name: str, transient: tuple, max_retries: int) -> dict:
    return {"name": name, "bind": True, "acks_late": True, "reject_on_worker_lost": True,
            "autoretry_for": transient, "retry_backoff": 2, "retry_backoff_max": 300,
            "retry_jitter": True, "max_retries": max_retries}


def job_task(kind: str, *, transient: tuple = TRANSIENT, max_retries: int = MAX_RETRIES):
    """Register `work(job, progress)` as the Celery task `jobs.<kind>` (see `run`)."""

    def register(work: Callable):
        @shared_task(**_options(f"jobs.{kind}", transient, max_retries))
        def task(self, job_id: int) -> str:
            return run(self, job_id, work, transient)

        task.__doc__ = work.__doc__
        return task

    return register


def job_continuation(name: str, *, transient: tuple = TRANSIENT, max_retries: int = MAX_RETRIES):
    """Register `work(job, progress, *args, **kwargs)` as the Celery task `name`, which
    finishes a job's attempt that was handed off (see `carry_on`); it is called with the
    job's id and the attempt as the keywords `job_id` and `attempt` (a chord's callback gets
    its header's results first)."""

    def register(work: Callable):
        @shared_task(**_options(name, transient, max_retries))
        def task(self, *args, job_id: int, attempt: int, **kwargs) -> str:
            return carry_on(self, job_id, attempt,
                            lambda job, progress: work(job, progress, *args, **kwargs),
                            transient)

        task.__doc__ = work.__doc__
        return task

    return register


def is_current(job_id: int, attempt: int) -> bool:
    """Whether the job still runs its attempt `attempt` (a task it handed work to checks before
    starting, to spare work no one will use); the read ends its transaction at once, so that
    nothing (nor SQLite's write lock) is held through the work that follows. A database that
    cannot answer now counts as yes: the task that finishes the job checks again."""
    try:
        job = db.session.get(Job, job_id)
        current = job is not None and job.state in ACTIVE and job.attempts == attempt
        db.session.commit()
        return current
    except OperationalError:
        db.session.rollback()
        log.warning("job %s: could not tell whether attempt %s is current", job_id, attempt)
        return True


def count_done(job_id: int, attempt: int) -> None:
    """One more step done of a job's attempt `attempt`, by a task it handed work to (never past
    the total: a task given to a worker again after its first one died counts once), committed
    at once. Only the progress bar depends on it: a database too busy to take it is logged."""
    try:
        db.session.execute(update(Job).where(
            Job.id == job_id, Job.attempts == attempt, Job.state.in_(ACTIVE),
            Job.done < Job.total).values(done=Job.done + 1, updated_at=utcnow()))
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        log.warning("job %s: a step's progress was not recorded", job_id)


def glance(job_id: int) -> Job:
    """The job as it is now, apart from the session, with no transaction left open (for one
    that waits between two looks, as `charity.jobs.follow` does)."""
    job = db.session.execute(select(Job).where(Job.id == job_id)
                             .execution_options(populate_existing=True)).scalar_one()
    db.session.expunge(job)
    db.session.rollback()
    return job
