"""The confirmation link of a sign-up: signed with the app's secret (itsdangerous, as Flask's
session is), naming the sign-up and its e-mail address, valid `SIGNUP_CONFIRM_HOURS` hours."""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from charity.extensions import db
from charity.pairing.models import Volunteer

SALT = "songtan-volunteer-confirm"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make(volunteer: Volunteer) -> str:
    """The token of `volunteer`'s confirmation link."""
    return _serializer().dumps({"v": volunteer.id, "e": volunteer.email})


@dataclass(frozen=True)
class Reading:
    """What a token says: its sign-up, or why it cannot be used ("expired", "invalid")."""

    volunteer: Volunteer | None = None
    problem: str | None = None


def read(token: str) -> Reading:
    """The sign-up a token confirms, if it is genuine, in time, and still names that sign-up
    with the same e-mail address."""
    max_age = current_app.config["SIGNUP_CONFIRM_HOURS"] * 3600
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return Reading(problem="expired")
    except BadSignature:
        return Reading(problem="invalid")
    volunteer_id = payload.get("v") if isinstance(payload, dict) else None
    volunteer = db.session.get(Volunteer, volunteer_id) if isinstance(volunteer_id, int) \
        else None
    if volunteer is None or volunteer.email != payload.get("e"):
        return Reading(problem="invalid")
    return Reading(volunteer=volunteer)
