"""What Celery's command line loads: `celery -A charity.worker:celery worker` (and `beat`).
The app is made from the environment, as `flask` and gunicorn make it."""

from charity import create_app

app = create_app()
celery = app.extensions["celery"]
