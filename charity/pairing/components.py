"""A pairing run's independent components (districts; streets no helper links) solved as tasks
of their own on any worker, and merged by a chord's callback (`matching.merge`): the result is
the one `matching.solve_split` gives in one process. The job's task hands the components off
and ends; it never waits for them (a worker waiting on its own sub-tasks can deadlock, and
Celery's documentation warns against it), so one worker runs them all one after another.

Components travel as JSON (`matching.transport`: never pickle, which would run whatever a
writer to the queue put there). Each is given the time left of the run's limit, counted from
when it was handed off. Each reports its end on the job (components done of total); a
component whose worker dies is given to another (late acknowledgement, `reject_on_worker_lost`)
and the callback runs once, for the job's current attempt only."""

import logging
import time

from celery import chord, shared_task
from celery.utils import uuid
from flask import current_app

import matching
from charity.auth.models import User
from charity.auth.permissions import Permission
from charity.district.models import Street
from charity.extensions import db
from charity.jobs.models import Job
from charity.jobs.runner import HANDED_OFF, count_done, is_current, job_continuation
from charity.pairing import operations
from charity.pairing.models import PUBLISHABLE, MatchRun
from matching import transport
from matching.split import time_left

log = logging.getLogger(__name__)


class ComponentFailed(RuntimeError):
    """A component's solve raised: the run fails (the worker's log has the details)."""


def on_workers() -> bool:
    """Whether components go to the workers as tasks (`PAIRING_COMPONENT_TASKS`; "auto": when
    the queue is shared, not the embedded filesystem queue, where one worker solves them in
    one process)."""
    setting = str(current_app.config["PAIRING_COMPONENT_TASKS"]).lower()
    if setting == "auto":
        return not current_app.config["CELERY_BROKER_URL"].startswith("filesystem")
    return setting in ("1", "true", "yes", "on")


def scope(job: Job) -> tuple[Street | None, User | None]:
    """The street a pairing job runs for (None: the district) and who started it."""
    street = db.session.get(Street, job.street_id) if job.street_id else None
    user = db.session.get(User, job.started_by_id) if job.started_by_id else None
    return street, user


def outcome(job: Job, match_run: MatchRun) -> dict:
    """A pairing job's result: its preview; an infeasible or stopped run says so on the job."""
    if match_run.status == "INFEASIBLE":
        job.error = {"code": "infeasible", "params": {}}
    elif match_run.status not in PUBLISHABLE:
        job.error = {"code": "stopped", "params": {}}
    return {"endpoint": "pairing.preview", "values": {"run_id": match_run.id},
            "needs": Permission.VIEW_PAIRING}


def hand_off(job: Job, problem: matching.Problem, parts: list[matching.Problem],
             progress, seen: str | None = None) -> str:
    """Send each part (a component, or one helper layer of one: `matching.work_parts`) to the
    workers, with the merge as the chord's callback; `seen`, the digest of the live pairs the
    problem was read with, goes to the merge (`operations.keep_run`).

    The chord's header is a generator: each part is written as JSON when Celery comes to
    send it (`matching.transport.dump_parts`), so that on Redis the workers start on the first
    parts while the rest are written (Celery sets the chord's size when it sends the last).
    A result backend without a chord counter (the embedded default's database) reads the
    whole header before it sends any part, as it did from a list.

    Celery's lazy header looks one part ahead, and drops an error raised while it asks for the
    second part (`celery.utils.functional._regen.__bool__`): the chord would go on with the
    first part alone. An error writing a part is raised here again, and the merge refuses
    fewer results than parts (`components_merged`)."""
    layered = any(part.layers != problem.layers for part in parts)
    progress(0, len(parts), "layers" if layered else "components")
    celery = current_app.extensions["celery"]  # this app's, whichever Celery app is the default
    deadline = time.time() + problem.time_limit_s
    ids = [uuid() for _part in parts]
    sent = transport.dump_parts(problem, parts)  # a component's parts share its JSON
    failed = []

    def header():
        try:
            for (payload, layers), task_id in zip(sent, ids, strict=True):
                yield celery.tasks["pairing.component"].signature(
                    (job.id, job.attempts, payload, deadline, layers), task_id=task_id)
        except Exception as error:
            failed.append(error)
            raise

    merged = celery.tasks["pairing.components_merged"].s(
        job_id=job.id, attempt=job.attempts, tolerance=problem.balance_tolerance, tasks=ids,
        seen=seen)
    chord(header(), app=celery)(merged)
    if failed:  # dropped by Celery: the chord went with the parts before, which merge refuses
        raise failed[0]
    return HANDED_OFF


@shared_task(name="pairing.component", acks_late=True, reject_on_worker_lost=True)
def solve_component(job_id: int, attempt: int, payload: str | dict, deadline: float,
                    layers: list | None = None) -> dict:
    """Solve one component (`matching.solve`), or the `layers` of it that are this part's,
    with the time left until `deadline` (Unix time); its result and its people, as JSON.
    The component and its result travel as JSON text (`matching.transport.dumps`), read with
    the cycle collector paused; a payload sent as an object by an earlier version is read
    too."""
    if not is_current(job_id, attempt):
        return {"skipped": True}
    try:
        part = transport.load_part(payload, layers)
        result = matching.solve(time_left(part, deadline - time.time()))
    except Exception:
        log.exception("job %s: a component failed", job_id)
        return {"failed": True}
    count_done(job_id, attempt)
    return {"result": transport.dumps(result), "people": [p.id for p in part.beneficiaries],
            "priority": operations.priority_people(part)}


@job_continuation("pairing.components_merged")
def components_merged(job, progress, found: list, *, tolerance: int, tasks: list,
                      seen: str | None = None) -> dict:
    """The chord's callback: merge the components' results (`matching.merge`, balance notes
    over the whole run) and keep the run's preview, as a run in one process would; only with
    a result of every part handed off (`tasks`). `seen`: see `hand_off` (None from a chord
    sent before it was given)."""
    if len(found) != len(tasks) or any("result" not in one for one in found):
        raise ComponentFailed(f"job {job.id}: a component failed, was skipped or is missing")
    results = transport.load_all(one["result"] for one in found)
    for task_id in tasks:  # the results are in hand: not kept in the result store for days
        current_app.extensions["celery"].AsyncResult(task_id).forget()
    progress(len(found), len(found), "saving")
    street, user = scope(job)
    match_run = operations.keep_run(
        {person for one in found for person in one["people"]},
        matching.merge(results, tolerance=tolerance), street, user,
        priority=[person for one in found for person in one["priority"]]
        if all("priority" in one for one in found) else None, seen=seen)
    return outcome(job, match_run)
