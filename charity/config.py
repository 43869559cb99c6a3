"""Configuration: defaults here, overridden by the environment and by a test's own mapping."""

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
#: Where `make run` serves the platform.
DEVELOPMENT_URL = "http://127.0.0.1:5000/"


def _derived_key(secret: str, purpose: str) -> str:
    """A development key derived from SECRET_KEY; production sets its own in the environment."""
    return hashlib.sha256(f"{purpose}:{secret}".encode()).hexdigest()


class Config:
    """Defaults for development and `make run`; every value can come from the environment."""

    #: "development" (what `make` and the tests set) may run on the development secrets below;
    #: anything else, unset included, is production (see `refuse_development_secrets`).
    SONGTAN_ENV = os.environ.get("SONGTAN_ENV", "production")
    SECRET_KEY = os.environ.get("SECRET_KEY", "songtan-development-secret-change-me")  # demo
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'songtan.db'}"
    )
    #: A failed statement's error names no values: they may be a person's (see main/scrub.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    #: Fernet key (urlsafe base64, 32 bytes) for ID numbers at rest.
    ID_ENCRYPTION_KEY = os.environ.get("ID_ENCRYPTION_KEY")
    #: HMAC key for the keyed hash that finds duplicate ID numbers without decrypting.
    ID_HASH_KEY = os.environ.get("ID_HASH_KEY")

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "charity" / "translations")
    LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}

    WTF_CSRF_TIME_LIMIT = None
    #: Cookies scripts cannot read, not sent on cross-site subrequests; `Secure` in production.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: Uploads (roster workbooks) larger than this are refused with 413.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024

    SECURITY_PASSWORD_HASH = "argon2"  # noqa: S105 (the hash algorithm's name, not a password)
    SECURITY_PASSWORD_SALT = os.environ.get("SECURITY_PASSWORD_SALT", "songtan-dev-salt")
    SECURITY_PASSWORD_LENGTH_MIN = 10
    #: Passwords must be hard to guess (zxcvbn, through Flask-Security; `charity/auth/
    #: passwords.py`). No breached-password look-up: the platform may run without internet.
    SECURITY_PASSWORD_COMPLEXITY_CHECKER = "zxcvbn"  # noqa: S105 (a checker's name)
    SECURITY_ZXCVBN_MINIMUM_SCORE = 3
    SECURITY_PASSWORD_CHECK_BREACHED = False
    #: Unauthenticated pages never tell whether an account exists (`charity/auth/logins.py`).
    SECURITY_RETURN_GENERIC_RESPONSES = True
    SECURITY_USERNAME_ENABLE = False
    SECURITY_REGISTERABLE = False
    SECURITY_RECOVERABLE = False
    SECURITY_CHANGEABLE = True
    SECURITY_SEND_PASSWORD_CHANGE_EMAIL = False
    SECURITY_TRACKABLE = True
    SECURITY_TWO_FACTOR = True
    #: Global switch off: two-factor is required per role (`charity/auth/two_factor.py`).
    SECURITY_TWO_FACTOR_REQUIRED = False
    SECURITY_TWO_FACTOR_ENABLED_METHODS = ["authenticator"]
    #: No code is e-mailed to a user who lost the authenticator (`charity/auth/two_factor.py`).
    SECURITY_TWO_FACTOR_RESCUE_EMAIL = False
    SECURITY_TOTP_ISSUER = "Songtan"
    SECURITY_POST_LOGIN_VIEW = "/"
    SECURITY_POST_LOGOUT_VIEW = "/"
    # Flask-Security's own Chinese, then ours for the messages its catalogue leaves empty.
    SECURITY_I18N_DIRNAME = ["builtin", str(ROOT / "charity" / "translations")]
    SECURITY_EMAIL_VALIDATOR_ARGS = {"check_deliverability": False, "test_environment": True}

    #: Where the limits are counted: `redis://host:6379/0` in production, so every worker
    #: shares one count; memory (one process) for `make run` and the tests.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_DEFAULT = "600 per minute"
    #: Calls per API token (the data-sharing API, `charity.api`).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")
    #: Sign-in attempts (passwords and two-factor codes) per client address.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    #: Searches of the roster's person pickers, per signed-in user (a picker asks once per
    #: pause in typing).
    PERSON_SEARCH_RATE_LIMIT = os.environ.get("PERSON_SEARCH_RATE_LIMIT", "120 per minute")
    #: Checks of a password or code per account (the e-mail typed) per window; the failed
    #: check that spends the last locks the account for LOGIN_LOCKOUT_SECONDS.
    LOGIN_ATTEMPTS = int(os.environ.get("LOGIN_ATTEMPTS", "10"))
    LOGIN_ATTEMPT_WINDOW = int(os.environ.get("LOGIN_ATTEMPT_WINDOW", "900"))
    LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
    #: How many proxies in front of the app set X-Forwarded-For/-Proto (0: none, the client
    #: address is the connection's); the per-address limits and the logs use what they say.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    #: Stripe, by Stripe's names. The defaults talk to localstripe (`make run` starts it);
    #: with real keys, leave STRIPE_API_BASE empty and the same code talks to Stripe.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "sk_test_songtan_localstripe")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY",
                                            "pk_test_songtan_localstripe")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_songtan_localstripe")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    #: Stripe.js; empty = `<STRIPE_API_BASE>/js.stripe.com/v3/` or https://js.stripe.com/v3/.
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "")
    #: Comma-separated; e.g. "card,wechat_pay,alipay" where the account offers them.
    STRIPE_PAYMENT_METHOD_TYPES = os.environ.get("STRIPE_PAYMENT_METHOD_TYPES", "card")
    STRIPE_WEBHOOK_TOLERANCE = int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE", "300"))
    #: Offline gifts at or above this many fen need a second person to confirm them.
    OFFLINE_CONFIRM_THRESHOLD_FEN = int(os.environ.get("OFFLINE_CONFIRM_THRESHOLD_FEN",
                                                       "1000000"))
    #: The job queue (see charity/jobs/queue.py): Celery's filesystem transport under
    #: instance/queue by default (no server), or e.g. redis://host:6379/0 for workers elsewhere.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
    #: Empty: a SQLAlchemy result backend in instance/celery-results.db.
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
    #: Seconds before a message a dead worker held goes back to the queue (Redis); 0: Celery's.
    CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "0"))
    #: Run jobs at once in the process that starts them (the tests do).
    CELERY_TASK_ALWAYS_EAGER = False
    #: Whether a pairing run that splits into independent components solves each as a task of
    #: its own on any worker (see charity/pairing/components.py): "auto" (the default) when the
    #: queue is shared (Redis), not on the embedded filesystem queue; "1" always, "0" never.
    PAIRING_COMPONENT_TASKS = os.environ.get("PAIRING_COMPONENT_TASKS", "auto")
    #: People from which a component handed to the workers goes as one task per helper layer
    #: (`matching.work_parts`): two workers then solve its cadre and volunteer layers at once.
    #: At 10x a district (120,180 people) that takes the run from the sum of the layers to the
    #: longest one; at 1x the layers take about half a second each, less than moving them.
    PAIRING_LAYER_PARTS_FROM = int(os.environ.get("PAIRING_LAYER_PARTS_FROM", "50000"))
    #: Days an export's file (personal data) is kept after its job ended; then it is removed.
    EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))
    #: Days a sponsorship pledge waits for its first gift; then it expires and pairs nobody.
    SPONSORSHIP_PLEDGE_DAYS = int(os.environ.get("SPONSORSHIP_PLEDGE_DAYS", "30"))

    #: Mail (Flask-Mailman, `charity/main/mail.py`). MAIL_BACKEND: "smtp" (production's
    #: default, with MAIL_SERVER, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS or
    #: MAIL_USE_SSL), "file" (development's default: one file per message in MAIL_FILE_PATH,
    #: instance/outbox) or "locmem" (the tests').
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "") == "1"
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "20"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER",
                                         "送炭 Songtan <noreply@songtan.test>")
    MAIL_FILE_PATH = os.environ.get("MAIL_FILE_PATH", str(ROOT / "instance" / "outbox"))
    #: The platform's address as e-mails link to it when no request gives it (a job's mail).
    #: Production must set it: only its host (and those of `TRUSTED_HOSTS`) is served there.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", DEVELOPMENT_URL)
    #: Production's hosts besides `PUBLIC_URL`'s (comma-separated). A request naming another
    #: Host is refused (400): e-mailed links are made from the request's host, and a forged
    #: Host would send a confirmation link, token and all, to someone else's server.
    EXTRA_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    #: Sign-ups per client address (the public volunteer and organisation pages).
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "5 per hour")
    #: Hours a sign-up's confirmation link is valid.
    SIGNUP_CONFIRM_HOURS = int(os.environ.get("SIGNUP_CONFIRM_HOURS", "48"))
    #: Grievances (and look-ups by tracking code) per client address on the public pages.
    GRIEVANCE_RATE_LIMIT = os.environ.get("GRIEVANCE_RATE_LIMIT", "10 per hour")
    #: Days staff have to answer a grievance.
    GRIEVANCE_ANSWER_DAYS = int(os.environ.get("GRIEVANCE_ANSWER_DAYS", "15"))


