"""Two-factor codes are good once: a code accepted for an account is refused if sent again
(ASVS 2.8.4), by any worker. The last accepted time step of each account is kept where the
rate limiter counts (Redis in production), for as long as any code could still be accepted."""

from flask import current_app
from flask_security import Totp

#: Seconds an account's last accepted time step is kept: past the codes' validity window
#: (`SECURITY_TWO_FACTOR_AUTHENTICATOR_VALIDITY`, 120 s each way) with room.
KEPT = 600


def _storage():
    """The rate limiter's storage (the app's one limiter)."""
    return next(iter(current_app.extensions["limiter"])).storage


def _key(user) -> str:
    return f"songtan-totp-last/{user.id}"


class OneUseCodes(Totp):
    """Flask-Security's TOTP factory, with the last accepted time step of each account kept."""

    def get_last_counter(self, user) -> int | None:
        """The time step of the account's last accepted code, if recent."""
        return _storage().get(_key(user)) or None

    def set_last_counter(self, user, tmatch) -> None:
        """Keep the time step of the code just accepted: it and earlier ones are refused."""
        storage = _storage()
        storage.clear(_key(user))
        storage.incr(_key(user), KEPT, amount=tmatch.counter)
