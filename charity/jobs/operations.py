"""Starting jobs: one active job per piece of work (a second start shows the first), a stale
job (its worker died) given up, and a broker that is down reported on the job at once."""

from datetime import timedelta

from celery import shared_task
from flask import current_app
from kombu.exceptions import OperationalError as BrokerDown
from sqlalchemy import select

from charity.database import utcnow
from charity.extensions import db
from charity.jobs.messages import failure_code
from charity.jobs.models import ACTIVE, Job
from charity.jobs.runner import fail_if_quiet, finish, keep
from charity.transaction import writes

#: A job with no news for this long is taken for lost (its worker died without a word).
STALE_AFTER = timedelta(minutes=30)


def active(key: str) -> Job | None:
    """The job that holds `key` now, if any."""
    return db.session.scalar(select(Job).where(Job.key == key, Job.state.in_(ACTIVE)))


def is_stale(job: Job) -> bool:
    """Whether an unfinished job has had no news for `STALE_AFTER`."""
    return not job.finished and utcnow() - job.updated_at > STALE_AFTER


def give_up(job: Job) -> None:
    """Fail a stale job: its worker is gone, and nothing it did was kept (unless it saves as it
    goes: its message says so). Only while it is still active and stale: a worker that was
    only slow and ends it meanwhile keeps its outcome (and its attempt, ended after this,
    keeps nothing: `charity.jobs.runner`)."""
    fail_if_quiet(job.id, utcnow() - STALE_AFTER, {
        "code": failure_code(job.kind, "worker_lost"),
        "params": {"minutes": int(STALE_AFTER.total_seconds() // 60)}})


def attempts_allowed(kind: str) -> int:
    """How many times a job of `kind` may run: once, and its task's retries."""
    task = current_app.extensions["celery"].tasks.get(f"jobs.{kind}")
    retries = task.max_retries if task is not None else 0
    return 1 + (retries or 0)


def retry_left_running() -> tuple[int, int]:
    """At the embedded worker's start (the filesystem transport, one worker beside the web
    server): the jobs still running were its last run's, stopped with it (the server stopped
    mid-job, or the worker was killed). That transport forgets a message once it is taken, so
    none of them would run again: each is sent once more, as its next attempt, while it has
    attempts left (nothing it did was kept: a job keeps its writes at its end), and failed
    with a message that says why when it has none (rather than shown running for
    `STALE_AFTER`, holding its work's key). Returns how many were sent again and failed."""
    left = db.session.scalars(select(Job).where(Job.state == "running")
                              .order_by(Job.id)).all()
    again = 0
    for job in left:
        allowed = attempts_allowed(job.kind)
        if job.attempts >= allowed:
            finish(job.id, "failed", error={"code": "worker_restarted", "params": {}})
            continue
        finish(job.id, "retrying", error={"code": "worker_restarted_retry", "params": {
            "attempt": job.attempts + 1, "attempts": allowed}})
        send(job)
        again += 1
    return again, len(left) - again


def start(kind: str, key: str, *, user=None, street_id: int | None = None,
          params: dict | None = None, in_process: bool = False) -> tuple[Job, bool]:
    """Queue the task `jobs.<kind>` for a new job (or, `in_process`, run it now in this
    process through the same runner), or return the active one that holds `key` already; the
    flag says whether a new one was started. Commits (the worker must see the row before the
    message reaches it)."""
    with writes():
        return _start(kind, key, user, street_id, params or {}, in_process)


def _start(kind: str, key: str, user, street_id: int | None, params: dict,
           in_process: bool) -> tuple[Job, bool]:
    for _attempt in range(3):
        running = active(key)
        if running is not None and is_stale(running):
            give_up(running)
            running = None
        if running is not None:
            return running, False
        job = Job(kind=kind, key=key, street_id=street_id,
                  started_by_id=getattr(user, "id", None), params=params,
                  updated_at=utcnow())
        if keep(job):
            break
        # another request started the same work a moment ago: show its job, or, if it has
        # ended already (its broker was down), try again
    else:
        raise RuntimeError(f"no job could be kept for {key}")
    if in_process:
        current_app.extensions["celery"].tasks[f"jobs.{kind}"].apply(args=[job.id])
    else:
        send(job)
    return job, True


def send(job: Job) -> None:
    """Put the job's message on the queue; if the broker is down, fail the job with a message
    that says so (nothing was started, nothing changed)."""
    task = current_app.extensions["celery"].tasks[f"jobs.{job.kind}"]
    job_id = job.id
    try:
        task.apply_async(args=[job_id])
    except BrokerDown:
        finish(job_id, "failed", error={"code": "broker_down", "params": {}})


@shared_task(name="jobs.scheduled")
def scheduled(kind: str) -> int:
    """Celery beat's entry: start the scheduled job `kind` (unless it is running already)."""
    job, _started = start(kind, kind)
    return job.id
