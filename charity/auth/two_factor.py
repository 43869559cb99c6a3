"""Two-factor sign-in for the roles that move money or approve it
(`permissions.SECOND_FACTOR_ROLES`).

Flask-Security asks `User.check_tf_required` after the password: for those roles the answer is
yes, so a user who has not set up an authenticator app is sent to set one up and is signed in
only once a code from it is accepted. A session that began before (a role granted since, or a
session older than the rule) is held at the setup page here: such a user can open nothing else
but the setup, the code check, the language switch and logout until it is done.

A user who lost their authenticator is told to ask an administrator (`flask users
reset_access`); Flask-Security's other rescues are off: no code is e-mailed (the mailbox would
become a second factor as good as the app) and no mail is sent to a help address (the platform
sends no mail).
"""

from flask import Flask, redirect, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_security import TwoFactorRescueForm, url_for_security
from flask_security.twofactor import is_tf_setup

from charity.auth.permissions import needs_second_factor

#: What a user held at the setup page may still open.
OPEN_DURING_SETUP = frozenset({"security.two_factor_setup", "security.two_factor_token_validation",
                               "security.logout", "static", "main.set_language"})


ASK_AN_ADMINISTRATOR = _l("Lost your authenticator? Ask an administrator of the platform to "
                          "reset your two-factor sign-in; then sign in and set up a new one.")


class RescueByAdministrator(TwoFactorRescueForm):
    """Flask-Security's rescue form, which sends nothing: it says whom to ask."""

    def validate(self, **kwargs) -> bool:
        """Never a rescue by mail: the form answers with whom to ask."""
        self.help_setup.errors = [str(ASK_AN_ADMINISTRATOR)]
        return False


def hold_at_setup():
    """Before each request: send a signed-in user who needs a second factor and has none to
    its setup page."""
    if request.endpoint in OPEN_DURING_SETUP or not current_user.is_authenticated:
        return None
    if needs_second_factor(current_user) and not is_tf_setup(current_user):
        return redirect(url_for_security("two_factor_setup"))
    return None


def require_second_factor(app: Flask) -> None:
    """Hold users of the second-factor roles at its setup until they have one."""
    app.before_request(hold_at_setup)
