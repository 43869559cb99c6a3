"""The public giving form's card fields in headless Chromium, as people type them: a number
with spaces and a 4-digit year pay the gift; empty card fields are told in Chinese and the
button stops spinning, so the donor can correct the card and give."""

import pytest

from tests.donations.test_browser_give import giving, only_gift

pytestmark = pytest.mark.browser


def fill_card(page, **values) -> None:
    """Fill localstripe's card element's fields (number, exp_month, exp_year, cvc, postal_code)."""
    card = page.locator("#card-element input")
    for placeholder, value in values.items():
        card.and_(page.get_by_placeholder(placeholder, exact=True)).fill(value)


def test_a_card_typed_with_spaces_and_a_four_digit_year_pays_the_gift(tmp_path, localstripe):
    with giving(tmp_path, localstripe) as (base, page, app):
        page.goto(f"{base}/donations/")
        page.get_by_role("button", name="¥100").click()
        fill_card(page, number="4242 4242 4242 4242", exp_month="12", exp_year="2030",
                  cvc="123", postal_code="40001")
        page.get_by_role("button", name="捐赠", exact=True).click()
        page.wait_for_url("**/donations/gifts/**")
        page.wait_for_selector("#gift-status[data-status=succeeded]", timeout=20_000)
        gift = only_gift(app)
        assert (gift.status, gift.amount_fen) == ("succeeded", 10000)
        from charity.fund.queries import balance

        with app.app_context():
            assert balance("cash") == 10000


def test_empty_card_fields_are_told_in_chinese_and_the_button_is_given_back(tmp_path,
                                                                            localstripe):
    with giving(tmp_path, localstripe) as (base, page, app):
        page.goto(f"{base}/donations/")
        page.get_by_role("button", name="¥100").click()
        button = page.get_by_role("button", name="捐赠", exact=True)
        button.click()
        refusal = page.locator("#give-error")
        refusal.wait_for(state="visible")
        assert refusal.inner_text() == "银行卡号不正确，请核对，或换一张卡。"  # incomplete_number
        page.wait_for_function(
            "() => { const b = document.getElementById('give-button');"
            " return !b.disabled && !b.hasAttribute('aria-busy'); }", timeout=10_000)
        assert only_gift(app).status != "succeeded"  # nothing credited

        # The same donor then types the card and the same gift is paid.
        fill_card(page, number="4242 4242 4242 4242", exp_month="12", exp_year="2030",
                  cvc="123", postal_code="40001")
        button.click()
        page.wait_for_url("**/donations/gifts/**")
        page.wait_for_selector("#gift-status[data-status=succeeded]", timeout=20_000)
        assert only_gift(app).status == "succeeded"
