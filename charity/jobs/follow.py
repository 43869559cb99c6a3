"""Jobs from the command line: start one and follow its progress on the terminal until it
ends. When no worker answers (the embedded default with no server running, or the workers
are down), the job runs in the command's own process through the same runner, so the command
works without a server."""

import time
from collections.abc import Callable

from flask import current_app

from charity.jobs import messages
from charity.jobs.models import Job
from charity.jobs.operations import is_stale, start
from charity.jobs.runner import glance, progress_reported

#: Seconds between two looks at a job a worker runs.
POLL_SECONDS = 0.5


def worker_answers(timeout: float = 1.0) -> bool:
    """Whether a worker answers a ping on the job queue."""
    if current_app.config["CELERY_TASK_ALWAYS_EAGER"]:
        return False
    try:
        return bool(current_app.extensions["celery"].control.ping(timeout=timeout))
    except Exception:  # noqa: BLE001 (a queue that cannot be reached has no worker to answer)
        return False


def describe(job: Job) -> str:
    """One line on how far a job got, in the reader's language."""
    steps = f" ({job.done}/{job.total})" if job.total else ""
    return f"{messages.label(messages.STATES, job.state)}: " \
           f"{messages.label(messages.PROGRESS, job.progress_code)}{steps}"


def start_and_follow(kind: str, key: str, echo: Callable[[str], None], *,
                     params: dict | None = None) -> Job:
    """Start the job (or find the same work already queued or running), print each step as
    it goes and return the job once it has ended (or gone quiet for `STALE_AFTER`)."""
    here = not worker_answers()
    echo(f"job {kind}: " + ("no worker answers; it runs in this process" if here else
                            "a worker runs it"))

    def heard(job, done, total, code):
        echo(f"  {messages.label(messages.PROGRESS, code)} ({done}/{total})")

    with progress_reported.connected_to(heard):
        job, started = start(kind, key, params=params, in_process=here)
    if not started:
        echo(f"the same work is queued or running already as job {job.id}; following it")
    return follow(job.id, echo)


def follow(job_id: int, echo: Callable[[str], None]) -> Job:
    """Print a job's steps as they change until it ends (or goes quiet for `STALE_AFTER`)."""
    last = None
    while True:
        job = glance(job_id)  # no transaction held between two looks
        seen = (job.state, job.progress_code, job.done, job.total)
        if seen != last:
            echo(f"  {describe(job)}")
            last = seen
        if job.finished or is_stale(job):
            return job
        time.sleep(POLL_SECONDS)
