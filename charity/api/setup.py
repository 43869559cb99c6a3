"""Binding the API to the app: the `Api` (OpenAPI document) and the API blueprint."""

from flask import Flask

from charity.api.docs import api
from charity.api.views import bp


def init_app(app: Flask) -> None:
    """Bind the `Api` and register the API blueprint through it."""
    app.config.setdefault("API_TITLE", "Songtan data-sharing API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    api.init_app(app, spec_kwargs={"info": {"description": (
        "Bearer tokens issued by the district's administrators, each with scopes. Errors are "
        "RFC 9457 problem details in the language of Accept-Language (zh or en).")}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(bp)