DEMO_SECRETS = {
    "SECRET_KEY": "songtan-development-secret-change-me",
    "STRIPE_WEBHOOK_SECRET": "whsec_songtan_localstripe",
}
#: What production must set itself: the development values are public, in this file.
OWN_SECRETS = {
    "SECRET_KEY": DEMO_SECRETS["SECRET_KEY"],
    "ID_ENCRYPTION_KEY": None,
    "ID_HASH_KEY": None,
    "SECURITY_PASSWORD_SALT": "songtan-dev-salt",
}


def is_production(config: dict) -> bool:
    """Production is every run not explicitly marked `SONGTAN_ENV=development`."""
    return config.get("SONGTAN_ENV") != "development"


def refuse_development_secrets(config: dict) -> None:
    """Production starts only on its own secrets: a public SECRET_KEY lets anyone sign a
    session, and ID keys derived from it would open every ID number. It never runs the
    debugger either, and its cookies are sent over HTTPS only."""
    if not is_production(config):
        return
    weak = [name for name, development in OWN_SECRETS.items()
            if not config.get(name) or config[name] == development]
    if weak:
        raise RuntimeError("SONGTAN_ENV is production (anything but 'development' is): set "
                           "your own " + ", ".join(weak) + " in the environment")
    try:
        Fernet(config["ID_ENCRYPTION_KEY"])
    except ValueError:
        raise RuntimeError("ID_ENCRYPTION_KEY is not a Fernet key (32 bytes, urlsafe base64)") \
            from None
    if config.get("DEBUG"):
        raise RuntimeError("SONGTAN_ENV is production: turn FLASK_DEBUG off")
    host = urlsplit(config.get("PUBLIC_URL") or "").hostname
    if not host or config["PUBLIC_URL"] == DEVELOPMENT_URL:
        raise RuntimeError("SONGTAN_ENV is production: set PUBLIC_URL, the address people and "
                           "e-mails reach the platform at (https://…/)")
    config["TRUSTED_HOSTS"] = [host, *config.get("EXTRA_HOSTS", ())]
    config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True


