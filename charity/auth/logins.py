"""Signing in: one message for every failure, and a budget of attempts per account.

The login page answers a wrong password and an unknown e-mail alike, in the user's language,
so it tells nobody which addresses have accounts. Each account (the e-mail as Flask-Security
finds its user: normalised, so `a@ｅxample.org` is `a@example.org`; lower-cased, whether or
not an account has it) has `LOGIN_ATTEMPTS` checks of a password or two-factor code per
`LOGIN_ATTEMPT_WINDOW` seconds, at sign-in and where a signed-in session types the password
again (`/verify`, `/change`); the check that spends the last one
and fails locks the account for `LOGIN_LOCKOUT_SECONDS`, and the page says so. The counts live
in the rate limiter's storage (Redis in production, so every worker shares them; memory for
`make run` and the tests), counted before the password is checked, so however many workers
answer, no more than the budget of checks is made. A successful sign-in starts the count
afresh. Every refused attempt is kept in the security log as `security.login_refused`, and
each lockout as `security.lockout`; neither holds a password, nor what was typed as the e-mail
unless it is an e-mail address (a password typed in the wrong field is not kept).

The address budget (`LOGIN_RATE_LIMIT`, per client address) is `charity.auth.throttle`'s.
"""

import hashlib
from dataclasses import dataclass

from flask import Flask, after_this_request, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user, user_logged_in
from flask_security import (
    ChangePasswordForm,
    LoginForm,
    TwoFactorVerifyCodeForm,
    VerifyForm,
    verify_password,
)

from charity.extensions import limiter
from charity.transaction import commit_refusal

#: The longest e-mail address kept in the security log (RFC 5321's path limit).
EMAIL_KEPT = 254
BAD_CREDENTIALS = _l("The e-mail address or the password is not right.")
BAD_CODE = _l("The code is not right, or it has expired. Enter the code your "
              "authenticator app shows now.")
WRONG_PASSWORD = _l("The password is not right.")
LOCKED = _l("Too many failed sign-ins for this account. It is locked for %(minutes)s minutes; "
            "try again after that.")


def address_of(email: str | None) -> str | None:
    """The e-mail address typed, as Flask-Security normalises it to find the user (the domain
    through IDNA: full-width letters are plain ones), lower-cased; None if it is not one."""
    typed = email.strip() if isinstance(email, str) else ""
    try:
        address = current_app.extensions["security"].mail_util.normalize(typed)
    except ValueError:  # EmailValidateException: not an e-mail address
        return None
    return address.lower()[:EMAIL_KEPT]


def account_of(email: str | None) -> str:
    """The account an attempt is counted on: the address the user is found by, or what was
    typed (trimmed and lower-cased) when that is no e-mail address."""
    typed = email if isinstance(email, str) else ""
    return address_of(typed) or typed.strip().lower()[:EMAIL_KEPT]


def _key(account: str, what: str) -> str:
    """The storage key of an account's count or lock (a hash: no e-mail in Redis)."""
    digest = hashlib.sha256(account.encode()).hexdigest()
    return f"songtan-login-{what}/{digest}"


@dataclass(frozen=True)
class Attempt:
    """One check of a credential for an account: its number in the window, and whether it
    was refused before any check because the account is locked."""

    account: str
    number: int
    refused: bool


def begin(account: str) -> Attempt:
    """Count an attempt on `account` before its credential is checked; refused when the
    account is locked, or when its budget is spent (by other workers, at the same moment)."""
    storage, config = limiter.storage, current_app.config
    if storage.get(_key(account, "lock")) > 0:
        return Attempt(account, 0, True)
    number = storage.incr(_key(account, "attempts"), config["LOGIN_ATTEMPT_WINDOW"])
    return Attempt(account, number, number > config["LOGIN_ATTEMPTS"])


def locks_out(attempt: Attempt) -> bool:
    """After `attempt` failed: lock the account if it spent the last of the budget (exactly
    one attempt does), and say whether it did."""
    if attempt.number != current_app.config["LOGIN_ATTEMPTS"]:
        return False
    limiter.storage.incr(_key(attempt.account, "lock"),
                         current_app.config["LOGIN_LOCKOUT_SECONDS"])
    return True


def forget(account: str) -> None:
    """A successful sign-in: the account's count starts afresh."""
    limiter.storage.clear(_key(account, "attempts"))


