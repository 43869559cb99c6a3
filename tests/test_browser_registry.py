"""In a browser, on a phone-sized screen: a street officer logs in, finds a person, sees the
masked ID, and switches to English."""

from datetime import date

import pytest

from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.registry import operations
from tests import factories
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser


def prepare(app):
    streets = load_reference()
    load_communities(streets)
    factories.user("street_officer", "七星岗", email="officer@songtan.test")
    community = streets["七星岗"].communities[0]
    household = operations.create_household("B0001", streets["七星岗"].id, community.id,
                                            "金汤街1号")
    operations.enrol(household, factories.id_number(date(1956, 3, 2), "F"), date(2026, 11, 1),
                     "测试", name="李秀英", category="dibao", dibao_class="A")


def test_street_officer_finds_person_sees_masked_id_and_switches_language(tmp_path):
    require_browser()
    with live_server(tmp_path, prepare) as base, browser_page() as page:
        log_in(page, base, "officer@songtan.test", factories.PASSWORD)
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
