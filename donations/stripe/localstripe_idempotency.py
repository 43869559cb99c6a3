"""Stripe's `Idempotency-Key` on localstripe, which ignores it (https://docs.stripe.com/api/
idempotent_requests): code that sends keys is tested against what Stripe would answer.

A POST with a key is run once; Stripe saves the status and body of that first run (errors and
500s too) and replays them to every later request with the same key, for at least 24 hours. The
same key on another endpoint, or with other parameters, is refused (400 `idempotency_error`).
A request whose key is still running answers 409 `idempotency_error` (stripe-python retries a
409); nothing is saved for it, nor for a request refused as malformed (400), so either may be
sent again. Keys belong to the API key they were sent with.
"""

import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

from aiohttp import web
from localstripe.errors import UserError, json_response

HEADER = "Idempotency-Key"
#: How long Stripe keeps a key at least; older ones are forgotten (and may be used again).
LIFETIME = 24 * 3600
ANOTHER = "Try using a key other than '{key}' if you meant to execute a different request."

log = logging.getLogger(__name__)


@dataclass
class Saved:
    """A key's first request and, once it has run, the answer every repetition gets."""

    path: str
    params: object
    since: float
    status: int | None = None
    body: bytes = b""


def _params(body: bytes) -> object:
    """A request's parameters (JSON, or form-encoded as stripe-python sends them), in any
    order."""
    try:
        return json.loads(body)
    except ValueError:
        return sorted(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _refusal(status: int, message: str) -> web.Response:
    return json_response({"error": {"type": "idempotency_error", "message": message}},
                         status=status)


def _repeated(first: Saved, request: web.Request, params, key: str) -> web.Response:
    """Stripe's answer to a key used before: the saved response, or why it is refused."""
    if first.path != request.path:
        return _refusal(400, "Keys for idempotent requests can only be used for the same "
                        f"endpoint they were first used for ('{first.path}' vs "
                        f"'{request.path}'). " + ANOTHER.format(key=key))
    if first.params != params:
        return _refusal(400, "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with. " + ANOTHER.format(key=key))
    if first.status is None:
        return _refusal(409, "There is currently another in-progress request using this "
                        "Idempotent Key (that probably means you submitted twice, and the other "
                        f"request is still going through): {key}. Please try again later.")
    return web.Response(body=first.body, status=first.status, content_type="application/json",
                        headers={"Idempotent-Replayed": "true"})


async def _first_run(request: web.Request, handler) -> web.StreamResponse:
    """The endpoint's answer; a refusal or a crash is an answer too, as Stripe saves them."""
    try:
        return await handler(request)
    except UserError as error:
        return error.to_response()
    except web.HTTPException:
        raise
    except Exception:
        log.exception("localstripe failed on %s", request.path)
        return json_response({"error": {"type": "api_error",
                                        "message": "An unknown error occurred"}}, status=500)


def _replayable(response: web.StreamResponse) -> bool:
    """Whether Stripe would save this answer: not a malformed request's 400 (no endpoint ran)."""
    return response.status != 400 and isinstance(response, web.Response) \
        and isinstance(response.body, bytes)


def middleware():
    """An aiohttp middleware that honours `Idempotency-Key` on POSTs as Stripe does."""
    saved: dict[tuple[str, str], Saved] = {}

    @web.middleware
    async def idempotency(request, handler):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return await handler(request)
        if len(key) > 255:
            raise UserError(400, "Idempotency-Key must be at most 255 characters long.")
        params = _params(await request.read())
        now = time.monotonic()
        for old in [k for k, v in saved.items() if now - v.since > LIFETIME]:
            del saved[old]
        scope = (request.headers.get("Authorization", ""), key)
        if scope in saved:
            return _repeated(saved[scope], request, params, key)
        first = saved[scope] = Saved(request.path, params, now)
        try:
            response = await _first_run(request, handler)
            if _replayable(response):
                first.status, first.body = response.status, response.body
            return response
        finally:
            if first.status is None:  # nothing to replay: the key may be used again
                del saved[scope]

    return idempotency
