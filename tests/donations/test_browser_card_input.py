"""The public giving form's card fields in headless Chromium, as people type them: a number
with spaces and a 4-digit year pay the gift; empty card fields are told in Chinese and the
button stops spinning, so the donor can correct the card and give."""

import pytest

from tests.donations.test_browser_give import giving, only_gift

pytestmark = pytest.mark.browser
GIVE = {"name": "捐赠", "exact": True}
AS_TYPED = {"number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2030",
            "cvc": "123", "postal_code": "40001"}


def start_a_gift_of_100_yuan(page, base: str) -> None:
    """Open the public giving page (in Chinese) and choose ¥100."""
    page.goto(f"{base}/donations/")
    page.get_by_role("button", name="¥100").click()


def give_with_the_card_as_typed(page) -> None:
    """Type the card as people do (spaces, a 4-digit year), give, and wait for the thank-you."""
    fields = page.locator("#card-element input")
    for placeholder, value in AS_TYPED.items():
        fields.and_(page.get_by_placeholder(placeholder, exact=True)).fill(value)
    page.get_by_role("button", **GIVE).click()
    page.wait_for_url("**/donations/gifts/**")
    page.wait_for_selector("#gift-status[data-status=succeeded]", timeout=20_000)


def test_a_card_typed_with_spaces_and_a_four_digit_year_pays_the_gift(tmp_path, localstripe):
    from charity.fund.queries import balance

    with giving(tmp_path, localstripe) as (base, page, app):
        start_a_gift_of_100_yuan(page, base)
        give_with_the_card_as_typed(page)
        assert "谢谢！您的捐赠已进入专项资金。" in page.content()  # the thank-you page
        paid = only_gift(app)
        with app.app_context():
            assert (paid.status, paid.amount_fen, balance("cash")) == ("succeeded", 10000, 10000)


def test_empty_card_fields_are_told_in_chinese_and_the_button_is_given_back(tmp_path,
                                                                            localstripe):
    with giving(tmp_path, localstripe) as (base, page, app):
        start_a_gift_of_100_yuan(page, base)
        page.get_by_role("button", **GIVE).click()
        told = page.locator("#give-error")
        told.wait_for(state="visible")
        assert told.inner_text() == "银行卡号不正确，请核对，或换一张卡。"  # incomplete_number
        page.wait_for_function(
            "() => { const b = document.getElementById('give-button');"
            " return !b.disabled && !b.hasAttribute('aria-busy'); }", timeout=10_000)
        assert only_gift(app).status != "succeeded"  # nothing credited

        give_with_the_card_as_typed(page)  # the donor corrects the card: the same gift is paid
        assert only_gift(app).status == "succeeded"
