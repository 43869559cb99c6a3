"""Under the Content-Security-Policy, in Chromium: the dashboard draws its charts and saves a PNG,
the two-factor page shows its QR code, and the pairings filter applies itself. A refused
script, style or frame fails the test (`tests.live.browser_page`)."""

import pytest

from charity.demo.operations import load_communities
from charity.district.operations import load_reference
from charity.extensions import db, security
from tests.factories import PASSWORD, PairingFactory, PersonFactory, UserFactory
from tests.live import browser_page, live_server, log_in, require_browser

pytestmark = pytest.mark.browser


def with_two_factor(email: str, role: str) -> str:
    """An account whose authenticator is set up; its TOTP secret."""
    account = UserFactory(role=role, email=email)
    secret = security.totp_factory.generate_totp_secret()
    security.datastore.tf_set(account, "authenticator", totp_secret=secret)
    db.session.flush()
    return secret


def log_in_with_code(page, base: str, email: str, secret: str) -> None:
    """Sign in with the password, then with the authenticator's code."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[name=login_user_form] [type=submit]").first.click()
    page.wait_for_url("**/tf-validate**")
    page.fill("input[name=code]", security.totp_factory.generate_totp_password(secret))
    page.locator("form[name=two_factor_verify_code_form] [type=submit]").first.click()
    page.wait_for_url(lambda url: "/tf-" not in url)


def test_the_dashboard_draws_its_charts_and_saves_a_png(tmp_path):
    require_browser()

    def prepare(app):
        load_communities(load_reference())
        PersonFactory(tekun=True, disabled=True, disability_grade=1, centralised_care=True)
        UserFactory(role="street_officer", email="officer@songtan.test")

    with live_server(tmp_path, prepare) as base, browser_page(1200, 900) as page:
        log_in(page, base, "officer@songtan.test", PASSWORD)
        page.goto(f"{base}/lang/en?next=/dashboard/")
        charts = page.locator(".chart canvas")
        charts.first.wait_for()
        assert charts.count() == page.locator(".chart").count() > 1
        chart = page.locator(".chart").first
        chart.hover()  # the tooltip, drawn on the canvas
        page.wait_for_timeout(300)
        with page.expect_download() as download:
            page.locator("button.png").first.click()
        assert download.value.suggested_filename.endswith(".png")
        page.screenshot(path=str(tmp_path / "dashboard.png"))


def test_the_two_factor_page_shows_its_qr_code(tmp_path):
    require_browser()

    def prepare(app):
        load_reference()
        UserFactory(role="donor", email="donor@songtan.test")

    with live_server(tmp_path, prepare) as base, browser_page() as page:
        log_in(page, base, "donor@songtan.test", PASSWORD)
        page.goto(f"{base}/tf-setup")
        page.check("input[name=setup][value=authenticator]")
        page.locator("form[name=two_factor_setup_form] [type=submit]").first.click()
        code = page.locator("img#qrcode")
        code.wait_for()
        assert code.evaluate("image => image.complete && image.naturalWidth > 0")
        page.screenshot(path=str(tmp_path / "two-factor.png"))


def test_the_pairings_filter_applies_itself_when_a_street_is_chosen(tmp_path):
    require_browser()
    secrets = {}

    def prepare(app):
        load_communities(load_reference())
        PairingFactory()
        secrets["admin"] = with_two_factor("admin@songtan.test", "admin")

    with live_server(tmp_path, prepare) as base, browser_page() as page:
        log_in_with_code(page, base, "admin@songtan.test", secrets["admin"])
        page.goto(f"{base}/pairing/pairings")
        street = page.locator("select[name=street]")
        value = street.locator("option").nth(2).get_attribute("value")
        street.select_option(value)
        page.wait_for_url(f"**/pairing/pairings?street={value}")
        assert street.input_value() == value
