"""Schemathesis against the API's own OpenAPI document: every operation, with a token that
holds every scope, answers no 500, only documented status codes and content types, and
bodies that conform to the schema (a handful of examples each, to stay fast)."""

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from charity.api import tokens
from charity.timeutil import local_today
from tests.factories.base import HOME_STREET
from tests.factories.pairing import PairingFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def every_scope(session):
    PairingFactory()
    scopes = [*tokens.FIXED_SCOPES, tokens.street_scope(HOME_STREET) + tokens.UNMASKED]
    _token, secret = tokens.issue("schemathesis", scopes, local_today() + timedelta(days=1),
                                  local_today())
    return secret


#: The operations the document describes (each must be exercised).
OPERATIONS = 9


def test_every_operation_keeps_to_its_document(app, every_scope, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {every_scope}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == OPERATIONS
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), database=None)
        def keeps_to_it(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        keeps_to_it()
