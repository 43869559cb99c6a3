"""Celery, bound to the Flask app as Flask's documentation shows: every task runs inside an
app context. The embedded default needs no server: Celery's filesystem transport under
instance/queue and a SQLAlchemy result backend in instance/celery-results.db; with
`CELERY_BROKER_URL=redis://...` any number of workers on other machines share the work."""

from pathlib import Path

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import worker_ready
from flask import Flask, has_app_context

from charity.jobs.operations import retry_left_running

#: The scheduled jobs (Celery beat, Asia/Shanghai time): kind, hour, minute.
SCHEDULE = (("reconciliation", 2, 0), ("relief_expiry", 0, 30), ("pledge_expiry", 0, 45),
            ("sponsorship_pairing", 1, 0), ("export_cleanup", 3, 0), ("rent_batch", 1, 30))


def settings(app: Flask) -> dict:
    """Celery's settings from the app's: broker, result backend, and the queue's rules."""
    config = app.config
    broker = config["CELERY_BROKER_URL"]
    backend = config["CELERY_RESULT_BACKEND"] or (
        f"db+sqlite:///{Path(app.instance_path) / 'celery-results.db'}")
    options = {}
    if broker.startswith("filesystem"):
        folder = Path(app.instance_path) / "queue"
        options = {"data_folder_in": str(folder / "messages"),
                   "data_folder_out": str(folder / "messages"),
                   "processed_folder": str(folder / "processed"), "store_processed": False}
    elif config["CELERY_VISIBILITY_TIMEOUT"]:
        options = {"visibility_timeout": config["CELERY_VISIBILITY_TIMEOUT"]}
    return {
        "broker_url": broker, "result_backend": backend, "broker_transport_options": options,
        "task_always_eager": config["CELERY_TASK_ALWAYS_EAGER"],
        "task_ignore_result": False, "result_expires": 7 * 24 * 3600,
        # A job is acknowledged when it ends: one whose worker dies is given to another.
        "task_acks_late": True, "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # A broker that is down is reported at once, not after minutes of retrying.
        "task_publish_retry_policy": {"max_retries": 1, "interval_start": 0,
                                      "interval_step": 0.2, "interval_max": 0.5},
        "broker_connection_timeout": 2, "broker_connection_retry_on_startup": True,
        "timezone": "Asia/Shanghai", "enable_utc": True,
        "beat_schedule": {f"nightly {kind}": {"task": "jobs.scheduled", "args": [kind],
                                              "schedule": crontab(hour=hour, minute=minute)}
                          for kind, hour, minute in SCHEDULE},
        "beat_schedule_filename": str(Path(app.instance_path) / "celerybeat-schedule"),
    }


def _forget_the_last_run(app: Flask):
    """What the embedded worker (filesystem transport) does when it is ready: send again the
    jobs its last run left running, or fail those with no attempt left (see
    `retry_left_running`). Workers on Redis are given theirs again by the broker."""

    def forget(**_kwargs) -> None:
        with app.app_context():
            retry_left_running()

    return forget


def init_app(app: Flask) -> Celery:
    """A Celery app whose tasks run in `app`'s context (or in the context already open, as a
    task run eagerly in a request or a test does)."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    # the result store and the queue live in the instance folder, which a fresh clone lacks
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.config_from_object(settings(app))
    if (app.config["CELERY_BROKER_URL"].startswith("filesystem")
            and not app.config["CELERY_TASK_ALWAYS_EAGER"]):
        for folder in ("messages", "processed"):
            (Path(app.instance_path) / "queue" / folder).mkdir(parents=True, exist_ok=True)
    if app.config["CELERY_BROKER_URL"].startswith("filesystem"):
        worker_ready.connect(_forget_the_last_run(app), weak=False)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
