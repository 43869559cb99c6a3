"""On a phone: a street officer types part of a name into the relief application's person
picker, moves down its list with the arrow keys, picks with Enter and submits; the application
is for the person picked. Another street's namesake is never offered."""

import pytest
from sqlalchemy import select

from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.extensions import db
from charity.relief.models import Application
from tests.factories import PASSWORD, PersonFactory, UserFactory
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser


def prepare(app, apps: list):
    """Reference data, an officer of 七星岗, two 欧阳 there and one on another street."""
    apps.append(app)
    load_communities(load_reference())
    UserFactory(role="street_officer", email="officer-picker@songtan.test")
    PersonFactory(name="欧阳明", relief_case=True)
    PersonFactory(name="欧阳亮", relief_case=True)
    PersonFactory(name="欧阳远", relief_case=True, street_name="解放碑")


def pick_the_second_with_the_keyboard(page) -> str:
    """Type part of a name, go down the list to its second person and press Enter; that
    person's name."""
    box = page.locator("input[role=combobox]")
    box.click()
    box.press_sequentially("欧阳", delay=50)
    options = page.locator("[role=listbox] [role=option]")
    options.first.wait_for()
    offered = options.all_inner_texts()
    assert len(offered) == 2 and not any("欧阳远" in o for o in offered)
    assert box.get_attribute("aria-expanded") == "true"
    second = options.nth(1).inner_text().split()[0]
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    box.press("Enter")
    assert box.input_value().startswith(second)
    assert page.locator("[role=listbox]").is_hidden()
    assert page.locator("input[type=hidden][name=person_id]").input_value() != ""
    return second


def test_officer_picks_a_person_by_name_with_the_keyboard_and_applies(tmp_path):
    require_browser()
    served = []
    with browser_page() as page, live_server(tmp_path, lambda app: prepare(app, served)) as base:
        log_in(page, base, "officer-picker@songtan.test", PASSWORD)
        page.goto(base + "/relief/new")
        picked_name = pick_the_second_with_the_keyboard(page)
        # The list fits the phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.select_option("select[name=kind]", "temporary_emergency")
        page.select_option("select[name=grade]", "1")
        page.fill("textarea[name=reason]", "突发重病，住院治疗")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/relief/new" not in url)
        page.screenshot(path=str(tmp_path / "picker.png"), full_page=True)
    with served[0].app_context():
        [application] = db.session.scalars(select(Application)).all()
        assert application.person.name == picked_name
        db.engine.dispose()
