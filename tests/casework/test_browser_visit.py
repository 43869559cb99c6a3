"""In a browser, on a phone: a cadre logs a festival visit with a need found, in Chinese,
and the log shows in English."""

from datetime import timedelta

import pytest

from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.timeutil import local_today
from tests.factories import PASSWORD, PairingFactory, VisitCampaignFactory
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser


def prepare(app):
    load_communities(load_reference())
    PairingFactory(cadre__name="王干部", cadre__with_user=True,
                   cadre__user__email="cadre-live@songtan.test",
                   person__name="陈秀兰", person__elderly_alone=True,
                   person__monthly_income_fen=88800)
    today = local_today()
    VisitCampaignFactory(festival="spring_festival", starts_on=today - timedelta(days=3),
                         ends_on=today + timedelta(days=10))


def test_cadre_logs_a_festival_visit_on_a_phone(tmp_path):
    require_browser()
    with live_server(tmp_path, prepare) as base, browser_page() as page:
        log_in(page, base, "cadre-live@songtan.test", PASSWORD)
        page.goto(f"{base}/visits/")
        assert "陈秀兰" in page.content() and "888" not in page.content()
        page.click("article.task a[role=button]")
        page.fill("textarea[name=notes]", "送去米油和春联，老人身体尚可。")
        page.check("input[name=needs][value=medical_cover]")
        page.screenshot(path=str(tmp_path / "visit-form-zh.png"), full_page=True)
        page.click("form[action*='/visits/tasks/'] button[type=submit]")
        page.wait_for_url(lambda url: url.rstrip("/").endswith("/visits"))
        assert page.locator(".flash-success").count() == 1
        page.goto(f"{base}/lang/en?next=/visits/")
        assert "Visited on" in page.content() and "Log the visit" not in page.content()
        page.screenshot(path=str(tmp_path / "visits-en.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
