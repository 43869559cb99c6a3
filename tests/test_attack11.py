"""Issue 11 attacked as an attacker and a careless user would: each test is a hole found,
kept shut."""

import pytest
from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.extensions import db, limiter
from tests.factories import PASSWORD, UserFactory

WRONG = "not-the-password-at-all"


@pytest.fixture(autouse=True)
def fresh_counts():
    """No attempt counted before or after a test."""
    limiter.reset()
    yield
    limiter.reset()


def _try(client, email, password=WRONG):
    return client.post("/login", data={"email": email, "password": password})


def _refusals(action="security.login_refused"):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


# Sign-in ------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["victim@ｓongtan.test", "victim@SONGTAN.ｔｅｓｔ",
                                     " Victim@songtan.TEST "])
def test_a_locked_account_stays_locked_under_another_spelling_of_its_email(client, session,
                                                                           variant):
    user = UserFactory(role="donor", email="victim@songtan.test")
    for _ in range(10):
        _try(client, user.email)
    assert _try(client, variant, PASSWORD).status_code == 429
    assert client.get("/donations/portal").status_code != 200


def test_spellings_of_one_email_share_its_budget(client, session):
    UserFactory(role="donor", email="victim@songtan.test")
    spellings = ["victim@songtan.test", "victim@ｓongtan.test", "victim@sｏngtan.test",
                 "victim@soｎgtan.test", "victim@sonｇtan.test"]
    codes = [_try(client, spellings[n % 5]).status_code for n in range(12)]
    assert codes == [200] * 10 + [429] * 2


@pytest.mark.parametrize("path", ["/verify", "/change"])
def test_a_signed_in_session_guesses_the_password_no_more_than_a_login(client, auth, session,
                                                                       path):
    user = UserFactory(role="donor")
    auth.login(user)
    client.get("/lang/en")
    new = "lantern-river-pocket-1987"
    data = {"password": WRONG, "new_password": new, "new_password_confirm": new}
    codes = [client.post(path, data=data).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]
    data["password"] = PASSWORD
    locked = client.post(path, data=data)
    assert locked.status_code == 429 and "locked" in locked.get_data(as_text=True)
    db.session.refresh(user)
    assert user.verify_and_update_password(PASSWORD)
    reasons = [entry.detail["reason"] for entry in _refusals()]
    assert reasons == ["current_password"] * 10 + ["locked"] * 2
    assert len(_refusals("security.lockout")) == 1


def test_a_right_current_password_still_changes_it(client, auth, session):
    user = UserFactory(role="donor")
    auth.login(user)
    client.post("/change", data={"password": WRONG, "new_password": "x",
                                 "new_password_confirm": "x"})
    new = "lantern-river-pocket-1987"
    done = client.post("/change", data={"password": PASSWORD, "new_password": new,
                                        "new_password_confirm": new})
    assert done.status_code == 302
    assert client.post("/verify", data={"password": new}).status_code == 302


def test_a_password_typed_in_the_email_field_is_not_kept_in_the_security_log(client, session):
    _try(client, "Lantern-River-Pocket-1987")
    _try(client, "Someone@ｓongtan.test")
    typed, address = _refusals()
    assert typed.detail["email"] is None
    assert "antern" not in str(typed.detail).lower()
    assert address.detail["email"] == "someone@songtan.test"
