"""A session ends for good at logout and at a password change; cookies are HttpOnly, SameSite=Lax
and, in production, Secure; production refuses to start on the development secrets."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from charity import create_app
from charity.extensions import db
from tests.conftest import TEST_CONFIG
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent
#: The limiter is shared by every app: these apps keep the suite's budgets.
BUDGETS = {name: TEST_CONFIG[name] for name in ("RATELIMIT_DEFAULT", "LOGIN_RATE_LIMIT")}
OWN_SECRETS = {"SECRET_KEY": "a-production-secret-of-our-own",
               "ID_ENCRYPTION_KEY": Fernet.generate_key().decode(),
               "ID_HASH_KEY": "a-hash-key-of-our-own", "SECURITY_PASSWORD_SALT": "our-own-salt",
               "PUBLIC_URL": "https://songtan.test/"}
NEW_PASSWORD = "Lantern-orbit-kettle-93"
HTTPS = "https://songtan.test"


def replayed(app, cookies: dict, path: str):
    """GET `path` from a fresh client that carries only the copied cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other.get(path)


def cookies_of(client, *names) -> dict:
    return {name: client.get_cookie(name).value for name in names if client.get_cookie(name)}


@pytest.mark.parametrize("path", ["/donations/portal", "/registry/people"])
def test_a_session_cookie_replayed_after_logout_signs_nobody_in(app, client, auth, path):
    auth.login(UserFactory(role="admin"))
    copied = cookies_of(client, "session")
    assert replayed(app, copied, path).status_code == 200
    auth.logout()
    response = replayed(app, copied, path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_remember_cookie_replayed_after_logout_signs_nobody_in(app, client):
    donor = UserFactory(role="donor")
    client.post("/login", data={"email": donor.email, "password": PASSWORD, "remember": "y"})
    copied = cookies_of(client, "remember_token")
    assert copied and replayed(app, copied, "/donations/portal").status_code == 200
    client.post("/logout")
    assert replayed(app, copied, "/donations/portal").status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_its_own(app, client, auth):
    donor = UserFactory(role="donor")
    auth.login(donor)
    elsewhere = cookies_of(client, "session")
    other = app.test_client()
    other.post("/login", data={"email": donor.email, "password": PASSWORD})
    changed = other.post("/change", data={"password": PASSWORD, "new_password": NEW_PASSWORD,
                                          "new_password_confirm": NEW_PASSWORD})
    assert changed.status_code == 302, changed.get_data(as_text=True)[-1500:]
    assert replayed(app, elsewhere, "/donations/portal").status_code == 302
    assert other.get("/donations/portal").status_code == 200


def test_cookies_are_httponly_and_lax_and_not_secure_over_http_in_development(client):
    donor = UserFactory(role="donor")
    response = client.post("/login", data={"email": donor.email, "password": PASSWORD,
                                           "remember": "y"})
    cookies = {line.split("=", 1)[0]: line for line in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]
    assert "Strict-Transport-Security" not in response.headers


def production_app(tmp_path, **overrides):
    """A production app on its own SQLite file, its schema made from the models."""
    app = create_app({"SONGTAN_ENV": "production", **OWN_SECRETS, **BUDGETS,
                      "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS":
                          TEST_CONFIG["SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS"],
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'production.db'}",
                      **overrides})
    with app.app_context():
        db.create_all()
    return app


def test_production_cookies_are_secure_over_https_with_hsts(tmp_path):
    from charity.auth.operations import create_user

    app = production_app(tmp_path)
    try:
        with app.app_context():
            create_user("donor@songtan.test", PASSWORD, ["donor"])
            db.session.commit()
        client = app.test_client()
        form = client.get("/login", base_url=HTTPS).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        response = client.post("/login", base_url=HTTPS, headers={"Referer": f"{HTTPS}/login"},
                               data={"email": "donor@songtan.test", "password": PASSWORD,
                                     "remember": "y", "csrf_token": token})
        assert response.status_code == 302
        cookies = {line.split("=", 1)[0]: line for line in response.headers.getlist("Set-Cookie")}
        for name in ("session", "remember_token"):
            assert all(flag in cookies[name] for flag in ("Secure", "HttpOnly", "SameSite=Lax"))
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        portal = client.get("/donations/portal", base_url=HTTPS)
        assert portal.status_code == 200 and portal.headers["Cache-Control"] == "no-store"
    finally:
        with app.app_context():
            db.engine.dispose()


