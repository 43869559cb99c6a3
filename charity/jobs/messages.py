"""What the job pages say, in the user's language: each kind of job, each step a job reports,
and each way a job can fail. Jobs store codes with parameters; these turn them into words."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

#: The kinds of job, as the history page names them.
KINDS = {
    "pairing_run": _l("Pairing run"),
    "allocation_run": _l("Allocation run"),
    "reconciliation": _l("Reconciliation with Stripe"),
    "relief_expiry": _l("Expiry of unpaid reservations"),
    "rent_batch": _l("Monthly rent subsidy payments"),
    "pledge_expiry": _l("Expiry of unpaid sponsorship pledges"),
    "roster_import": _l("Roster import"),
    "cadre_import": _l("Cadre roster import"),
    "pairing_export": _l("Pairing export"),
    "roster_export": _l("Roster export"),
    "annual_report": _l("Annual report"),
    "sponsorship_pairing": _l("Pairing of sponsorship pledges"),
    "dashboard_pdf": _l("Dashboard PDF"),
    "hours_export": _l("Hours given (export)"),
    "export_cleanup": _l("Removal of old export files"),
    "audit_export": _l("Audit log export"),
    "receipt_mail": _l("Receipt e-mail"),
    "gap_snapshot": _l("Update of the coverage-gap figures"),
    "api_batch": _l("Batch posted to the data-sharing API"),
}
#: The kinds whose result is a file to download (see `charity.jobs.exports`).
EXPORTS = frozenset({"pairing_export", "roster_export", "annual_report", "dashboard_pdf",
                     "hours_export", "audit_export"})
#: The states, as the pages name them.
STATES = {
    "queued": _l("Waiting for a worker"),
    "running": _l("Running"),
    "retrying": _l("Waiting to try again"),
    "succeeded": _l("Done"),
    "failed": _l("Failed"),
}
#: The steps a job reports.
PROGRESS = {
    "queued": _l("Waiting for a worker"),
    "started": _l("Started"),
    "reading": _l("Reading the records"),
    "solving": _l("The optimiser is solving"),
    "components": _l("The optimiser is solving the independent parts (streets no helper "
                     "links), part by part"),
    "layers": _l("The optimiser is solving the parts on the workers: independent streets, and "
                 "a large district's cadre, volunteer and sponsor layers apart"),
    "saving": _l("Saving the result"),
    "comparing": _l("Comparing the gifts with Stripe"),
    "writing": _l("Writing the file"),
    "paying": _l("Paying the month's rent subsidies"),
    "applying": _l("Applying the posted items"),
    "done": _l("Done"),
    "mailing": _l("Sending the e-mail"),
}
#: Why a job failed (or waits to try again). `refused` carries the refusal's own message.
ERRORS = {
    "transient": _l("A passing fault (the database or a service was busy or unreachable); "
                    "trying again, attempt %(attempt)s."),
    "transient_gave_up": _l("A passing fault did not pass after %(attempt)s attempts; "
                            "please start it again later."),
    "broker_down": _l("The job queue cannot be reached, so the job was not started; nothing "
                      "was changed. Please try again later or tell the administrator."),
    "worker_lost": _l("The worker running this job stopped and the job made no progress for "
                      "%(minutes)s minutes; nothing was saved. Please start it again."),
    "worker_restarted": _l("The worker running this job stopped before the job ended (the "
                           "server was stopped or restarted), so it did not finish. "
                           "Please start it again."),
    "worker_restarted_retry": _l("The worker running this job stopped before the job ended "
                                 "(the server was stopped or restarted); it is tried again, "
                                 "attempt %(attempt)s of %(attempts)s."),
    "internal": _l("The job failed on an unexpected error; nothing was saved. The "
                   "administrator can find the details in the worker's log."),
    "worker_lost_kept": _l("The worker running this job stopped and the job made no progress "
                           "for %(minutes)s minutes. What it finished before is kept (it saves "
                           "as it goes); please start it again for the rest."),
    "internal_kept": _l("The job failed on an unexpected error. What it finished before is kept "
                        "(it saves as it goes); the administrator can find the details in the "
                        "worker's log."),
    "infeasible": _l("The quotas cannot all be met: the preview lists the conflicts; it "
                     "cannot be published until they are resolved."),
    "stopped": _l("The optimiser stopped before every quota minimum was met or shown "
                  "impossible: the preview cannot be published; please run it again."),
}


#: Jobs that save as they go (reconciliation: each Stripe object in its own unit of work), so a
#: failure keeps what they finished: their failures say so.
SAVES_AS_IT_GOES = frozenset({"reconciliation", "api_batch"})


def failure_code(kind: str, code: str) -> str:
    """The code of a failure (`worker_lost`, `internal`) for a job of `kind`: the `_kept` one
    for a job that saves as it goes, whose failure keeps what it finished."""
    return f"{code}_kept" if kind in SAVES_AS_IT_GOES else code


def label(table: dict, code: str | None) -> str:
    """A code's words from `table`, or the code itself if it is unknown."""
    return str(table.get(code, code or ""))


def error_text(error: dict | None) -> str:
    """A job's error in the reader's language: a refusal's own message (its untranslated text,
    translated now), or one of `ERRORS` with its parameters."""
    if not error:
        return ""
    params = error.get("params") or {}
    if error.get("code") == "refused":
        return gettext(error["msgid"], **params)
    message = ERRORS.get(error.get("code"))
    return str(message) % params if message is not None else str(error.get("code"))
