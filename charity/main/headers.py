"""Security headers on every response, written by `secure` (README: dependencies).

A page may load only the app's own files: no inline script or style, no frame around it, no
frame inside it. A view whose page needs another origin says so with `@loads_from(sources)`
(Stripe.js on the giving pages). Nothing that may be personal is kept by a browser or a proxy:
every answer to a signed-in user, Flask-Security's pages, the data-sharing API's answers, every
download, and the views marked `@personal` (a page whose link is the key to it) are `no-store`;
public pages cache as usual.
HSTS goes out over HTTPS, and in production always (TLS may end at a proxy there).
"""

from collections.abc import Callable, Iterable, Mapping

from flask import Flask, Response, current_app, request
from flask_login import current_user
from secure import (
    CacheControl,
    ContentSecurityPolicy,
    PermissionsPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)

from charity.config import is_production

#: Sources per CSP directive, e.g. {"script-src": ["https://js.stripe.com"]}.
Sources = Mapping[str, Iterable[str]]

#: What every page may load: the app's own files, and images also as data: URIs (Pico's icons
#: in its stylesheet, Flask-Security's two-factor QR code).
OWN: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "frame-src": ("'none'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
#: Browser features no page of the platform uses.
UNUSED_FEATURES = ("accelerometer", "browsing-topics", "camera", "geolocation", "gyroscope",
                   "magnetometer", "microphone", "payment", "usb")
#: Answers that are files to keep (exports, receipts, reports).
DOWNLOADS = frozenset({
    "application/pdf", "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
HSTS_SECONDS = 365 * 24 * 3600


def loads_from(sources: Callable[[], Sources]):
    """Decorator (under the route's): the view's page also loads from `sources()`, asked on
    each request so that it follows the app's configuration."""
    def mark(view):
        view.loads_from = sources
        return view
    return mark


def personal(view):
    """Decorator (under the route's): whoever holds the page's link sees something personal
    on it, so no cache keeps it, signed in or not."""
    view.personal = True
    return view


def content_security_policy(extra: Sources) -> ContentSecurityPolicy:
    """The policy of `OWN`, each directive widened by the sources `extra` names for it."""
    policy = ContentSecurityPolicy()
    for directive in [*OWN, *(name for name in extra if name not in OWN)]:
        added = tuple(extra.get(directive, ()))
        own = OWN.get(directive, OWN["default-src"])
        if added:
            own = tuple(source for source in own if source != "'none'")
        policy.custom_directive(directive, *own, *added)
    return policy


def _view():
    return current_app.view_functions.get(request.endpoint or "")


def _keeps_nothing(response: Response) -> bool:
    """True for an answer no cache may store: see the module's docstring."""
    if request.endpoint == "static":
        return False
    return (getattr(_view(), "personal", False) or request.blueprint in ("security", "api")
            or response.mimetype in DOWNLOADS
            or response.headers.get("Content-Disposition", "").startswith("attachment")
            or current_user.is_authenticated)


def _permissions() -> PermissionsPolicy:
    policy = PermissionsPolicy()
    for feature in UNUSED_FEATURES:
        policy.add_directive(feature)
    return policy


def headers_for(response: Response) -> Secure:
    """The security headers this request's answer carries."""
    sources = getattr(_view(), "loads_from", None)
    https = request.is_secure or is_production(current_app.config)
    return Secure(
        csp=content_security_policy(sources() if sources else {}),
        xcto=XContentTypeOptions().nosniff(),
        xfo=XFrameOptions().deny(),
        referrer=ReferrerPolicy().strict_origin_when_cross_origin(),
        permissions=_permissions(),
        hsts=StrictTransportSecurity().max_age(HSTS_SECONDS).include_subdomains()
        if https else None,
        cache=CacheControl().no_store() if _keeps_nothing(response) else None)


def set_headers(response: Response) -> Response:
    """Write the security headers on an answer (every answer: pages, errors, files)."""
    headers_for(response).set_headers(response)
    return response


def register(app: Flask) -> None:
    """Put the security headers on every answer of the app."""
    app.after_request(set_headers)
