"""Exports as jobs: the worker writes the file under instance/exports/<job id>.<ext>, and the
job's page links to its download, which checks the permission and the street the export was
made for (see `charity.jobs.views.download`). The file never sits in a public folder."""

from pathlib import Path

from flask import current_app
from flask_babel import force_locale, get_locale

from charity.jobs.models import Job

#: What each kind of file is sent as.
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "pdf": "application/pdf",
}


def path(job: Job) -> Path:
    """Where an export job's file lives."""
    return Path(current_app.instance_path) / "exports" / f"{job.id}.{job.params['ext']}"


def write(job: Job, content: bytes, *, name: str, needs: str | list[str]) -> dict:
    """Keep the export's file and return the job's result: its download, for whoever holds
    `needs` (a permission, or a list of them all needed) and the job's street, under the file
    name `name`."""
    target = path(job)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    job.params = {**job.params, "name": name}
    return {"endpoint": "jobs.download", "values": {"job_id": job.id}, "needs": needs}


def language() -> str:
    """The reader's language now, kept in a job's parameters for the file's words."""
    return str(get_locale() or "zh_Hans_CN")


def in_language(job: Job):
    """Write the file in the language of whoever started the job (see `language`)."""
    return force_locale(job.params.get("lang") or "zh_Hans_CN")
