"""Personal data kept out of the logs: a filter on the app's loggers scrubs every message and
traceback before any handler (a file, the console, a mail or an error tracker) sees it.

It scrubs, wherever a record prints them:
- ID numbers (18 digits, or 17 and X) and masked ID numbers (first 4 and last 2 digits);
- the values of personal and health fields (`name='王伟'`, `"birth_date": ...`,
  `seriously_ill=True`), and dates printed as Python values (`datetime.date(1990, 1, 31)`);
- the rows a database quotes back in its errors (PostgreSQL's "Failing row contains (...)" and
  "Key (...)=(...)"), and the parameters SQLAlchemy appends to a failed statement;
- query strings (a search by name travels in one);
- every personal value loaded in the current request or job: a person's name, birth date and
  masked ID, a household's address, a donor's name and e-mail (`PERSONAL_COLUMNS`), noted on
  `g` as rows are loaded, so a message that prints one is caught whatever its shape.

Tracebacks are logged without local variables (the standard formatting). The filter formats
the exception itself, scrubs the text and drops the exception object, so nothing down the line
can walk the frames and dump their locals (as an error tracker would: the Sentry-style scrub is
this one, done before the record leaves). Werkzeug's debugger, which shows locals, runs only in
debug mode, never behind a real server.
"""

import logging
import re
import traceback
from datetime import date

from flask import Flask, g, has_app_context
from sqlalchemy import event

from charity.extensions import db

#: The columns whose values are personal, by table; a loaded row's values are scrubbed.
PERSONAL_COLUMNS = {
    "person": ("name", "birth_date", "id_number_masked"),
    "household": ("address",),
    "guardian": ("name", "phone_masked"),
    "donation": ("donor_name", "donor_email"),
}
#: Field names whose values a log never shows: identity, contact, health, income.
PERSONAL_FIELDS = (
    "name", "donor_name", "sponsor_name", "birth_date", "id_number", "id_number_masked",
    "id_number_encrypted", "id_number_hash", "address", "email", "donor_email", "phone",
    "disabled", "disability_grade", "seriously_ill", "special_disease", "family_doctor",
    "health_record", "orphan", "monthly_income_fen", "income", "guardian_name", "guardian_phone",
    "phone_masked", "phone_encrypted",
)
#: The loggers the app writes to, or that print its requests and statements.
#: A logger's filter sees only what is logged to that logger, not to its children: each
#: logger that may print personal data is named (the job runner's; Celery's task errors).
LOGGERS = ("charity", "donations", "werkzeug", "gunicorn.error", "gunicorn.access",
           "sqlalchemy.engine", "sqlalchemy.engine.Engine", "flask_security",
           "charity.jobs.runner", "celery.app.trace", "celery.worker.request")
HIDDEN = "…"
PATTERNS = (
    (re.compile(r"Failing row contains \(.*"), "Failing row contains (" + HIDDEN + ")"),
    (re.compile(r"(Key \([^)]*\)=)\(.*\)"), r"\1(" + HIDDEN + ")"),
    (re.compile(r"\[parameters: .*"), "[parameters: " + HIDDEN + "]"),
    (re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"), HIDDEN),
    (re.compile(r"(?<![\dA-Za-z])\d{4}\*{6,}[\dXx]{2}(?![\dA-Za-z])"), HIDDEN),
    (re.compile(r"datetime\.date(?:time)?\([\d, ]+\)"), HIDDEN),
    (re.compile(r"(['\"]?\b(?:" + "|".join(PERSONAL_FIELDS) + r")\b['\"]?\s*[:=]\s*)"
                r"('[^']*'|\"[^\"]*\"|[^\s,;)}\]]+)"), r"\1" + HIDDEN),
    (re.compile(r"(/[\w./-]*)\?[^\s\"']+"), r"\1?" + HIDDEN),
)
#: The attributes every log record has; any other (a logging call's `extra`) is scrubbed too.
STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


def scrub(text: str) -> str:
    """`text` without the personal data the patterns and this request's loaded rows give."""
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    known = g.get("personal_values") if has_app_context() else None
    for value in sorted(known or (), key=len, reverse=True):
        text = text.replace(value, HIDDEN)
    return text


def _shown(value) -> list[str]:
    """The ways a personal value may be printed."""
    if isinstance(value, date):
        return [value.isoformat(), value.strftime("%Y%m%d")]
    return [value.strip()] if isinstance(value, str) and len(value.strip()) >= 2 else []


def note_personal_values(target, *_event) -> None:
    """Note a loaded row's personal values on `g`, so the log filter scrubs them."""
    columns = PERSONAL_COLUMNS.get(getattr(target, "__tablename__", ""), ())
    if not columns or not has_app_context():
        return
    values = g.setdefault("personal_values", set())
    for column in columns:
        values.update(_shown(target.__dict__.get(column)))


class ScrubFilter(logging.Filter):
    """Scrubs a record's message, its `extra` values, its traceback and its stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; every record passes."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log what there is, scrubbed
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text, record.exc_info = scrub(text), None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in STANDARD and isinstance(value, str):
                setattr(record, key, scrub(value))
        return True


def install(app: Flask) -> None:
    """Put the filter on the app's loggers and note personal values as rows load (once)."""
    for name in {app.logger.name, *LOGGERS}:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubFilter) for f in logger.filters):
            logger.addFilter(ScrubFilter())
    for kind in ("load", "refresh"):
        if not event.contains(db.Model, kind, note_personal_values):
            event.listen(db.Model, kind, note_personal_values, propagate=True)
