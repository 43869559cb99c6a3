"""Every answer carries the security headers; pages hold no inline script or style; personal
answers and downloads are never stored; Stripe.js' origin is allowed only where it is loaded."""

from html.parser import HTMLParser

import pytest

from charity.timeutil import local_today
from tests.factories import PersonFactory, UserFactory
from tests.factories.donations import DonationFactory, FundraisingCampaignFactory

LOCALSTRIPE = "http://127.0.0.1:8420"


class InlineCode(HTMLParser):
    """Collects what a strict CSP refuses in a page: inline scripts, event handler and style
    attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = [name for name, _value in attrs]
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        self.found += [f"{tag} {name}=" for name in names
                       if name.startswith("on") or name == "style"]


def policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive by directive."""
    parts = (part.split() for part in response.headers["Content-Security-Policy"].split(";"))
    return {part[0]: part[1:] for part in parts if part}


def assert_secure(response, path: str, signed_in: bool) -> None:
    headers = response.headers
    assert response.status_code != 500, path
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["X-Frame-Options"] == "DENY", path
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
    assert "camera=()" in headers["Permissions-Policy"], path
    csp = policy(response)
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], path
    for directive in ("default-src", "script-src", "style-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(csp[directive]), path
    download = response.mimetype in ("application/pdf", "text/csv") or "spreadsheet" in \
        response.mimetype
    if signed_in or download:
        assert headers["Cache-Control"] == "no-store", path
    if response.mimetype == "text/html":
        parser = InlineCode()
        parser.feed(response.get_data(as_text=True))
        assert parser.found == [], path


def sample_paths(app) -> list[str]:
    """A URL for every GET rule of the app, its arguments taken from rows made here (or 1).
    The two-factor steps come last: out of turn, Flask-Security logs the user out."""
    person = PersonFactory()
    values = {"person_id": person.id, "household_id": person.household_id,
              "slug": FundraisingCampaignFactory().slug, "token": DonationFactory().token,
              "year": local_today().year, "code": "en", "filename": "css/app.css", "fmt": "csv"}
    paths = ["/pairing/export.xlsx"]
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            _domain, path = rule.build({name: values.get(name, 1) for name in rule.arguments})
            paths.append(path)
    return sorted(set(paths), key=lambda path: (path.startswith("/tf-"), path))


@pytest.mark.parametrize("role", [None, "admin", "donor"])
def test_every_route_answers_with_the_security_headers(app, client, auth, role):
    paths = sample_paths(app)
    if role:
        auth.login(UserFactory(role=role))
    seen = 0
    for path in paths:
        response = client.get(path)
        assert_secure(response, path, signed_in=role is not None and path != "/static/css/app.css")
        seen += response.status_code == 200
        response.close()
    assert seen >= (40 if role == "admin" else 5)


def test_hsts_goes_out_over_https_only_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://songtan.test").headers
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_public_pages_cache_and_personal_answers_are_never_stored(client, auth, session):
    for path in ("/", "/donations/", "/fund/disclosure"):
        assert "no-store" not in client.get(path).headers.get("Cache-Control", ""), path
    gift = DonationFactory()
    for path in (f"/donations/gifts/{gift.token}", f"/donations/gifts/{gift.token}/state",
                 "/login"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
    auth.login(UserFactory(role="donor"))
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_stripe_js_is_allowed_only_on_the_pages_that_load_it(app, client, auth):
    give = policy(client.get("/donations/"))
    assert "https://js.stripe.com" in give["script-src"]
    assert {"https://js.stripe.com", "https://hooks.stripe.com"} <= set(give["frame-src"])
    assert "https://api.stripe.com" in give["connect-src"]
    for path in ("/", "/fund/disclosure", "/login"):
        assert "stripe" not in client.get(path).headers["Content-Security-Policy"], path
    before = app.config["STRIPE_API_BASE"]
    app.config["STRIPE_API_BASE"] = LOCALSTRIPE
    try:
        campaign = FundraisingCampaignFactory()
        auth.login(UserFactory(role="donor"))
        for path in ("/donations/", f"/donations/campaigns/{campaign.slug}", "/donations/portal"):
            page = client.get(path)
            assert f'src="{LOCALSTRIPE}/js.stripe.com/v3/"' in page.get_data(as_text=True)
            csp = policy(page)
            assert LOCALSTRIPE in csp["script-src"] and LOCALSTRIPE in csp["connect-src"], path
            assert "https://js.stripe.com" not in csp["script-src"], path
        assert LOCALSTRIPE not in client.get("/donations/staff").headers["Content-Security-Policy"]
    finally:
        app.config["STRIPE_API_BASE"] = before
