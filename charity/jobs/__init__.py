"""Jobs: long work (pairing and allocation runs, reconciliation, expiry) run on Celery workers,
each recorded as a `Job` row with its progress, outcome and the link to its result."""