def test_production_refuses_the_development_secrets():
    production = {"SONGTAN_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://", **BUDGETS}
    with pytest.raises(RuntimeError, match="SECRET_KEY, ID_ENCRYPTION_KEY, ID_HASH_KEY, "
                                           "SECURITY_PASSWORD_SALT"):
        create_app(production | {"SECRET_KEY": "songtan-development-secret-change-me",
                                 "SECURITY_PASSWORD_SALT": "songtan-dev-salt"})
    for name in OWN_SECRETS:
        with pytest.raises(RuntimeError, match=name):
            create_app(production | OWN_SECRETS | {name: ""})
    with pytest.raises(RuntimeError, match="not a Fernet key"):
        create_app(production | OWN_SECRETS | {"ID_ENCRYPTION_KEY": "short"})
    with pytest.raises(RuntimeError, match="FLASK_DEBUG"):
        create_app(production | OWN_SECRETS | {"DEBUG": True})
    assert create_app(production | OWN_SECRETS).config["SESSION_COOKIE_SECURE"] is True


def start(environment: dict) -> subprocess.CompletedProcess:
    """Create the app in a fresh interpreter with only `environment` (and PATH)."""
    return subprocess.run([sys.executable, "-c", "from charity import create_app; create_app()"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PATH": os.environ["PATH"], "DATABASE_URL": "sqlite://",
                               **environment})


def test_an_empty_environment_is_production_and_does_not_start():
    refused = start({})
    assert refused.returncode != 0
    assert "SONGTAN_ENV is production" in refused.stderr and "SECRET_KEY" in refused.stderr
    assert start({"SONGTAN_ENV": "production", **OWN_SECRETS}).returncode == 0
    assert start({"SONGTAN_ENV": "development"}).returncode == 0


def test_signing_out_by_address_is_told_in_the_user_s_language_and_names_the_method(client):
    """GET /logout (signing out is a form's POST): the error page in Chinese, then English,
    with the Allow header HTTP asks for; never Werkzeug's English page."""
    chinese = client.get("/logout")
    assert chinese.status_code == 405 and chinese.headers["Allow"].split(", ").count("POST")
    assert "此网址不能这样打开" in chinese.get_data(as_text=True)
    client.get("/lang/en")
    english = client.get("/logout").get_data(as_text=True)
    assert "This address is not opened that way" in english and "Method Not Allowed" not in english


def test_production_serves_only_its_own_hosts(tmp_path):
    """A forged Host would make the e-mailed links (a monthly gift's confirmation, a volunteer's,
    a receipt's) point at someone else's server, token and all: production answers only the
    host of PUBLIC_URL and those TRUSTED_HOSTS adds (EXTRA_HOSTS here, as the config reads it)."""
    app = production_app(tmp_path, EXTRA_HOSTS=["www.songtan.test"])
    try:
        assert app.config["TRUSTED_HOSTS"] == ["songtan.test", "www.songtan.test"]
        client = app.test_client()
        assert client.get("/login", base_url=HTTPS).status_code == 200
        assert client.get("/login", base_url="https://www.songtan.test").status_code == 200
        forged = client.post("/donations/monthly", base_url="https://evil.example",
                             data={"email": "victim@example.org"})
        assert forged.status_code == 400
    finally:
        with app.app_context():
            db.engine.dispose()
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        production_app(tmp_path, PUBLIC_URL="http://127.0.0.1:5000/")
