"""Fixtures for the fund: a maker, a checker, committee members and a person in hardship."""

import pytest

from charity.fund import operations as ledger
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def maker(session):
    return UserFactory(role="fund_manager")


@pytest.fixture
def checker(session):
    return UserFactory(role="approver")


@pytest.fixture
def members(session):
    return UserFactory.create_batch(3, role="approver")


@pytest.fixture
def person(session):
    """A seriously ill dibao recipient of 七星岗 with a low income."""
    return PersonFactory(relief_case=True)


@pytest.fixture
def funded(session):
    """A fund with 20,000 yuan each for measures 3 and 4, and 5,000 yuan unrestricted."""
    ledger.record_gift(amount_fen=2_000_000, designation="measure:3", reference="seed-3")
    ledger.record_gift(amount_fen=2_000_000, designation="measure:4", reference="seed-4")
    ledger.record_gift(amount_fen=500_000, designation=None, reference="seed-u")


@pytest.fixture(autouse=True)
def request_context(app):
    """Refusal messages are lazy strings translated per request, as in production."""
    with app.test_request_context("/?lang=en"):
        yield
