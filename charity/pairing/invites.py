"""A cadre's account, by an invite link: staff make a link (signed with the app's secret,
expiring in `DAYS` days, used once), pass it on by hand, and the cadre who opens it sets a
password and signs in as a cadre linked to their roster row. Only a hash of the link's random
part is kept; a new link revokes the last one."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_security import hash_password
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from charity.audit.operations import record
from charity.auth.models import User
from charity.auth.operations import ensure_roles
from charity.auth.passwords import check_strength
from charity.database import utcnow
from charity.errors import DomainError
from charity.extensions import db, security
from charity.pairing.models import Cadre, CadreInvite

#: How long a link works.
DAYS = 7
SALT = "cadre-invite"


class InviteError(DomainError):
    """A link that cannot be used (unknown, expired, used, revoked); the message says which."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(cadre: Cadre, user=None) -> str:
    """A new link's token for `cadre` (shown once, never stored); earlier links stop working."""
    if cadre.left_on is not None or not cadre.active:
        raise InviteError(_l("This cadre has left; no account link can be made."))
    now = utcnow()
    for old in db.session.scalars(select(CadreInvite).where(
            CadreInvite.cadre_id == cadre.id, CadreInvite.used_at.is_(None),
            CadreInvite.revoked_at.is_(None))):
        old.revoked_at = now
    secret = secrets.token_urlsafe(32)
    invite = CadreInvite(cadre_id=cadre.id, secret_hash=_hash(secret),
                         expires_at=now + timedelta(days=DAYS),
                         created_by_id=getattr(user, "id", None))
    db.session.add(invite)
    db.session.flush()
    record("cadre.invite", "cadre", cadre.id, user=user, invite_id=invite.id)
    return _serializer().dumps({"i": invite.id, "s": secret})


#: Why a link does not work, as the page says it.
EXPIRED = _l("This link has expired. Ask the district staff or your department's liaison for "
             "a new one.")
USED = _l("This link was used already. Sign in with the password you set, or ask for a new "
          "link.")
REVOKED = _l("A newer link was made for you; this one no longer works. Use the newest link.")
UNKNOWN = _l("This link is not valid. Check that it was copied whole.")


def find(token: str) -> CadreInvite:
    """The invite a link names, if it can still be used; `InviteError` says why not."""
    try:
        data = _serializer().loads(token, max_age=DAYS * 86400)
    except SignatureExpired:
        raise InviteError(EXPIRED) from None
    except BadSignature:
        raise InviteError(UNKNOWN) from None
    invite = db.session.get(CadreInvite, data.get("i")) if isinstance(data, dict) and \
        isinstance(data.get("i"), int) else None
    if invite is None or not hmac.compare_digest(invite.secret_hash,
                                                 _hash(str(data.get("s", "")))):
        raise InviteError(UNKNOWN)
    if invite.used_at is not None:
        raise InviteError(USED)
    if invite.revoked_at is not None:
        raise InviteError(REVOKED)
    if invite.expires_at <= utcnow():
        raise InviteError(EXPIRED)
    return invite


def _spend(invite: CadreInvite) -> None:
    """Mark the link used in the database itself, only if it still is unused and unrevoked:
    of two tabs (or two people) using one link at once, the second finds it spent."""
    now = utcnow()
    spent = db.session.execute(
        update(CadreInvite).where(CadreInvite.id == invite.id, CadreInvite.used_at.is_(None),
                                  CadreInvite.revoked_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        raise InviteError(USED)
    invite.used_at = now


def redeem(token: str, email: str, password: str) -> User:
    """Use a link: the cadre's account gets the password (a new account, with `email`, if the
    cadre has none), the link is spent. Raises `InviteError` or `WeakPassword`."""
    invite = find(token)
    _spend(invite)
    cadre = invite.cadre
    user = cadre.user
    if user is None:
        email = email.strip().lower()
        if db.session.scalar(select(User.id).where(User.email == email)):
            raise InviteError(_l("An account with this e-mail address exists already; use "
                                 "another address."))
        password = check_strength(password, email=email, name=cadre.name)
        user = security.datastore.create_user(
            email=email, password=hash_password(password), name=cadre.name,
            roles=[ensure_roles()["cadre"]])
        db.session.flush()
        cadre.user_id = user.id
    else:
        password = check_strength(password, email=user.email, name=cadre.name)
        user.password = hash_password(password)
        security.datastore.set_uniquifier(user)  # earlier sessions end
    db.session.flush()
    record("cadre.invite_used", "cadre", cadre.id, user=user, invite_id=invite.id)
    return user
