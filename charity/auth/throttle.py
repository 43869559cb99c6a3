"""Password guessing is slowed at the door: a budget of sign-in attempts per address.

The budget (`LOGIN_RATE_LIMIT`) is a limit on Flask-Security's blueprint that counts only
the POSTs that check a password or a code (login, two-factor code, re-authentication, change
of password); the blueprint's other routes keep
the application's default limits. It is counted where the limiter counts (Redis in production:
one budget for every worker). The budget per account is `charity.auth.logins`'.
"""

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address

from charity.config import is_production
from charity.extensions import limiter
from charity.transaction import commit_refusal


def _budget() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


#: The endpoints whose POSTs are sign-in attempts.
ATTEMPTS = frozenset({"security.login", "security.two_factor_token_validation",
                      "security.verify", "security.change_password"})


def _not_a_login() -> bool:
    return request.endpoint not in ATTEMPTS


def _keep_in_the_log(_limit) -> None:
    """An address that spent its budget: the first refusal of each minute is kept in the
    security log (not every one: a flood must not fill the log); the answer stays the 429."""
    key = f"songtan-login-breach/{get_remote_address()}"
    if limiter.storage.incr(key, 60) == 1:
        commit_refusal("login_refused", reason="address_budget")


#: One limit object for every app: the limiter is shared, and keeps a blueprint's limits once.
LOGIN_LIMIT = limiter.limit(_budget, methods=["POST"], exempt_when=_not_a_login,
                            override_defaults=False, on_breach=_keep_in_the_log)


def _signup_budget() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


#: The public sign-ups (a volunteer's, an organisation's, a guest donor's monthly gift) and
#: the requests for a new link: `SIGNUP_RATE_LIMIT` POSTs per client address and page.
SIGNUP_LIMIT = limiter.limit(_signup_budget, methods=["POST"], override_defaults=False)


def limit_logins(app: Flask) -> None:
    """Put the login budget on the app's Flask-Security blueprint (after `security.init_app`);
    in production, warn when the budgets are counted in one process's memory."""
    LOGIN_LIMIT(app.blueprints["security"])
    if is_production(app.config) and app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        app.logger.warning("RATELIMIT_STORAGE_URI is memory://: each worker counts sign-in "
                           "attempts alone. Set it to the Redis every worker shares.")
