"""The password policy: at least `SECURITY_PASSWORD_LENGTH_MIN` characters and hard to guess
(zxcvbn's score of at least `SECURITY_ZXCVBN_MINIMUM_SCORE`, through Flask-Security), wherever
a password is set: the change-password page, `create_user`, and Flask-Security's `flask users`
commands. zxcvbn explains itself in English only, so a refusal says one thing, in the user's
language."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_security import PasswordUtil

from charity.errors import DomainError

TOO_WEAK = _l("Choose a stronger password: at least %(length)s characters and hard to guess "
              "(several unrelated words, for example). Common words, names, dates and "
              "keyboard rows are refused.")


class PasswordPolicy(PasswordUtil):
    """Flask-Security's checks (length, zxcvbn), refused with the platform's own message."""

    def validate(self, password: str, is_register: bool, **kwargs) -> tuple[list | None, str]:
        """Flask-Security's validation; any refusal becomes `TOO_WEAK`."""
        errors, normalised = super().validate(password, is_register, **kwargs)
        if errors:
            length = current_app.config["SECURITY_PASSWORD_LENGTH_MIN"]
            errors = [str(TOO_WEAK % {"length": length})]
        return errors, normalised


class WeakPassword(DomainError):
    """A password the policy refuses."""


def check_strength(password: str, **about) -> str:
    """The password, normalised, if the policy accepts it (`about`: the account's e-mail and
    name, which a password must not lean on); `WeakPassword` otherwise."""
    errors, normalised = current_app.extensions["security"].password_util.validate(
        password, True, **about)
    if errors:
        raise WeakPassword(errors[0])
    return normalised
