"""Password guessing is slowed at the door: a budget of login attempts per address.

The budget (`LOGIN_RATE_LIMIT`) is a limit on Flask-Security's blueprint that counts only
the login form's POSTs; the blueprint's other routes keep the application's default limits.
"""

from flask import Flask, current_app, request

from charity.extensions import limiter


def _budget() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _not_a_login() -> bool:
    return request.endpoint != "security.login"


#: One limit object for every app: the limiter is shared, and keeps a blueprint's limits once.
LOGIN_LIMIT = limiter.limit(_budget, methods=["POST"], exempt_when=_not_a_login,
                            override_defaults=False)


def limit_logins(app: Flask) -> None:
    """Put the login budget on the app's Flask-Security blueprint (after `security.init_app`)."""
    LOGIN_LIMIT(app.blueprints["security"])
