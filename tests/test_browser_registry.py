"""In a browser, on a phone-sized screen: a street officer logs in, finds a person, sees the
masked ID, and switches to English."""

from datetime import date

import pytest

from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from tests.factories import PASSWORD, PersonFactory, UserFactory
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser


def prepare(app):
    load_communities(load_reference())
    UserFactory(role="street_officer", email="officer@songtan.test")
    PersonFactory(name="李秀英", sex="F", birth_date=date(1956, 3, 2), dibao_class="A",
                  household__code="B0001", household__address="金汤街1号")


def test_street_officer_finds_person_sees_masked_id_and_switches_language(tmp_path):
    require_browser()
    with live_server(tmp_path, prepare) as base, browser_page() as page:
        log_in(page, base, "officer@songtan.test", PASSWORD)
        page.goto(f"{base}/registry/people")
        assert "困难群众" in page.content() or "名册" in page.content()
        page.fill("input[name=q]", "李秀英")
        page.click("form.filters button[type=submit]")
        page.click("text=李秀英")
        shown = page.inner_text("#id-number")
        assert shown.startswith("5001") and "*" * 12 in shown
        page.screenshot(path=str(tmp_path / "person-zh.png"))
        page.click("a[lang=en]")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert "ID number" in page.content()
        assert page.inner_text("#id-number") == shown
