"""In a browser: a street officer (a role signed in without a second factor) starts a pairing
run, watches the job's progress bar move while a worker solves, and lands on the preview when
the job is done. The job runs on a Celery worker thread in this process (in-memory broker), not
in the request."""

import time

import pytest

import matching
from tests.factories import PASSWORD, CadreFactory, PersonFactory, VolunteerFactory, user
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser
ON_A_WORKER = {"CELERY_BROKER_URL": "memory://", "CELERY_RESULT_BACKEND": "cache+memory://",
               "CELERY_TASK_ALWAYS_EAGER": False}


def prepare(app):
    from charity.demo.operations import load_communities
    from charity.district.operations import load_reference

    load_communities(load_reference())
    for _ in range(4):
        PersonFactory(household__street_name="七星岗")
    for _ in range(3):
        CadreFactory(street_name="七星岗")
    VolunteerFactory(street_name="七星岗", capacity=2)
    user("street_officer", "七星岗", email="officer@songtan.test")


def test_a_pairing_run_shows_its_progress_and_lands_on_the_preview(tmp_path, monkeypatch):
    require_browser()
    from celery.contrib.testing.worker import start_worker

    real = matching.solve

    def slow(problem):  # long enough for the page to show the solving step
        time.sleep(2.5)
        return real(problem)

    monkeypatch.setattr(matching.split, "solve", slow)  # what solve_split calls
    seen, shown = {}, []

    def check(app):
        prepare(app)
        seen["app"] = app

    with live_server(tmp_path, check, ON_A_WORKER) as base, \
            start_worker(seen["app"].extensions["celery"], pool="solo",
                         perform_ping_check=False, shutdown_timeout=20), \
            browser_page() as page:
        page.on("response", lambda r: shown.append(r)
                if r.url.endswith(".json") and "/jobs/" in r.url else None)
        log_in(page, base, "officer@songtan.test", PASSWORD)
        page.goto(f"{base}/pairing/")
        page.click("form[action$='/pairing/runs'] button[type=submit]")
        page.wait_for_url(lambda url: "/jobs/" in url)
        assert page.locator("progress.job-bar").count() == 1
        bar, moved, deadline = page.locator("progress.job-bar"), 0, time.monotonic() + 20
        while not moved and time.monotonic() < deadline:  # the script moves it as it polls
            page.wait_for_timeout(100)
            moved = bar.get_attribute("value") != "0" and bar.evaluate("bar => bar.value")
        words = page.locator(".job-progress").inner_text()
        page.screenshot(path=str(tmp_path / "job.png"))
        page.wait_for_url(lambda url: "/pairing/runs/" in url, timeout=30_000)
        assert "OPTIMAL" in page.content() or "最优" in page.content()
        page.screenshot(path=str(tmp_path / "preview.png"))
    assert 0 < moved < 100 and words in ("优化器正在求解", "正在保存结果")
    assert len(shown) >= 2  # the page asked more than once while the worker solved
