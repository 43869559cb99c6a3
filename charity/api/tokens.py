"""Issuing, revoking and checking API tokens. A token's secret is random, shown once and kept
only as an HMAC under a key derived from the app's secret key; its scopes name what it may do."""

import hashlib
import hmac
import secrets
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from charity.api.models import ApiToken
from charity.audit.operations import record
from charity.database import utcnow
from charity.district.models import Street
from charity.errors import DomainError
from charity.extensions import db

#: The scopes a token may carry, besides one street's people (`STREET_READ` + street name).
FIXED_SCOPES = ("registry:status:write", "casework:services:write", "pairing:summary:read",
                "fund:disclosure:read")
STREET_READ = "registry:read:street:"
#: Appended to a street scope: full ID numbers instead of masked ones (each one audited).
UNMASKED = ":unmasked"
PREFIX = "st_"
#: A token lives at most this many days.
MAX_DAYS = 366


class TokenError(DomainError):
    """A token that cannot be issued as asked; the message says why."""


def keyed_hash(secret: str) -> str:
    """HMAC-SHA256 of a token's secret under a key derived from SECRET_KEY."""
    key = hashlib.sha256(b"api-token:" + current_app.config["SECRET_KEY"].encode()).digest()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def street_names() -> set[str]:
    """The names a street scope may name."""
    return set(db.session.scalars(select(Street.name)))


def valid_scope(scope: str, streets: set[str]) -> bool:
    """Whether `scope` is one a token may carry."""
    if scope in FIXED_SCOPES:
        return True
    if not scope.startswith(STREET_READ):
        return False
    return scope.removeprefix(STREET_READ).removesuffix(UNMASKED) in streets


def issue(holder: str, scopes: list[str], expires_on: date, today: date,
          user=None) -> tuple[ApiToken, str]:
    """A new token for `holder` with `scopes` until `expires_on`: (token, secret shown once)."""
    holder = holder.strip()
    if not holder:
        raise TokenError(_l("Name the department or system that holds the token."))
    streets = street_names()
    scopes = sorted({s.strip() for s in scopes if s.strip()})
    if not scopes or not all(valid_scope(s, streets) for s in scopes):
        raise TokenError(_l("Choose at least one scope, each a known scope or street."))
    if not today < expires_on <= date.fromordinal(today.toordinal() + MAX_DAYS):
        raise TokenError(_l("A token expires after today and within a year."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(holder=holder[:80], prefix=secret[:10], secret_hash=keyed_hash(secret),
                     scopes=scopes, expires_on=expires_on,
                     created_by_id=getattr(user, "id", None))
    db.session.add(token)
    db.session.flush()
    record("api.token_issue", "api_token", token.id, user=user, holder=token.holder,
           scopes=scopes, expires_on=expires_on.isoformat())
    return token, secret


def revoke(token: ApiToken, user=None) -> ApiToken:
    """Revoke a token now; it answers 401 from then on. Revoking twice is refused."""
    if token.revoked_at is not None:
        raise TokenError(_l("This token is already revoked."))
    token.revoked_at = utcnow()
    db.session.flush()
    record("api.token_revoke", "api_token", token.id, user=user, holder=token.holder)
    return token


def find(secret: str, today: date) -> ApiToken | None:
    """The live token with this secret: not revoked, not expired; None otherwise."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == keyed_hash(secret)))
    if token is None or token.revoked_at is not None or token.expires_on < today:
        return None
    return token


def allows(token: ApiToken, scope: str) -> bool:
    """Whether the token carries `scope` (a street scope also when it carries it unmasked)."""
    return scope in token.scopes or (scope.startswith(STREET_READ)
                                     and scope + UNMASKED in token.scopes)


def street_scope(street: str) -> str:
    """The scope that lets a token read one street's people."""
    return STREET_READ + street
