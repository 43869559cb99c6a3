"""The data-sharing API at /api/v1/ (flask-smorest): bearer tokens only (a session cookie never
authenticates here, and CSRF does not apply), one scope per route, every call audited, each
token rate-limited, every error an RFC 9457 problem detail in the caller's language."""

import json
from functools import wraps

from flask import current_app, g, jsonify, render_template, request, url_for
from flask_smorest import Blueprint, abort
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import MethodNotAllowed

from charity.api import problems, queries, schemas, tasks, tokens
from charity.api.docs import spec_dict
from charity.audit.operations import record
from charity.database import utcnow
from charity.extensions import csrf, limiter
from charity.registry import ids
from charity.timeutil import local_today
from charity.transaction import commit_alone, commit_refusal, unit_of_work


class BodyParser(FlaskParser):
    """webargs' parser, a JSON body nested deeper than Python's parser goes being invalid JSON
    (400), not a crash."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError as error:
            raise json.JSONDecodeError("nested too deep", "[", 0) from error


bp = Blueprint("api", __name__, url_prefix="/api/v1",
               description="Songtan's data-sharing API for district departments and systems.")
bp.ARGUMENTS_PARSER = BodyParser()
csrf.exempt(bp)
problems.register(bp)
#: Routes open without a token: the OpenAPI document and its interactive docs.
OPEN = frozenset({"api.openapi", "api.docs"})
BEARER = [{"bearer": []}]
REFUSALS = (401, 403, 404, 422, 429)


def _presented():
    """The live token the request presents (looked up once per request), or None."""
    if "api_presented" not in g:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        g.api_presented = (tokens.find(secret.strip(), local_today())
                           if scheme.lower() == "bearer" else None)
    return g.api_presented


def token_key() -> str:
    """The rate limiter's key: a live token presented (by its id), else the address, so that
    made-up tokens share their sender's one allowance and cannot each start a fresh one."""
    token = _presented()
    if token is not None:
        return f"api:{token.id}"
    return "api-anonymous:" + (request.remote_addr or "")


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=token_key)(bp)


@bp.before_request
def authenticate():
    """Whoever is signed in to the site is no one here; only a live bearer token counts."""
    g._login_user = current_app.login_manager.anonymous_user()
    if request.endpoint in OPEN:
        return None
    token = _presented()
    if token is None:
        commit_refusal("api_token", reason="missing, unknown, expired or revoked token")
        abort(401)
    g.api_token = token
    return None


@bp.after_request
def audit(response):
    """Every call with a token: who (the token and its holder), which scope, what, answered."""
    token = g.get("api_token")
    if token is not None:
        commit_alone(_audit, token, g.get("api_scope"), response.status_code)
    return response


def _audit(token, scope, status: int) -> None:
    token.last_used_at = utcnow()
    record("api.call", "api_token", token.id, holder=token.holder, scope=scope,
           method=request.method, path=request.path, status=status)


def needs(scope: str):
    """The route needs `scope`: 403 otherwise (kept in the security log)."""
    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            _require(scope)
            return view(*args, **kwargs)
        return checked
    return decorator


def _require(scope: str) -> None:
    g.api_scope = scope
    if not tokens.allows(g.api_token, scope):
        commit_refusal("api_scope", token_id=g.api_token.id, scope=scope)
        abort(403)


def _documented(*codes: int):
    """Describe the problem details a route may answer with."""
    def decorator(view):
        for code in codes:
            view = bp.alt_response(code, schema=problems_schema(),
                                   content_type=problems.MEDIA_TYPE)(view)
        return bp.doc(security=BEARER)(view)
    return decorator


def problems_schema():
    """The problem detail's schema (a function, so each route names the same component)."""
    return schemas.ProblemSchema


def _post_batch(batch: dict, kind: str):
    """Apply a small batch now; queue a large one as a job and answer 202 with where to
    follow it."""
    items = batch["items"]
    if len(items) <= tasks.INLINE_MAX:
        return tasks.apply_now(items, kind, g.api_token, local_today())
    job = tasks.start(items, kind, g.api_token, local_today())
    response = jsonify(schemas.JobSchema().dump(tasks.view(job)))
    response.status_code = 202
    response.headers["Location"] = url_for("api.job", job_id=job.id)
    return response


def endpoint(path: str, scope: str | None, answer, codes, method: str = "GET", body=None,
             query=None):
    """Route a view with its scope, its arguments (a JSON body or a query), its answer's
    schema and the problem details it may answer with, all described in the document."""
    def decorator(view):
        view = bp.response(200, answer)(_documented(*codes)(view))
        if body is not None:
            view = bp.arguments(body)(view)
        if query is not None:
            view = bp.arguments(query, location="query")(view)
        if scope is not None:
            view = needs(scope)(view)
        return bp.route(path, methods=[method])(view)
    return decorator


#: What a large batch answers (see `charity.api.tasks`).
QUEUED = (f"More than {tasks.INLINE_MAX} items: the batch is queued as a job and applied in the "
          "background; the answer is the job, and its Location header the job's address "
          "(GET it with the same token until it has succeeded: its result is then the "
          f"per-item answer a batch of at most {tasks.INLINE_MAX} items gets at once).")