def locked_message() -> str:
    """The lockout's message, in the user's language."""
    return str(LOCKED % {"minutes": current_app.config["LOGIN_LOCKOUT_SECONDS"] // 60})


def _answer_429() -> None:
    """A refused attempt answers 429 (Too Many Requests), with the page and its message."""

    def status(response):
        response.status_code = 429
        return response

    after_this_request(status)


class CountedCheck:
    """What the login and two-factor forms share: count the attempt, refuse it when the
    account is locked, and keep every refusal (and a lockout's start) in the security log."""

    user = None
    #: Why a failed check is refused, as the security log keeps it.
    refusal = "password"

    def counted(self, account: str, check) -> bool:
        """Run `check()` (the form's own validation) as one attempt on `account`."""
        attempt = begin(account)
        if attempt.refused:
            self.refused_with(locked_message())
            _answer_429()
            self._log(attempt, "locked")
            return False
        if check():
            return True
        self.refused_with(None)
        self._log(attempt, self.reason())
        if locks_out(attempt):
            commit_refusal("lockout", object_type="user", object_id=self._user_id(),
                           email=address_of(account))
            self.refused_with(locked_message())
        return False

    def refused_with(self, message) -> None:
        """Put the refusal's message (None: the one for any wrong credentials) among the
        form's errors, once."""
        text = str(message or BAD_CREDENTIALS)
        if text not in self.form_errors:
            self.form_errors.append(text)

    def reason(self) -> str:
        """Why the check failed, as the security log keeps it: the class's `refusal`."""
        return self.refusal

    def _user_id(self) -> int | None:
        return None if self.user is None else self.user.id

    def _log(self, attempt: Attempt, reason: str) -> None:
        commit_refusal("login_refused", object_type="user", object_id=self._user_id(),
                       email=address_of(attempt.account), reason=reason)


class CountedLoginForm(CountedCheck, LoginForm):
    """Flask-Security's login form, counted per account, with one message for an unknown
    e-mail, a wrong password and a disabled account alike."""

    def validate(self, **kwargs) -> bool:
        """Check the password as one counted attempt (nothing to count without both fields).
        Spaces around the e-mail (a phone keyboard's trailing one) are not part of it."""
        if isinstance(self.email.data, str):
            self.email.data = self.email.data.strip()
        account = account_of(self.email.data)
        if not account or not self.password.data:
            return super().validate(**kwargs)
        return self.counted(account, lambda: super(CountedLoginForm, self).validate(**kwargs))

    def reason(self) -> str:
        """A wrong password or unknown e-mail; or a right password for a disabled account."""
        return "disabled" if self.user_authenticated else "password"

    def refused_with(self, message) -> None:
        """Replace whatever the check said about the e-mail or the password by one message."""
        for field in (self.email, self.password):
            field.errors = []
        super().refused_with(message)


class CountedCodeForm(CountedCheck, TwoFactorVerifyCodeForm):
    """Flask-Security's two-factor code form: at sign-in each code is a counted attempt on
    the account, and a wrong one gets a message in the user's language."""

    refusal = "two_factor_code"  # a wrong, expired or replayed code

    def validate(self, **kwargs) -> bool:
        """Check the code; while setting up (signed in already) it is not counted."""
        if self.is_setup or self.user is None:
            return super().validate(**kwargs)
        return self.counted(account_of(self.user.email),
                            lambda: super(CountedCodeForm, self).validate(**kwargs))

    def refused_with(self, message) -> None:
        """The code's error, in the user's language."""
        self.code.errors = [str(message or BAD_CODE)]


class CurrentPasswordCheck(CountedCheck):
    """A signed-in user typing their password again (`/verify`, `/change`): each check is a
    counted attempt on the account, so a session left open guesses no more than a login."""

    refusal = "current_password"

    def validate(self, **kwargs) -> bool:
        """Count the current password's check, then run the form's own validation."""
        if not current_user.password:
            return super().validate(**kwargs)
        typed = self.password.data if isinstance(self.password.data, str) else ""
        self.user = current_user

        def right() -> bool:
            normalised = current_app.extensions["security"].password_util.normalize(typed)
            return bool(typed) and verify_password(normalised, current_user.password)

        return self.counted(account_of(current_user.email), right) and \
            super().validate(**kwargs)

    def refused_with(self, message) -> None:
        """The password's error, in the user's language."""
        self.password.errors = [str(message or WRONG_PASSWORD)]


class CountedVerifyForm(CurrentPasswordCheck, VerifyForm):
    """Flask-Security's re-authentication form, counted per account."""


class CountedChangePasswordForm(CurrentPasswordCheck, ChangePasswordForm):
    """Flask-Security's change-password form, its current password counted per account."""


def start_afresh(app: Flask, user=None, **_extra) -> None:
    """On a completed sign-in (password and, where needed, code): the account's count
    starts afresh."""
    if user is not None:
        forget(account_of(user.email))


def count_attempts(app: Flask) -> None:
    """Have the app's sign-ins start the account's count afresh (after `security.init_app`)."""
    user_logged_in.connect(start_afresh, app)
