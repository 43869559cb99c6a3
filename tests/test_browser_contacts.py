"""On a phone: a cadre opens a person paired with them, logs a heart-to-heart talk with the
form's defaults (today, 30 minutes) and a gift of goods, and sees both in their history."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from charity.contacts.models import Contact
from charity.database import utcnow
from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.extensions import db
from charity.timeutil import local_today
from tests.factories import PASSWORD, CadreFactory, PairingFactory
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser


def prepare(app, apps: list):
    """The reference data and one cadre paired with 刘奶奶 for two months; keeps the app."""
    apps.append(app)
    load_communities(load_reference())
    cadre = CadreFactory(with_user=True, user__email="cadre-phone@songtan.test")
    PairingFactory(cadre=cadre, person__name="刘奶奶", accepted_at=utcnow() - timedelta(days=60))


def test_cadre_logs_a_talk_and_goods_on_a_phone(tmp_path):
    require_browser()
    apps = []
    with live_server(tmp_path, lambda app: prepare(app, apps)) as base, browser_page() as page:
        log_in(page, base, "cadre-phone@songtan.test", PASSWORD)
        page.goto(f"{base}/my/pairings")
        page.locator("article.pairing", has_text="刘奶奶").locator("a.log-contact").click()
        page.wait_for_load_state()
        page.select_option("select[name=kind]", "heart_to_heart")
        page.fill("textarea[name=note]", "聊了很久，心情不错")
        page.locator("form.contact-form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".flash-success").count() == 1
        page.select_option("select[name=kind]", "goods")
        page.fill("input[name=minutes]", "20")
        page.locator("form.contact-form summary").click()
        page.fill("input[name=goods]", "棉被一床")
        page.locator("form.contact-form button[type=submit]").click()
        page.wait_for_load_state()
        history = page.locator("table.history").inner_text()
        assert "交心谈心" in history and "棉被一床" in history and "30" in history
        page.screenshot(path=str(tmp_path / "contacts.png"), full_page=True)
    with apps[0].app_context():
        rows = db.session.execute(select(Contact.kind, Contact.minutes, Contact.happened_on)
                                  .order_by(Contact.id)).all()
        assert [tuple(r) for r in rows] == [("heart_to_heart", 30, local_today()),
                                            ("goods", 20, local_today())]
        db.engine.dispose()
