"""RFC 9457 problem details (`application/problem+json`), in the caller's language: the API's
every error, and each refused item of a batch."""

from flask import Blueprint, Response, current_app, json, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"
#: The problem types the API answers with, as URNs: `urn:songtan:problem:<slug>`.
TYPE_PREFIX = "urn:songtan:problem:"
TITLES = {
    400: ("bad-request", _l("The request could not be understood.")),
    401: ("unauthorized", _l("A valid API token is needed.")),
    403: ("forbidden", _l("The token's scopes do not allow this.")),
    404: ("not-found", _l("Not found.")),
    405: ("method-not-allowed", _l("This method is not allowed here.")),
    409: ("conflict", _l("The request conflicts with an earlier one.")),
    413: ("too-large", _l("The request is too large.")),
    415: ("unsupported-media-type", _l("Send JSON.")),
    422: ("invalid", _l("The request's content is not valid.")),
    429: ("rate-limited", _l("Too many requests with this token. Please wait a moment.")),
    500: ("server-error", _l("Something went wrong on our side. Nothing was changed.")),
}
#: The HTTP errors the API answers as problem details.
CODES = tuple(TITLES)


def body(status: int, detail: str | None = None, slug: str | None = None, **extra) -> dict:
    """A problem detail's members, its title in the request's language."""
    default_slug, title = TITLES.get(status, TITLES[500])
    problem = {"type": TYPE_PREFIX + (slug or default_slug), "title": str(title),
               "status": status}
    if detail:
        problem["detail"] = str(detail)
    return problem | {k: v for k, v in extra.items() if v is not None}


def answer(status: int, detail: str | None = None, **extra) -> Response:
    """A problem detail as the response, with its status code."""
    payload = body(status, detail, instance=request.path, **extra)
    return Response(json.dumps(payload), status=status, mimetype=MEDIA_TYPE)


def _validation_errors(error: HTTPException) -> dict | None:
    """webargs' messages for a body or query that did not validate, by location and field."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    return messages if isinstance(messages, dict) else None


def handle(error: HTTPException) -> Response:
    """Answer an HTTP error raised inside the API as a problem detail."""
    code = error.code if error.code in TITLES else 500
    detail = None if code in (401, 403, 429, 500) else getattr(error, "api_detail", None)
    response = answer(code, detail, errors=_validation_errors(error))
    if code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def allowed_methods(path: str, catch_all: str) -> list[str]:
    """The methods the routes at `path` take, besides the catch-all route's (none: no such
    route). A route with static parts wins over the catch-all for its own methods."""
    adapter = current_app.url_map.bind("localhost")
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            found, _values = adapter.match(path, method=method)
        except HTTPException:
            continue
        if found != catch_all:
            allowed.append(method)
    return allowed


def register(bp: Blueprint) -> None:
    """Problem details for every HTTP error the blueprint's routes raise, and for a crash."""
    for code in CODES:
        bp.register_error_handler(code, handle)