def refuse_demo_secrets(config: dict) -> None:
    """With real Stripe keys the platform takes real money: it will not start on the demo's
    public secrets (a forged webhook could credit unpaid gifts, a forged session sign anyone
    in), nor with ID keys derived from such a secret."""
    real = not config.get("STRIPE_API_BASE") and \
        not config["STRIPE_SECRET_KEY"].endswith("_songtan_localstripe")
    if not real:
        return
    weak = [name for name, value in DEMO_SECRETS.items() if config.get(name) == value]
    weak += [name for name in ("ID_ENCRYPTION_KEY", "ID_HASH_KEY") if not config.get(name)]
    if weak:
        raise RuntimeError("Real Stripe keys are set; set these too: " + ", ".join(weak))


def finish(config: dict) -> None:
    """Fill the keys that derive from others once test or environment overrides are in."""
    refuse_development_secrets(config)
    refuse_demo_secrets(config)
    secret = config["SECRET_KEY"]
    if not config.get("ID_HASH_KEY"):
        config["ID_HASH_KEY"] = _derived_key(secret, "id-hash")
    if not config.get("ID_ENCRYPTION_KEY"):
        import base64

        raw = hashlib.sha256(f"id-encryption:{secret}".encode()).digest()
        config["ID_ENCRYPTION_KEY"] = base64.urlsafe_b64encode(raw).decode()
    if not config.get("SECURITY_TOTP_SECRETS"):
        config["SECURITY_TOTP_SECRETS"] = {"1": _derived_key(secret, "totp")}
    if not config.get("MAIL_BACKEND"):
        config["MAIL_BACKEND"] = "locmem" if config.get("TESTING") else (
            "smtp" if is_production(config) else "file")
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri.removeprefix("postgres://")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    config["SQLALCHEMY_DATABASE_URI"] = uri
