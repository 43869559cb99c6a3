"""The flask-smorest `Api` that describes the API blueprint in OpenAPI 3.1, and the document
as served: every error response is a problem detail (`application/problem+json`)."""

from flask_smorest import Api

from charity.api.problems import MEDIA_TYPE
from charity.api.schemas import ProblemSchema


class SharingApi(Api):
    """flask-smorest's `Api`, its errors left to the API blueprint's own handlers (problem
    details) so that the rest of the app keeps its error pages."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """No app-wide handler: the blueprint registers its own."""


api = SharingApi()


def _as_problem(response: dict) -> None:
    content = response.get("content") or {}
    if "application/json" in content:
        content[MEDIA_TYPE] = content.pop("application/json")


def spec_dict() -> dict:
    """The OpenAPI document, each error response's content a problem detail."""
    spec = api.spec.to_dict()
    for hidden in ("/api/v1/openapi.json", "/api/v1/docs", "/api/v1/", "/api/v1/{rest}"):
        spec.get("paths", {}).pop(hidden, None)
    for name, response in spec.get("components", {}).get("responses", {}).items():
        if name not in ("OK", "CREATED"):
            _as_problem(response)
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for code, response in operation.get("responses", {}).items():
                if code == "default" or not code.startswith("2"):
                    _as_problem(response)
    return spec
