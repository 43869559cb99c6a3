"""Fixtures: one database per session (migrated from empty), one rolled-back transaction per test.

`DATABASE_URL` selects PostgreSQL; otherwise a temporary SQLite file is used.
"""

import os
from contextlib import contextmanager

import flask_migrate
import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from charity import create_app
from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.extensions import db
from charity.relief import income_lines
from charity.timeutil import local_today
from tests.factories import PASSWORD

#: The tests run on the development secrets, and so do the servers they start.
os.environ.setdefault("SONGTAN_ENV", "development")
TEST_CONFIG = {
    "TESTING": True,
    "SONGTAN_ENV": "development",
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    # The limiter is one object shared by every app, so it stays on, with budgets no test hits
    # unless it lowers them (see test_login_attempts_are_rate_limited).
    "RATELIMIT_DEFAULT": "100000 per minute",
    "LOGIN_RATE_LIMIT": "100000 per minute",
    "SIGNUP_RATE_LIMIT": "100000 per minute",
    "GRIEVANCE_RATE_LIMIT": "100000 per minute",
    # The public coverage is computed afresh in every test.
    "PERSON_SEARCH_RATE_LIMIT": "100000 per minute",
    # Jobs run at once in the request that starts them (tests/test_jobs_workers.py runs real
    # workers).
    "CELERY_TASK_ALWAYS_EAGER": True,
    # A request that only reads and then writes without charity.database.writes fails here
    # (on SQLite it fails in use whenever another writer commits in between).
    "SQLITE_STRICT_WRITES": True,
    "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {"argon2__rounds": 1, "argon2__memory_cost": 1024,
                                               "argon2__parallelism": 1},
}

#: The money model (tests/donations/test_money_model.py): 50 examples here, CI's PostgreSQL
#: pass runs it again with SONGTAN_MONEY_EXAMPLES=500.
settings.register_profile(
    "money", max_examples=int(os.environ.get("SONGTAN_MONEY_EXAMPLES", "50")), deadline=None,
    stateful_step_count=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class BoundSession(FlaskSession):
    """Uses the test's connection for every table (Flask-SQLAlchemy's picks the engine)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


class IsolatedClient(FlaskClient):
    """Each request gets a fresh app context (and so a fresh `g`), as in production, even
    though the test itself holds one open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def reset_schema(app) -> None:
    """An empty database: PostgreSQL's public schema dropped and made anew."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(TEST_CONFIG | {
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
        "INSTANCE_TMP": str(tmp_path_factory.mktemp("instance")),
    })
    app.instance_path = app.config["INSTANCE_TMP"]
    app.test_client_class = IsolatedClient
    with app.app_context():
        reset_schema(app)
        flask_migrate.upgrade(revision="head")
        streets = load_reference()
        load_communities(streets)
        # this year's income line, whatever year the suite runs in (the migration seeds only
        # 2025 and 2026; staff enter each new year's)
        income_lines.fill_missing(local_today())
        db.session.commit()
        db.session.remove()
    return app


@contextmanager
def rolled_back(app):
    """A session whose commits are savepoints inside one transaction, rolled back after (for
    a test, or for a module's data: tests/test_route_crawler.py)."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint",
             "class_": BoundSession})
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def session(app):
    """A session whose commits are savepoints inside one transaction, rolled back after; the
    rate limiter's counts (and the accepted two-factor codes) start empty too."""
    from charity.extensions import limiter

    limiter.reset()
    with rolled_back(app) as rolled:
        yield rolled


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def runner(app, session):
    return app.test_cli_runner()


#: The last time step a test sent a code for, per secret: a code is accepted once, so a test
#: that signs the same account in again sends the next step's code (accepted up to 120 s ahead).
_sent_steps: dict[str, int] = {}


def code_for(secret: str) -> str:
    """A code an authenticator app with `secret` shows now (or a step later, if this one was
    sent already)."""
    from charity.extensions import security

    totp = security.totp_factory._totp.from_source(secret)
    step = max(totp.generate().counter, _sent_steps.get(secret, -1) + 1)
    _sent_steps[secret] = step
    return totp.generate(time=step * totp.period).token


def current_code(user) -> str:
    """A code the user's authenticator app shows now (see `code_for`)."""
    return code_for(user.tf_totp_secret)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password=PASSWORD):
        """Sign in through the login form, and with the authenticator's code where the
        account has one set up (the roles that need a second factor)."""
        response = self.client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
        if "/tf-validate" in response.headers["Location"]:
            response = self.client.post("/tf-validate", data={"code": current_code(user)})
            assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def empty_outbox(app):
    """The test e-mail outbox (`charity.main.mail.outbox`) empty before and after the test."""
    mail_state = app.extensions["mailman"]
    mail_state.outbox = []
    yield
    mail_state.outbox = []
