"""In a browser on a phone: a volunteer accepts one household and declines another, which is
re-matched at once to another volunteer."""

import pytest
from sqlalchemy import select

from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.extensions import db
from charity.pairing.models import Pairing
from tests.factories import PASSWORD, PairingFactory, VolunteerFactory
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser


def prepare(app):
    load_communities(load_reference())
    mine = VolunteerFactory(capacity=2, name="我", with_user=True,
                            user__email="helper@songtan.test")
    VolunteerFactory(capacity=1, name="后备志愿者")
    for name in ("张大爷", "王阿姨"):
        PairingFactory(by_volunteer=True, volunteer=mine, person__name=name, status="proposed",
                       reasons=[{"code": "same_community", "params": {}}])


def test_volunteer_accepts_and_declines(tmp_path):
    require_browser()
    seen = {}

    def check(app):
        prepare(app)
        seen["app"] = app

    with live_server(tmp_path, check) as base, browser_page() as page:
        log_in(page, base, "helper@songtan.test", PASSWORD)
        page.goto(f"{base}/my/pairings")
        first = page.locator("article.pairing", has_text="张大爷")
        assert "同一社区" in first.inner_text()  # why the helper was chosen, in Chinese
        first.locator("button.accept").click()
        page.wait_for_load_state()
        assert page.locator("article.pairing", has_text="张大爷").locator(
            "button.accept").count() == 0
        second = page.locator("article.pairing", has_text="王阿姨")
        second.locator("summary").click()
        second.locator("textarea[name=reason]").fill("行动不便，无法上门")
        second.locator("button.decline").click()
        page.wait_for_load_state()
        assert page.locator("article.pairing", has_text="王阿姨").count() == 0
        assert page.locator(".flash-success").count() == 1
        page.screenshot(path=str(tmp_path / "mine.png"))
    with seen["app"].app_context():
        rows = db.session.execute(select(Pairing.status, Pairing.volunteer_id)).all()
        statuses = sorted(status for status, _v in rows)
        assert statuses == ["active", "declined", "proposed"]
        db.engine.dispose()
