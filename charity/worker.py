"""What Celery's command line loads: `celery -A charity.worker:celery worker` (and `beat`).
The app is made from the environment, as `flask` and gunicorn make it; the optimiser's
compiled code is loaded here, so no pairing run waits for it."""

from charity import create_app
from matching.simplex import warm_up

app = create_app()
warm_up()  # the optimiser's compiled pivots, loaded once before the pool forks
celery = app.extensions["celery"]
