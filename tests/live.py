"""A live server for browser tests: the app on a loopback port, with its own migrated SQLite
file (the rollback fixture cannot be shared with a server thread), and Debian's Chromium."""

import os
import shutil
import subprocess  # noqa: S404 - fc-list, to find a Chinese font
import threading
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
from werkzeug.serving import make_server

from charity import create_app
from charity.extensions import db
from tests.conftest import TEST_CONFIG

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chinese_font() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs: the pages are laid out in Chinese
    (a phone has such a font; without one the text is drawn as boxes of another width)."""
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                           check=False) if shutil.which("fc-list") else None
    return bool(found and found.stdout.strip())


def require_browser():
    """Skip (or, in CI, fail) when Debian's Chromium, a Chinese font or Playwright is
    missing."""
    reason = None
    if not Path(CHROMIUM).exists():
        reason = "needs Debian's Chromium: apt-get install chromium fonts-droid-fallback " \
                 "(CI installs them)"
    elif not _chinese_font():
        reason = "needs a Chinese font for the pages' layout: apt-get install " \
                 "fonts-droid-fallback (CI installs it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "needs the playwright package: make install"
    if reason and os.environ.get("SONGTAN_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


@contextmanager
def live_server(tmp_path, prepare, config=None):
    """Serve a fresh app; `prepare(app)` fills its database (inside an app context) first.
    `config` overrides the test configuration (jobs on a worker, say)."""
    app = create_app(TEST_CONFIG | {
        "TESTING": False, "WTF_CSRF_ENABLED": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.db'}"} | (config or {}))
    app.instance_path = str(tmp_path)
    with app.app_context():
        flask_migrate.upgrade(revision="head")
        prepare(app)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@contextmanager
def browser_page(width=390, height=844):
    """A phone-sized page in headless Debian Chromium. Whatever the page's
    Content-Security-Policy refused (a script, a style, a frame) fails the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            refused = []
            page.on("console", lambda message: refused.append(message.text)
                    if "Content Security Policy" in message.text else None)
            yield page
            assert not refused, refused
        finally:
            browser.close()


def log_in(page, base: str, email: str, password: str) -> None:
    """Sign in through the login form and wait until the app has let the user in."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
