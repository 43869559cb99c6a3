"""Batches posted to the API: up to `INLINE_MAX` items are applied in the request; a larger
batch is a job (`api_batch`) that applies it `CHUNK` items at a time, each chunk kept in a unit
of work of its own (so its progress can be shown, and a failure keeps the chunks done before:
posting the batch again replays them by their external ids). Its items hold ID numbers: they
are kept in the job's parameters encrypted, and removed once the job succeeded. The job's
result is the same answer a small batch gets, in the language of whoever posted it."""

import json
import secrets
from datetime import date

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from charity.api import operations, problems, schemas
from charity.api.models import ApiToken
from charity.errors import DomainError
from charity.extensions import db
from charity.jobs import operations as jobs
from charity.jobs.exports import language
from charity.jobs.messages import error_text
from charity.jobs.models import Job
from charity.jobs.runner import job_task
from charity.registry import ids
from charity.transaction import unit_of_work

#: A batch of at most this many items is applied in the request; a larger one is a job.
INLINE_MAX = 50
#: A job applies and keeps this many items at a time.
CHUNK = 50
KIND = "api_batch"
#: Each kind of batch: how its items are applied and the schema they were posted in.
WRITES = {
    "status": (operations.change_status, schemas.StatusBatchSchema),
    "medical": (operations.set_medical, schemas.MedicalBatchSchema),
    "service": (operations.give_service, schemas.ServiceBatchSchema),
}
#: The job's states as the API names them (a job waiting to try again is queued).
STATES = {"queued": "queued", "retrying": "queued", "running": "running",
          "succeeded": "succeeded", "failed": "failed"}


def answer(outcomes: list[operations.Outcome]) -> dict:
    """Per item outcomes, in the order posted, with how many were applied or refused."""
    results = [{"external_id": o.external_id, "status": o.status, "person_id": o.person_id,
                "replayed": o.replayed,
                "problem": None if o.error is None else problems.body(
                    o.error.status, str(o.error), o.error.slug, external_id=o.external_id)}
               for o in outcomes]
    applied = sum(1 for o in outcomes if o.error is None)
    return {"applied": applied, "refused": len(outcomes) - applied, "results": results}


def apply_now(items: list[dict], kind: str, token: ApiToken, today: date) -> dict:
    """Apply a small batch in the request, in one unit of work (each item in its savepoint)."""
    with unit_of_work(errors=False):
        outcomes = operations.apply_batch(items, kind, token, today, WRITES[kind][0])
    return answer(outcomes)


def start(items: list[dict], kind: str, token: ApiToken, today: date) -> Job:
    """Queue a large batch as a job for `token` (its items encrypted in the job's
    parameters). Commits, as starting any job does."""
    sealed = ids.encrypt(json.dumps(items, default=str, ensure_ascii=False))
    params = {"batch": kind, "token_id": token.id, "today": today.isoformat(),
              "lang": language(), "items": sealed, "count": len(items)}
    job, _started = jobs.start(KIND, f"{KIND}:{token.id}:{secrets.token_hex(8)}",
                               params=params)
    return job


def _items(job: Job) -> list[dict]:
    raw = json.loads(ids.decrypt(job.params["items"]))
    return WRITES[job.params["batch"]][1]().load({"items": raw})["items"]


def _apply_in_chunks(job: Job, progress) -> list[operations.Outcome]:
    items, kind = _items(job), job.params["batch"]
    token = db.session.get(ApiToken, job.params["token_id"])
    today, write = date.fromisoformat(job.params["today"]), WRITES[kind][0]
    progress(0, len(items), "applying")
    outcomes: list[operations.Outcome] = []
    for start_at in range(0, len(items), CHUNK):
        with unit_of_work(errors=False) as work:
            outcomes += operations.apply_batch(items[start_at:start_at + CHUNK], kind, token,
                                               today, write)
        if not work.ok:
            raise DomainError(str(work.error))
        progress(len(outcomes), len(items), "applying")
    return outcomes


@job_task(KIND)
def api_batch(job, progress) -> dict:
    """Apply a batch posted to the API, `CHUNK` items at a time (see the module's doc)."""
    with force_locale(job.params.get("lang") or "zh_Hans_CN"):
        result = answer(_apply_in_chunks(job, progress))
    job.params = {k: v for k, v in job.params.items() if k != "items"}
    return {"answer": result}


def view(job: Job) -> dict:
    """The job as the API shows it: state, progress, and its result or its problem."""
    problem = None
    if job.state == "failed":
        problem = {"type": problems.TYPE_PREFIX + "job-failed", "status": 500,
                   "title": str(_l("The batch's job failed.")), "detail": error_text(job.error)}
    return {"id": job.id, "state": STATES[job.state],
            "progress": {"done": job.done, "total": job.total or job.params.get("count", 0)},
            "result": (job.result or {}).get("answer"), "problem": problem}


def find(job_id: int, token: ApiToken) -> Job | None:
    """The API batch job `job_id` if `token` started it; None otherwise."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != KIND or job.params.get("token_id") != token.id:
        return None
    return job
