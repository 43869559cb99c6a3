"""A session ends for good: a cookie copied before logging out, or before a password change,
signs nobody in afterwards.

Flask-Security finds the signed-in user by the account's `fs_uniquifier`, which the session
and remember cookies carry; a new uniquifier makes every earlier cookie of the account point
at nobody. Flask-Security gives the account a new one at a password change
(`change_user_password`); logging out does it here. Logging out therefore ends the account's
sessions on every device, which is what a shared or lost device needs.
"""

from flask import Flask
from flask_login import user_logged_out

from charity.transaction import unit_of_work


def end_every_session(app: Flask, user=None, **_extra) -> None:
    """On logout: a new `fs_uniquifier` for the account, committed at once."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    with unit_of_work():
        app.extensions["security"].datastore.set_uniquifier(user)


def end_sessions_at_logout(app: Flask) -> None:
    """Have the app's logouts end every session of the account (after `security.init_app`)."""
    user_logged_out.connect(end_every_session, app)
