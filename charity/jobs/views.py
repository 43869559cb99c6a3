"""The job pages: one job's progress (polled by static/js/jobs.js, a plain reload link without
script) that leads to its result, and the history of jobs for staff, filtered by kind and state
and kept to the viewer's street."""

from io import BytesIO

from flask import Blueprint, abort, jsonify, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from charity.auth.access import note_out_of_scope, street_scope
from charity.auth.permissions import Permission, can, requires
from charity.extensions import db
from charity.jobs import exports, messages
from charity.jobs.models import STATES, Job
from charity.jobs.operations import is_stale
from charity.jobs.pages import may_see, result_url
from charity.main.headers import personal
from charity.main.templating import local_datetime

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _job_or_404(job_id: int) -> Job:
    """The job, if the viewer may follow it: within their street, or (for those who follow no
    one else's jobs: a department liaison) one they started."""
    job = db.session.get(Job, job_id)
    if not can(Permission.VIEW_JOBS):
        if job is None or job.started_by_id != current_user.id:
            note_out_of_scope(Job, job_id if job is not None else None)
            abort(404)
        return job
    scope = street_scope()
    if job is None or (scope is not None and job.street_id != scope):
        note_out_of_scope(Job, job_id if job is not None else None)
        abort(404)
    return job


def as_json(job: Job) -> dict:
    """What the page's script needs: state, progress and the words for both, the outcome."""
    return {"id": job.id, "state": job.state, "state_text": messages.label(messages.STATES,
                                                                           job.state),
            "done": job.done, "total": job.total, "percent": job.percent,
            "progress": messages.label(messages.PROGRESS, job.progress_code),
            "error": messages.error_text(job.error), "stale": is_stale(job),
            "finished": job.finished, "result_url": result_url(job)}


@bp.get("/<int:job_id>")
@requires(Permission.VIEW_JOBS, Permission.MANAGE_CADRES)
def page(job_id):
    """One job: its progress bar while it runs, then its outcome and the link to its result."""
    job = _job_or_404(job_id)
    return render_template("jobs/job.html", job=job, info=as_json(job), messages=messages)


@bp.get("/<int:job_id>.json")
@requires(Permission.VIEW_JOBS, Permission.MANAGE_CADRES)
def status(job_id):
    """One job's progress and outcome, for the page's script."""
    return jsonify(as_json(_job_or_404(job_id)))


@bp.get("/<int:job_id>/download")
@personal
@requires(Permission.VIEW_JOBS)
def download(job_id):
    """An export job's file, for whoever may make the same export: the permission its result
    names and the street it was made for (another street's officer gets 404)."""
    job = _job_or_404(job_id)
    needs = (job.result or {}).get("needs")
    if (job.state != "succeeded" or job.result.get("endpoint") != "jobs.download"
            or not needs or not may_see(job.result)):
        abort(404)
    target = exports.path(job)
    if job.params.get("removed") or not target.is_file():
        abort(410)
    # read whole, so that no open file outlives the request
    return send_file(BytesIO(target.read_bytes()), as_attachment=True,
                     download_name=job.params["name"],
                     mimetype=exports.MIMETYPES[job.params["ext"]], max_age=0)


@bp.get("/")
@requires(Permission.VIEW_JOBS)
def history():
    """Jobs, newest first, by kind and state, within the viewer's street."""
    scope = street_scope()
    kind, state = request.args.get("kind") or None, request.args.get("state") or None
    if (kind and kind not in messages.KINDS) or (state and state not in STATES):
        abort(400)
    query = select(Job).order_by(Job.id.desc())
    if scope is not None:
        query = query.where(Job.street_id == scope)
    if kind:
        query = query.where(Job.kind == kind)
    if state:
        query = query.where(Job.state == state)
    found = db.paginate(query, per_page=50, error_out=False)
    return render_template("jobs/history.html", page=found, kind=kind, state=state,
                           messages=messages, states=STATES, result_url=result_url,
                           stale=is_stale,
                           when=local_datetime)
