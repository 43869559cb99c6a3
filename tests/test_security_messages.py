"""Flask-Security's pages and flashes this app can show speak Chinese: the messages its own
catalogue leaves empty come from ours (`charity/translations/.../flask_security.po`)."""

from tests import factories
from tests.test_plain_language import problems, visible
from tests.test_route_crawler import sign_in

ZH = {"lang": "zh_Hans_CN"}


def _english(response) -> list[str]:
    assert response.status_code == 200
    return problems(visible(response.get_data(as_text=True)), True, set(), set())


def test_two_factor_code_page_and_its_help_are_in_chinese(client):
    """After the password, the code page (with its 'lost your phone' help) is Chinese."""
    admin = factories.user("admin")
    client.post("/login", data={"email": admin.email, "password": factories.PASSWORD})
    page = client.get("/tf-validate", query_string=ZH)
    assert "无法登录账户？手机丢失？" in page.get_data(as_text=True) and _english(page) == []
    wrong = client.post("/tf-validate", query_string=ZH, data={"code": "000000"})
    assert "验证码不正确" in wrong.get_data(as_text=True) and _english(wrong) == []


def test_reauthentication_and_two_factor_setup_are_in_chinese(app, session):
    """A stale session asked to sign in again before two-factor setup: the flash, the page's
    title and, once verified, the setup page are Chinese."""
    client = app.test_client()
    sign_in(client, factories.user("admin"))
    first = client.get("/tf-setup", query_string=ZH, follow_redirects=True)
    text = first.get_data(as_text=True)
    assert "请再次验证身份后访问此页面" in text and "再次验证身份" in text
    assert "Reauthenticate" not in visible(text) and _english(first) == []
    client.post("/verify", data={"password": factories.PASSWORD})
    setup = client.get("/tf-setup", query_string=ZH)
    assert "当前的两步验证方式" in setup.get_data(as_text=True) and _english(setup) == []
