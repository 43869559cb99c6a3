"""In a browser: on a 1366 px screen every street's column of the dashboard's and the gaps
page's tables can be scrolled into view inside the table's card while the first column stays
in place; on a phone the registry shows each person as a card with community, category and
status."""

import pytest
from sqlalchemy import select

from charity.demo.operations import load_communities
from charity.district.models import Street
from charity.district.operations import load_reference
from charity.extensions import db
from tests.conftest import code_for
from tests.factories import PASSWORD, PersonFactory, UserFactory
from tests.live import browser_page, live_server, require_browser

pytestmark = pytest.mark.browser

#: Scrolls the table's wrapper until each heading is in view; for each, where the heading and
#: the first column are against the wrapper and the window.
SCROLL_EACH_COLUMN = """(selector) => {
  const table = document.querySelector(selector);
  const wrap = table.parentElement;
  const firstCell = table.tBodies[0].rows[0].cells[0];
  return [...table.tHead.rows[0].cells].slice(1).map((th) => {
    const overshoot = th.getBoundingClientRect().right - wrap.getBoundingClientRect().right;
    if (overshoot > 0) wrap.scrollLeft += overshoot;
    const box = wrap.getBoundingClientRect(), cell = th.getBoundingClientRect();
    const first = firstCell.getBoundingClientRect();
    return {name: th.innerText.trim(), scrolled: wrap.scrollLeft,
            shown: cell.left >= first.right - 1
              && cell.right <= Math.min(box.right, innerWidth) + 1,
            firstFixed: Math.abs(first.left - box.left) <= 1 && first.left >= 0};
  });
}"""

#: The label (the ::before text) and the box of each labelled cell of the registry's first row.
CARD_CELLS = """() => {
  const row = document.querySelector('.table-wrap.cards tbody tr');
  return [...row.querySelectorAll('[data-label]')].map((cell) => {
    const box = cell.getBoundingClientRect();
    return {label: getComputedStyle(cell, '::before').content, text: cell.innerText,
            left: box.left, right: box.right, width: box.width};
  });
}"""


def sign_in(page, base: str, secret: str) -> None:
    """The admin signs in with password and an authenticator code."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", "tables@songtan.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", code_for(secret))
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(lambda url: "tf-validate" not in url and "/login" not in url)


def prepare(app, streets: list):
    """The twelve streets with their communities, one person in one, and a district user;
    keeps the streets' names."""
    load_communities(load_reference())
    streets.extend(db.session.scalars(select(Street.name)).all())
    streets.append(UserFactory(role="admin", email="tables@songtan.test").tf_totp_secret)
    PersonFactory(name="卡片人", street_name="七星岗", tekun=True)


def assert_every_street_reachable(page, selector: str, streets: list) -> None:
    """Every street heading of the table comes into view by scrolling its wrapper alone."""
    columns = page.evaluate(SCROLL_EACH_COLUMN, selector)
    assert set(streets) <= {c["name"] for c in columns}, columns
    assert all(c["shown"] and c["firstFixed"] for c in columns), columns
    assert columns[-1]["scrolled"] > 0, "the table should have needed scrolling"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_wide_tables_scroll_in_their_card_and_lists_are_cards_on_a_phone(tmp_path):
    require_browser()
    streets = []
    with (live_server(tmp_path, lambda app: prepare(app, streets)) as base,
          browser_page(1366, 768) as page):
        sign_in(page, base, streets.pop())
        page.goto(f"{base}/dashboard/")
        assert len(streets) == 12
        assert_every_street_reachable(page, "#targets", streets)
        page.goto(f"{base}/casework/gaps")
        assert_every_street_reachable(page, "table.matrix", streets)
        page.screenshot(path=str(tmp_path / "gaps-1366.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/registry/people")
        cells = {c["label"].strip('"'): c for c in page.evaluate(CARD_CELLS)}
        for label in ("社区", "类别", "状态"):
            assert label in cells, cells
            assert cells[label]["width"] > 0 and 0 <= cells[label]["left"], cells[label]
            assert cells[label]["right"] <= 390, cells[label]
        assert "特困" in cells["类别"]["text"] and cells["社区"]["text"].strip()
        page.screenshot(path=str(tmp_path / "registry-390.png"))
