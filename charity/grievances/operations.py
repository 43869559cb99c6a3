"""Writing grievances: a public submission or a staff record (each returns its tracking code,
shown once), and the staff answer (audited). Lookups by code and phone are in `queries`."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from charity.audit.operations import record as audit
from charity.database import utcnow
from charity.district.models import Street
from charity.errors import DomainError
from charity.extensions import db
from charity.grievances.models import GRIEVANCE_KINDS, TEXT_MAX, Grievance
from charity.registry import ids
from charity.relief.models import Application
from charity.timeutil import local_today

#: The tracking code's alphabet: no 0/O, 1/I/L, so it reads aloud and types without slips.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


class GrievanceError(DomainError):
    """A grievance, or its answer, the operation refuses; the message says why."""


@dataclass(frozen=True)
class Submission:
    """What a complainant says: the kind, the street it concerns, their words and phone."""

    kind: str
    street_id: int
    text: str
    phone: str
    application_id: int | None = None


def new_code() -> str:
    """A fresh tracking code: 12 characters of 31 (about 59 bits), from the OS's randomness."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(typed: str) -> str:
    """A code as typed, read the way it was issued (case, spaces and dashes ignored)."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def _hmac(text: str) -> str:
    key = current_app.config["ID_HASH_KEY"].encode()
    return hmac.new(key, b"grievance:" + text.encode(), hashlib.sha256).hexdigest()


def code_hash(code: str) -> str:
    """The keyed hash a grievance is found by."""
    return _hmac(normal_code(code))


def check_hash(code: str, last4: str) -> str:
    """The keyed hash of the code with the phone's last four digits."""
    return _hmac(f"{normal_code(code)}:{last4}")


def _checked(submission: Submission) -> str:
    text = (submission.text or "").strip()
    if submission.kind not in GRIEVANCE_KINDS:
        raise GrievanceError(_l("Choose a complaint or an appeal."))
    if not text or len(text) > TEXT_MAX:
        raise GrievanceError(_l("Write what happened in at most %(n)s characters.", n=TEXT_MAX))
    if db.session.get(Street, submission.street_id) is None:
        raise GrievanceError(_l("Choose a street."))
    if len(submission.phone) < 5:
        raise GrievanceError(_l("A phone number is 5 to 20 digits, spaces or dashes."))
    return text


def _application(submission: Submission) -> int | None:
    """The refused application an appeal is about: of the same street, refused."""
    if submission.application_id is None:
        return None
    application = db.session.get(Application, submission.application_id)
    if application is None or application.street_id != submission.street_id:
        raise GrievanceError(_l("No application of this street has this number."))
    if application.state != "rejected":
        raise GrievanceError(_l("Only a refused application can be appealed."))
    if submission.kind != "appeal":
        raise GrievanceError(_l("An application is linked to an appeal only."))
    return application.id


def submit(submission: Submission, *, user=None) -> tuple[Grievance, str]:
    """Write a grievance (from the public form, or staff `user` recording one); the grievance
    and its tracking code, which is shown once and kept only as a hash."""
    text = _checked(submission)
    code = new_code()
    days = current_app.config["GRIEVANCE_ANSWER_DAYS"]
    grievance = Grievance(
        kind=submission.kind, source="staff" if user else "public",
        street_id=submission.street_id, application_id=_application(submission), text=text,
        code_hash=code_hash(code), check_hash=check_hash(code, submission.phone[-4:]),
        phone_encrypted=ids.encrypt(submission.phone),
        due_on=local_today() + timedelta(days=days),
        recorded_by_id=getattr(user, "id", None))
    db.session.add(grievance)
    db.session.flush()
    audit("grievance_recorded", "grievance", grievance.id, user=user, kind=grievance.kind,
          source=grievance.source, street_id=grievance.street_id,
          application_id=grievance.application_id)
    return grievance, code


def answer(grievance: Grievance, text: str, *, user) -> None:
    """Staff answer an open grievance; an answer once given stays (a second tab is refused)."""
    text = (text or "").strip()
    if not text or len(text) > TEXT_MAX:
        raise GrievanceError(_l("Write the answer in at most %(n)s characters.", n=TEXT_MAX))
    db.session.refresh(grievance, with_for_update=True)
    if grievance.status != "open":
        raise GrievanceError(_l("This grievance has been answered already."))
    grievance.status, grievance.answer = "answered", text
    grievance.answered_at, grievance.answered_by_id = utcnow(), user.id
    audit("grievance_answered", "grievance", grievance.id, user=user,
          late=grievance.due_on < local_today())
