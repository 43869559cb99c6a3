"""Accounts (argon2, two-factor available), the append-only audit log, the language switch."""

import pytest
from sqlalchemy import select, text

from charity.audit.models import AppendOnlyError, AuditEntry
from charity.audit.operations import record
from charity.extensions import db
from tests.conftest import code_for
from tests.factories import PASSWORD, PersonFactory, UserFactory


def test_passwords_are_hashed_with_argon2(session):
    user = UserFactory(role="admin")
    assert user.password.startswith("$argon2")
    assert PASSWORD not in user.password


def test_wrong_password_does_not_log_in(client):
    user = UserFactory(role="admin")
    client.get("/lang/en")
    response = client.post("/login", data={"email": user.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert client.get("/registry/people").status_code == 302


def test_staff_can_open_two_factor_setup(client, auth):
    auth.login(UserFactory(role="fund_manager"))
    page = client.get("/tf-setup")
    assert page.status_code == 200
    assert "authenticator" in page.get_data(as_text=True)


def test_audit_entries_cannot_be_changed_through_the_orm(session):
    entry = record("test.action", "thing", 1)
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    entry = record("test.action", "thing", 2)
    db.session.delete(entry)
    with pytest.raises(AppendOnlyError):
        db.session.flush()


def test_postgres_refuses_raw_update_and_delete(session):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; run with DATABASE_URL=postgresql://")
    record("test.action", "thing", 3)
    db.session.flush()
    for statement in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(Exception, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text(statement))


def test_auditor_reads_the_audit_log_but_officers_cannot(client, auth):
    record("person.view_id", "person", 42)
    db.session.flush()
    auth.login(UserFactory(role="auditor"))
    client.get("/lang/en")
    page = client.get("/audit/?action=person.view_id")
    assert page.status_code == 200
    assert "Full ID number viewed" in page.get_data(as_text=True).split("<tbody>", 1)[1]
    auth.logout()
    auth.login(UserFactory(role="street_officer"))
    assert client.get("/audit/").status_code == 403


@pytest.mark.parametrize("path", ["/", "/login"])
def test_public_pages_in_both_languages(client, path):
    chinese = client.get(path).get_data(as_text=True)
    assert 'lang="zh-Hans"' in chinese
    client.get("/lang/en")
    english = client.get(path).get_data(as_text=True)
    assert 'lang="en"' in english and "Songtan" in english


def test_language_switch_returns_to_the_page_and_refuses_other_hosts(client):
    response = client.get("/lang/en?next=/registry/people")
    assert response.headers["Location"] == "/registry/people"
    for bad in ("https://evil.example/", "//evil.example/", "/\t/evil.example/",
                "/\\evil.example/", "javascript:alert(1)", "http://localhost.evil/"):
        elsewhere = client.get("/lang/en", query_string={"next": bad})
        assert elsewhere.headers["Location"] == "/", bad
    same_host = client.get("/lang/en", headers={"Referer": "http://localhost/registry/people?q=1"})
    assert same_host.headers["Location"] == "/registry/people?q=1"


def test_every_registry_page_renders_in_both_languages(client, auth):
    person = PersonFactory()
    auth.login(UserFactory(role="admin"))
    pages = ["/", "/district/", "/registry/people", f"/registry/people/{person.id}",
             f"/registry/people/{person.id}/edit", f"/registry/households/{person.household_id}",
             "/registry/households/new", f"/registry/households/{person.household_id}/members/new",
             "/registry/import", "/audit/"]
    for language in ("zh_Hans_CN", "en"):
        client.get(f"/lang/{language}")
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (language, page)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.view_id")) \
        is None


def test_login_attempts_are_rate_limited(app, client):
    """The suite's budget is lowered for this test, then restored."""
    from charity.extensions import limiter

    budget = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        codes = [client.post("/login", data={"email": "x@songtan.test", "password": "nope"})
                 .status_code for _ in range(4)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = budget
        limiter.reset()
    assert codes[-1] == 429
    assert codes[0] != 429


def test_the_login_budget_counts_login_attempts_only(app, client):
    """Showing the form and other account routes do not spend the budget."""
    from charity.extensions import limiter

    budget = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        others = [client.get("/login").status_code for _ in range(4)]
        others += [client.post("/logout").status_code for _ in range(4)]
        attempts = [client.post("/login", data={"email": "x@songtan.test", "password": "nope"})
                    .status_code for _ in range(3)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = budget
        limiter.reset()
    assert 429 not in others + attempts


def test_staff_turn_on_authenticator_two_factor_and_then_need_a_code(app, client, auth):
    user = UserFactory(role="fund_manager", second_factor=False)
    assert "/tf-setup" in auth.login(user).headers["Location"]
    assert client.post("/tf-setup", data={"setup": "authenticator"}).status_code == 200
    with client.session_transaction() as session_data:
        secret = session_data["tf_totp_secret"]
    code = code_for(secret)
    assert client.post("/tf-validate", data={"code": code}).status_code == 302
    db.session.refresh(user)
    assert user.tf_primary_method == "authenticator"
    auth.logout()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "/tf-validate" in response.headers.get("Location", "") or response.status_code == 200
    assert client.get("/registry/people").status_code == 302
    wrong = client.post("/tf-validate", data={"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 200
    assert client.post("/tf-validate", data={"code": code}).status_code == 200
    assert client.post("/tf-validate", data={"code": code_for(secret)}).status_code == 302
    assert client.get("/registry/people").status_code == 200


def test_real_stripe_keys_refuse_the_demo_secrets():
    from charity import create_app
    from tests.conftest import TEST_CONFIG

    # The limiter is shared by every app: these apps keep the suite's budgets.
    budgets = {k: TEST_CONFIG[k] for k in ("RATELIMIT_DEFAULT", "LOGIN_RATE_LIMIT")}
    # Outside production too (production refuses more: tests/test_sessions.py).
    real = {"STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_API_BASE": "", "SONGTAN_ENV": "development",
            "SQLALCHEMY_DATABASE_URI": "sqlite://", **budgets}
    with pytest.raises(RuntimeError, match="SECRET_KEY.*STRIPE_WEBHOOK_SECRET.*ID_ENCRYPTION_KEY"):
        create_app(real)
    create_app(real | {"SECRET_KEY": "s3cret", "STRIPE_WEBHOOK_SECRET": "whsec_real",
                       "ID_ENCRYPTION_KEY": "k" * 43 + "=", "ID_HASH_KEY": "h"})
