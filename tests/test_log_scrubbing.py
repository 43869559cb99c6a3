"""Logs and error pages never hold names, ID numbers, birth dates or health fields: an error
forced while a person is loaded leaves a log and a 500 page without any of them."""

import logging
from datetime import date

import pytest

from charity.main.scrub import ScrubFilter, scrub
from tests.factories import PersonFactory, UserFactory, id_number

BORN = date(1968, 2, 29)


@pytest.fixture
def errors_answered(app, monkeypatch):
    """The app answers an unhandled error with its 500 page and logs it, as in production (the
    suite's TESTING mode would hand the exception to the test instead; import-linter's run in
    tests/test_imports.py configures logging and so disables the loggers that exist then)."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(app.logger, "disabled", False)


def _secrets(person, number):
    return [person.name, number, person.id_number_masked, "1968-02-29", "19680229",
            "seriously_ill=True", "'disability_grade': 3", "thalassemia", person.household.address]


def test_an_error_with_a_person_loaded_logs_and_shows_nothing_personal(
        client, session, auth, caplog, monkeypatch, errors_answered):
    number = id_number(BORN, "F")
    person = PersonFactory(name="隐私测试人", birth_date=BORN, sex="F", number=number,
                           disabled=True, disability_grade=3, seriously_ill=True,
                           special_disease="thalassemia", household__address="保密路9号")
    auth.login(UserFactory(role="admin"))

    def broken(template, **context):
        shown = context["person"]
        # What a real failure quotes back: a row (PostgreSQL's DETAIL), the values, a dict.
        raise RuntimeError(
            f"render failed for {shown.name} ({shown.id_number_masked}, full {number}) born "
            f"{shown.birth_date} at {shown.household.address}\n"
            f"DETAIL:  Failing row contains ({shown.id}, {shown.name}, {shown.birth_date}, t).\n"
            f"[parameters: ('{shown.name}', '{shown.birth_date}')]\n"
            f"values: seriously_ill=True, {{'disability_grade': 3, 'special_disease': "
            f"'thalassemia', 'birth_date': {shown.birth_date!r}}}")

    monkeypatch.setattr("charity.registry.views.render_template", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/registry/people/{person.id}?q={person.name}")
    assert response.status_code == 500
    logged = caplog.text
    assert "RuntimeError: render failed for" in logged and "Traceback" in logged
    assert f"/registry/people/{person.id}" in logged
    page = response.get_data(as_text=True)
    for secret in _secrets(person, number):
        assert secret not in logged, secret
        assert secret not in page, secret
    assert all(record.exc_info is None for record in caplog.records)


def test_the_filter_scrubs_patterns_without_a_request():
    number = id_number(date(1990, 1, 31))
    text = scrub(f"id {number} masked 5001********12 born datetime.date(1990, 1, 31) "
                 f"name='王伟' \"email\": \"a@b.cn\" Key (id_number_hash)=(abc123) already "
                 f"exists. GET /registry/people?q=%E7%8E%8B HTTP/1.1")
    for secret in (number, "5001********12", "1990, 1, 31", "王伟", "a@b.cn", "abc123", "%E7"):
        assert secret not in text, secret
    assert "already exists" in text and "/registry/people?" in text


def test_an_extra_value_and_a_bad_format_string_are_scrubbed_too():
    record = logging.LogRecord("charity", logging.WARNING, __file__, 1, "refused %s %s",
                               ("name='王伟'",), None)
    record.reason = "id 11010519491231002X"
    assert ScrubFilter().filter(record)
    assert "王伟" not in record.getMessage() and "11010519491231002X" not in record.reason
