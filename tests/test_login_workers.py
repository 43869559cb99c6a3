"""The sign-in limits hold across processes: the app under gunicorn with two workers, counting
in Redis, is sent 30 wrong passwords for one account at once. However the requests fall on
the workers, exactly the account's budget (10) reaches a password check, and the address's
budget (25 a minute here) turns the rest away. Needs Redis on 127.0.0.1:6379 (CI starts it);
`SONGTAN_TEST_REDIS_URL` names another."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import flask_migrate
import pytest
import requests

from charity import create_app
from charity.auth.operations import create_user
from charity.extensions import db
from tests.conftest import TEST_CONFIG

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("SONGTAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
EMAIL, PASSWORD = "worker-test@songtan.test", "lantern-river-pocket-1987"
ATTEMPTS, ACCOUNT_BUDGET, ADDRESS_BUDGET = 30, 10, 25


def _redis():
    """The test's Redis database, cleared of the limiter's keys; skip (fail in CI) without."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        reason = f"needs Redis at {REDIS_URL} (CI starts it; or set SONGTAN_TEST_REDIS_URL)"
        client.close()
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return client


def _clear(client) -> None:
    for key in client.scan_iter("LIMITS*"):
        client.delete(key)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database(path: Path) -> str:
    """A migrated SQLite file with one account, as the workers will find it."""
    url = f"sqlite:///{path}"
    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="head")
        create_user(EMAIL, PASSWORD, ["donor"])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return url


def _workers(pid: int) -> list[str]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return children.read_text().split() if children.exists() else []


def _wait_until_serving(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped"
        try:
            if requests.get(f"{base}/login", timeout=10).status_code == 200 and \
                    len(_workers(server.pid)) == 2:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    pytest.fail("gunicorn did not start in 60 s")


@pytest.fixture
def server(tmp_path):
    """gunicorn, two workers, limits in Redis; stopped and its keys cleared afterwards."""
    store = _redis()
    _clear(store)
    database = tmp_path / "workers.db"
    port = _free_port()
    env = os.environ | {"SONGTAN_ENV": "development", "DATABASE_URL": _database(database),
                        "RATELIMIT_STORAGE_URI": REDIS_URL,
                        "LOGIN_RATE_LIMIT": f"{ADDRESS_BUDGET} per minute",
                        "LOGIN_ATTEMPTS": str(ACCOUNT_BUDGET)}
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "charity:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, process)
        yield base, database
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        _clear(store)
        # no socket is left for the garbage collector to find in a later test (an error there)
        store.close()


def _attempt(base: str, cookies: dict, token: str) -> tuple[int, bool]:
    response = requests.post(f"{base}/login", cookies=cookies, timeout=60, data={
        "email": EMAIL, "password": "not-the-password-at-all", "csrf_token": token})
    return response.status_code, 'name="password"' in response.text


def test_two_workers_share_the_account_and_address_budgets(server):
    base, database = server
    form = requests.get(f"{base}/login", timeout=10)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text).group(1)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: _attempt(base, form.cookies.get_dict(), token),
                                range(ATTEMPTS)))
    checked = sum(1 for code, _ in answers if code == 200)
    locked = sum(1 for code, page in answers if code == 429 and page)
    turned_away = sum(1 for code, page in answers if code == 429 and not page)
    assert (checked, locked, turned_away) == (ACCOUNT_BUDGET, ADDRESS_BUDGET - ACCOUNT_BUDGET,
                                              ATTEMPTS - ADDRESS_BUDGET), answers
    with sqlite3.connect(database) as connection:
        logged = connection.execute(
            "SELECT action, json_extract(detail, '$.reason'), count(*) FROM audit_entry "
            "GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    assert logged == [("security.lockout", None, 1),
                      ("security.login_refused", "address_budget", 1),
                      ("security.login_refused", "locked", ADDRESS_BUDGET - ACCOUNT_BUDGET),
                      ("security.login_refused", "password", ACCOUNT_BUDGET)]
