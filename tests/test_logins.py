"""Signing in: one message whether or not the e-mail has an account, a budget of attempts per
account with a lockout that says so, refused sign-ins in the security log, the password
policy wherever a password is set, and two-factor sign-in for admin, approver and fund
manager."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from charity import create_app
from charity.audit.models import AuditEntry
from charity.auth.operations import create_user
from charity.auth.passwords import WeakPassword
from charity.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_KEY, give_authenticator
from charity.extensions import db, limiter, security
from tests.conftest import TEST_CONFIG, current_code
from tests.factories import PASSWORD, UserFactory

WRONG = "not-the-password-at-all"
WEAK = ["1234567890", "password123", "qwertyuiop"]
MESSAGES = {
    "en": {"bad": "The e-mail address or the password is not right.",
           "locked": "Too many failed sign-ins for this account. It is locked for 15 minutes",
           "code": "The code is not right",
           "weak": "Choose a stronger password"},
    "zh_Hans_CN": {"bad": "电子邮箱或密码有误。",
                   "locked": "此账户登录失败次数过多，已锁定15分钟",
                   "code": "验证码不正确",
                   "weak": "请设置更强的密码"},
}
#: What the login page said before: it told which e-mails have accounts.
TELLING = ["此用户不存在", "密码不正确", "Specified user does not exist", "Invalid password"]


@pytest.fixture(autouse=True)
def fresh_counts():
    """Every test starts with no attempt counted, and leaves none behind."""
    limiter.reset()
    yield
    limiter.reset()


def _try(client, email, password=WRONG):
    return client.post("/login", data={"email": email, "password": password})


def _refusals(action="security.login_refused"):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def _signed_in(client) -> bool:
    return client.get("/donations/portal").status_code == 200


@pytest.mark.parametrize("language", ["en", "zh_Hans_CN"])
def test_unknown_email_wrong_password_and_disabled_account_get_one_message(client, language):
    known = UserFactory(role="donor")
    disabled = UserFactory(role="donor", active=False)
    client.get(f"/lang/{language}")
    pages = {"unknown": _try(client, "nobody-here@songtan.test"),
             "wrong password": _try(client, known.email),
             "disabled": _try(client, disabled.email, PASSWORD)}
    for what, response in pages.items():
        text = response.get_data(as_text=True)
        assert response.status_code == 200, what
        assert MESSAGES[language]["bad"] in text, what
        assert not any(telling in text for telling in TELLING), what
    errors = {what: re.findall(r'class="fs-error-msg">([^<]*)<', r.get_data(as_text=True))
              for what, r in pages.items()}
    assert errors["unknown"] == errors["wrong password"] == errors["disabled"] == \
        [MESSAGES[language]["bad"]]
    assert [entry.detail["reason"] for entry in _refusals()] == ["password", "password",
                                                                 "disabled"]


def test_no_other_page_tells_whether_an_account_exists(client):
    for path in ("/reset", "/register", "/confirm", "/us-signin"):
        assert client.get(path).status_code == 404, path


def test_a_refused_sign_in_is_kept_in_the_security_log_without_the_password(client, session):
    user = UserFactory(role="donor")
    _try(client, user.email.upper())
    _try(client, "x" * 300 + "@songtan.test")
    known, unknown = _refusals()
    assert (known.object_type, known.object_id, known.user_id) == ("user", str(user.id), None)
    assert known.detail["email"] == user.email and known.detail["reason"] == "password"
    # 300 characters before the @ is no e-mail address: what was typed is not kept.
    assert unknown.object_id is None and unknown.detail["email"] is None
    assert WRONG not in str(known.detail) + str(unknown.detail)


@pytest.mark.parametrize("language", ["en", "zh_Hans_CN"])
def test_ten_failures_lock_the_account_and_the_page_says_so(client, session, language):
    user = UserFactory(role="donor")
    client.get(f"/lang/{language}")
    failures = [_try(client, user.email) for _ in range(10)]
    assert [r.status_code for r in failures] == [200] * 10
    assert MESSAGES[language]["locked"] not in failures[8].get_data(as_text=True)
    assert MESSAGES[language]["locked"] in failures[9].get_data(as_text=True)
    right = _try(client, user.email.upper(), PASSWORD)
    assert right.status_code == 429
    assert MESSAGES[language]["locked"] in right.get_data(as_text=True)
    assert not _signed_in(client)
    reasons = [entry.detail["reason"] for entry in _refusals()]
    assert reasons == ["password"] * 10 + ["locked"]
    lockouts = _refusals("security.lockout")
    assert len(lockouts) == 1 and lockouts[0].object_id == str(user.id)
    assert _try(client, "someone-else@songtan.test").status_code == 200


def test_an_unknown_email_locks_the_same_way(client, session):
    known, unknown = UserFactory(role="donor").email, "no-account@songtan.test"
    codes = {email: [_try(client, email).status_code for _ in range(12)]
             for email in (known, unknown)}
    assert codes[known] == codes[unknown] == [200] * 10 + [429] * 2
    assert len(_refusals("security.lockout")) == 2


def test_a_lock_ends_after_its_time(app, client, session):
    user = UserFactory(role="donor")
    keys = ("LOGIN_ATTEMPTS", "LOGIN_ATTEMPT_WINDOW", "LOGIN_LOCKOUT_SECONDS")
    saved = {key: app.config[key] for key in keys}
    # two attempts, so both fall in the two-second window even on a busy machine
    app.config.update(LOGIN_ATTEMPTS=2, LOGIN_ATTEMPT_WINDOW=2, LOGIN_LOCKOUT_SECONDS=2)
    try:
        for _ in range(2):
            _try(client, user.email)
        assert _try(client, user.email, PASSWORD).status_code == 429
        time.sleep(2.2)
        assert _try(client, user.email, PASSWORD).status_code == 302
    finally:
        app.config.update(saved)
    assert _signed_in(client)


def test_a_successful_sign_in_starts_the_count_afresh(client, auth, session):
    user = UserFactory(role="donor")
    for _ in range(9):
        _try(client, user.email)
    auth.login(user)
    auth.logout()
    assert [_try(client, user.email).status_code for _ in range(11)] == [200] * 10 + [429]


def test_the_auditor_finds_refused_sign_ins_and_lockouts_in_the_security_log(client, auth,
                                                                              session):
    target = UserFactory(role="donor")
    for _ in range(10):
        _try(client, target.email)
    auth.login(UserFactory(role="auditor"))
    client.get("/lang/en")
    page = client.get("/audit/?kind=security").get_data(as_text=True).split("<tbody>", 1)[1]
    assert "Sign-in refused" in page and "Account locked after failed sign-ins" in page


def test_an_address_over_its_budget_is_answered_429_and_logged_once_a_minute(app, client,
                                                                           session):
    budget = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [_try(client, f"who-{n}@songtan.test").status_code for n in range(6)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = budget
    assert codes == [200] * 3 + [429] * 3
    reasons = [entry.detail["reason"] for entry in _refusals()]
    assert reasons == ["password"] * 3 + ["address_budget"]


def test_the_address_is_the_connections_unless_a_proxy_is_trusted(client, session, tmp_path):
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    client.post("/login", data={"email": "a@songtan.test", "password": WRONG}, headers=forwarded)
    assert _refusals()[-1].ip == "127.0.0.1"
    behind = create_app(TEST_CONFIG | {"TRUSTED_PROXIES": 1,
                                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    # (The test's session writes and reads the suite's database, whichever app asks.)
    with behind.app_context():
        behind.test_client().post("/login", data={"email": "a@songtan.test", "password": WRONG},
                                  headers=forwarded)
        assert _refusals()[-1].ip == "203.0.113.9"


# The password policy --------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "zh_Hans_CN"])
def test_changing_to_a_weak_password_is_refused_in_the_users_language(client, auth, language):
    user = UserFactory(role="donor")
    auth.login(user)
    client.get(f"/lang/{language}")
    for weak in WEAK:
        response = client.post("/change", data={"password": PASSWORD, "new_password": weak,
                                                 "new_password_confirm": weak})
        assert MESSAGES[language]["weak"] in response.get_data(as_text=True), weak
    strong = "lantern-river-pocket-1987"
    done = client.post("/change", data={"password": PASSWORD, "new_password": strong,
                                        "new_password_confirm": strong})
    assert done.status_code == 302
    db.session.refresh(user)
    assert user.verify_and_update_password(strong)


def test_accounts_are_not_created_with_weak_passwords(session):
    for weak in WEAK + ["short"]:
        with pytest.raises(WeakPassword):
            create_user(f"weak-{len(weak)}@songtan.test", weak, ["donor"])
    assert create_user("demo-like@songtan.test", DEMO_PASSWORD, ["admin"]).id
    assert create_user("factory-like@songtan.test", PASSWORD, ["donor"]).id


def test_the_users_commands_refuse_weak_passwords(runner, session):
    for weak in WEAK:
        result = runner.invoke(args=["users", "create", "cli@songtan.test", "--password", weak,
                                     "--active"])
        assert result.exit_code != 0 and MESSAGES["zh_Hans_CN"]["weak"] in result.output, weak
    user = UserFactory(role="donor")
    result = runner.invoke(args=["users", "change_password", user.email, "--password",
                                 "qwertyuiop"])
    assert result.exit_code != 0 and MESSAGES["zh_Hans_CN"]["weak"] in result.output
    assert user.verify_and_update_password(PASSWORD)


# Two-factor sign-in ------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "approver", "fund_manager"])
def test_a_money_role_without_an_authenticator_is_sent_to_set_one_up(client, session, role):
    user = UserFactory(role=role, second_factor=False)
    response = _try(client, user.email, PASSWORD)
    assert response.status_code == 302 and "/tf-setup" in response.headers["Location"]
    staff = client.get("/fund/")
    assert staff.status_code == 302 and "/login" in staff.headers["Location"]
    assert client.post("/tf-setup", data={"setup": "authenticator"}).status_code == 200
    with client.session_transaction() as stored:
        secret = stored["tf_totp_secret"]
    code = security.totp_factory.generate_totp_password(secret)
    assert client.post("/tf-validate", data={"code": code}).status_code == 302
    assert client.get("/fund/").status_code == 200
    db.session.refresh(user)
    assert user.tf_primary_method == "authenticator"


def test_other_roles_sign_in_with_the_password_alone(client, session):
    for role in ("donor", "street_officer", "auditor", "cadre", "volunteer"):
        user = UserFactory(role=role, second_factor=False)
        response = _try(client, user.email, PASSWORD)
        assert "/tf-" not in response.headers["Location"], role
        client.post("/logout")


def test_a_session_without_the_second_factor_gets_nothing_from_a_staff_page(client, auth,
                                                                            session):
    user = UserFactory(role="donor")
    auth.login(user)
    user.roles.append(security.datastore.find_role("admin"))
    session.flush()
    for path in ("/fund/", "/registry/people", "/audit/", "/donations/portal"):
        response = client.get(path)
        assert response.status_code == 302 and "/tf-setup" in response.headers["Location"]
        assert "<table" not in response.get_data(as_text=True)
    assert client.get("/tf-setup").status_code == 200


def test_a_valid_code_lets_an_admin_in_and_a_wrong_one_is_refused_and_logged(client, session):
    admin = UserFactory(role="admin")
    client.get("/lang/en")
    response = _try(client, admin.email, PASSWORD)
    assert "/tf-validate" in response.headers["Location"]
    assert client.get("/fund/").status_code == 302
    good = current_code(admin)
    wrong = client.post("/tf-validate", data={"code": "000000" if good != "000000" else "111111"})
    assert wrong.status_code == 200
    assert MESSAGES["en"]["code"] in wrong.get_data(as_text=True)
    assert client.get("/fund/").status_code == 302
    refused = _refusals()[-1]
    assert refused.detail["reason"] == "two_factor_code" and refused.object_id == str(admin.id)
    assert client.post("/tf-validate", data={"code": current_code(admin)}).status_code == 302
    assert client.get("/fund/").status_code == 200


def test_wrong_codes_spend_the_accounts_budget(client, session):
    admin = UserFactory(role="admin")
    _try(client, admin.email, PASSWORD)
    codes = [client.post("/tf-validate", data={"code": "000000"}).status_code for _ in range(10)]
    assert codes == [200] * 9 + [429]
    assert client.post("/tf-validate", data={"code": current_code(admin)}).status_code == 429
    assert client.get("/fund/").status_code == 302
    assert len(_refusals("security.lockout")) == 1


def test_a_code_is_accepted_once(client, session):
    admin = UserFactory(role="admin")
    _try(client, admin.email, PASSWORD)
    code = current_code(admin)
    assert client.post("/tf-validate", data={"code": code}).status_code == 302
    client.post("/logout")
    _try(client, admin.email, PASSWORD)
    replayed = client.post("/tf-validate", data={"code": code})
    assert replayed.status_code == 200 and client.get("/fund/").status_code == 302
    assert _refusals()[-1].detail["reason"] == "two_factor_code"


def test_the_money_roles_cannot_turn_the_second_factor_off(client, auth, session):
    admin = UserFactory(role="admin")
    auth.login(admin)
    client.post("/tf-setup", data={"setup": "disable"})
    db.session.refresh(admin)
    assert admin.tf_primary_method == "authenticator"


def test_the_demo_staff_sign_in_with_the_published_authenticator_key(client, runner, session):
    admin = UserFactory(role="admin", second_factor=False, email="admin-2@songtan.test")
    give_authenticator(admin)
    session.flush()
    published = pyotp.TOTP(DEMO_TOTP_KEY)
    stored = security.totp_factory._totp.from_source(admin.tf_totp_secret)
    assert stored.generate(time=1_800_000_000).token == published.at(1_800_000_000)
    printed = runner.invoke(args=["demo", "codes"]).output
    assert any(published.at(time.time() - back) in printed for back in (0, 30))
    _try(client, admin.email, PASSWORD)
    assert client.post("/tf-validate",
                       data={"code": pyotp.TOTP(DEMO_TOTP_KEY).now()}).status_code == 302
    assert client.get("/fund/").status_code == 200