#: What departments post: (path, endpoint, scope, body, kind, description).
BATCHES = (
    ("/registry/status-changes", "status_changes", "registry:status:write",
     schemas.StatusBatchSchema, "status",
     "Civil affairs: enrol, suspend or exit people, or change their category (1 to 1,000 "
     "decisions, each with its document number and date). Each item is applied on its own by "
     "the registry's own status change (history kept, pairings ended on exit) and answered "
     "on its own; an external id seen before answers as it did then. Up to "
     f"{tasks.INLINE_MAX} items are applied at once (200); a larger batch is a job (202)."),
    ("/casework/medical", "medical", "casework:services:write", schemas.MedicalBatchSchema,
     "medical",
     "Health commission: family-doctor contracts and health-record status, per person. Up to "
     f"{tasks.INLINE_MAX} items are applied at once (200); a larger batch is a job (202)."),
    ("/casework/services", "services", "casework:services:write", schemas.ServiceBatchSchema,
     "service",
     "Human resources: free employment services and public-welfare jobs, per person. Up to "
     f"{tasks.INLINE_MAX} items are applied at once (200); a larger batch is a job (202)."),
)
#: Figures out, with the summaries scope: (path, endpoint, schema, read, description).
SUMMARIES = (
    ("/pairing/streets", "pairing_streets", schemas.StreetPairingSchema, queries.streets,
     "Per street: people enrolled, paired with a cadre, with a volunteer; visits this year."),
    ("/pairing/departments", "pairing_departments", schemas.DepartmentPairingSchema,
     queries.departments, "Per department: cadres, their live pairings, visits this year."),
    ("/casework/gaps", "gaps", schemas.GapStreetSchema, queries.gaps,
     "The gap matrix per street and measure: how many are owed it, receive it, lack it."),
)


def _named(view, name: str, description: str):
    view.__name__, view.__doc__ = name, description
    return view


def _batch_view(kind: str):
    return lambda batch: _post_batch(batch, kind)


def _summary_view(read):
    return lambda: read(local_today())


for _path, _name, _scope, _body, _kind, _about in BATCHES:
    endpoint(_path, _scope, schemas.BatchResultSchema, REFUSALS, "POST", body=_body)(
        bp.alt_response(202, schema=schemas.JobSchema, description=QUEUED, success=True,
                        headers={"Location": {"description": "The job's address.",
                                              "schema": {"type": "string"}}})(
            _named(_batch_view(_kind), _name, _about)))
for _path, _name, _schema, _read, _about in SUMMARIES:
    endpoint(_path, "pairing:summary:read", _schema(many=True), (401, 403, 429))(
        _named(_summary_view(_read), _name, _about))


@endpoint("/fund/disclosure", "fund:disclosure:read", schemas.DisclosureSchema,
          (401, 403, 422, 429), query=schemas.YearArgsSchema)
def fund_disclosure(args):
    """The fund's public disclosure: money in and out by month, measure and street (fen)."""
    return queries.fund_disclosure(args.get("year"))


@endpoint("/registry/streets/<string:street>/people", None, schemas.PeoplePageSchema,
          (401, 403, 404, 422, 429), query=schemas.PageArgsSchema)
def street_people(args, street):
    """One street's people on the roster, 100 a page, for a token with that street's scope:
    ID numbers masked, or in full (each view audited) when the scope says `:unmasked`."""
    _require(tokens.street_scope(street))
    found = queries.street(street)
    if found is None:
        abort(404)
    total, people = queries.people(found.id, args["page"])
    unmasked = tokens.street_scope(street) + tokens.UNMASKED in g.api_token.scopes
    with unit_of_work(errors=False):
        rows = [_person_row(p, unmasked) for p in people]
    return {"street": street, "total": total, "page": args["page"], "people": rows}


def _person_row(person, unmasked: bool) -> dict:
    number = person.id_number_masked
    if unmasked:
        number = ids.decrypt(person.id_number_encrypted)
        record("person.view_id", "person", person.id, token_id=g.api_token.id)
    return {"id": person.id, "name": person.name, "id_number": number,
            "category": person.category, "status": person.status,
            "household": person.household.code, "community": person.household.community.name}


@endpoint("/jobs/<int:job_id>", None, schemas.JobSchema, (401, 404, 429))
def job(job_id):
    """A batch posted as a job: its state (queued, running, succeeded, failed), its progress,
    and once it succeeded the per-item results. Only the token that posted it reads it."""
    found = tasks.find(job_id, g.api_token)
    if found is None:
        abort(404)
    return tasks.view(found)


#: The methods the catch-all route takes (an unknown path, or a known one with another method).
ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")


@bp.route("/", defaults={"rest": ""}, methods=ANY_METHOD)
@bp.route("/<path:rest>", methods=ANY_METHOD)
def unknown(rest):
    """No such route (404), or a route that does not take this method (405, with Allow): a
    problem detail, audited as every call with a token is."""
    allowed = problems.allowed_methods(request.path, "api.unknown")
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    abort(404)


@bp.route("/openapi.json", methods=["GET"])
def openapi():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(spec_dict())


@bp.route("/docs", methods=["GET"])
def docs():
    """Interactive documentation (Swagger UI, served from the app's own files)."""
    return render_template("api/docs.html", spec_url=url_for(".openapi"))
