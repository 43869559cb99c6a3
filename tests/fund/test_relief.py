"""Applications: eligibility, four eyes, reservation, payment, release and the committee."""

import itertools
from datetime import date

import pytest

from charity.fund import queries as fund
from charity.relief import operations as ops
from tests.factories import PersonFactory, UserFactory

TODAY = date(2026, 11, 29)


#: Each submission here is its own event unless a test names one (see test_benefit_periods).
EVENTS = itertools.count(1)


def submit(person, maker, kind="temporary_emergency", **kwargs):
    kwargs.setdefault("grade", 2 if kind.startswith("temporary") else None)
    kwargs.setdefault("event", f"test {next(EVENTS)}")
    return ops.submit(person, kind, "突发重病", TODAY, maker, **kwargs)


def test_eligibility_is_checked_and_explained(session, person, maker):
    application = submit(person, maker)
    assert application.amount_fen == 200_000 and application.measure == 4
    assert [r["code"] for r in application.eligibility] == ["active", "residency", "income"]
    assert application.eligible
    rich = PersonFactory(monthly_income_fen=900_000)
    with pytest.raises(ops.ReliefError, match="Not eligible"):
        submit(rich, maker)
    outsider = PersonFactory(hukou="other", residence_permit_start=date(2026, 6, 1))
    with pytest.raises(ops.ReliefError):
        submit(outsider, maker)


def test_amounts_follow_the_standards(session, person, maker, app):
    with pytest.raises(ops.ReliefError):
        submit(person, maker, grade=7)
    with pytest.raises(ops.ReliefError):
        submit(person, maker, kind="medical", assessed_fen=99_000_000)
    assert submit(person, maker, kind="medical", assessed_fen=350_000).amount_fen == 350_000
    app.config["RELIEF_AMOUNTS"] = {"festival_gift": 80_000}
    try:
        assert submit(person, maker, kind="festival_gift").amount_fen == 80_000
    finally:
        del app.config["RELIEF_AMOUNTS"]


def test_rent_subsidy_for_dibao_class_a(session, maker):
    tenant = PersonFactory(dibao_class="A")
    assert submit(tenant, maker, kind="rent_subsidy", assessed_fen=60_000).measure == 6
    with pytest.raises(ops.ReliefError):
        submit(PersonFactory(dibao_class="B"), maker, kind="rent_subsidy", assessed_fen=60_000)


def test_maker_cannot_approve_own_application(session, person, maker, funded):
    application = submit(person, maker)
    with pytest.raises(ops.FourEyesError):
        ops.approve(application, maker)
    assert application.state == "submitted"


def test_approve_reserves_pay_posts_reject_releases(session, person, maker, checker, funded):
    first, second = submit(person, maker), submit(person, maker)
    ops.approve(first, checker)
    assert first.state == "approved" and first.decided_by_id == checker.id
    assert fund.balance(f"reserved:{first.id}") == 200_000
    assert fund.balance("restricted:measure:4") == 1_800_000
    ops.pay(first, maker)
    assert first.state == "paid" and fund.balance("disbursed:measure:4") == 200_000
    ops.approve(second, checker)
    ops.reject(second, checker, "duplicate")
    assert second.state == "rejected" and fund.balance("restricted:measure:4") == 1_800_000


def test_expiry_releases_the_reservation(session, person, maker, checker, funded):
    application = ops.approve(submit(person, maker), checker)
    assert ops.expire(date(2099, 1, 1)) == 1
    assert application.state == "expired" and fund.balance(f"reserved:{application.id}") == 0


def test_days_are_shanghai_days(session, person, maker, checker, funded, monkeypatch, app):
    """At 01:30 in Shanghai it is still yesterday in UTC: the reservation runs from the
    Shanghai day, and a payment then counts on the Shanghai day."""
    from datetime import UTC, datetime, timedelta

    from charity import timeutil
    from charity.relief import checks, standards

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 29, 17, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(timeutil, "datetime", Clock)
    application = ops.approve(submit(person, maker), checker)
    days = standards.setting(app.config, "RELIEF_RESERVATION_DAYS")
    assert application.expires_on == date(2026, 11, 30) + timedelta(days=days)
    ops.pay(application, maker)
    application.paid_at = datetime(2025, 12, 31, 16, 30, tzinfo=UTC)
    assert checks.last_temporary_assistance(person) == date(2026, 1, 1)


def test_amounts_in_yuan_have_at_most_two_decimals(app):
    from charity.relief.forms import AllocationCaseForm, ApplicationForm

    # No person: the person picker reads the signed-in user's scope (tests/test_person_picker.py).
    with app.test_request_context("/?lang=en", method="POST", data={
            "kind": "medical", "reason": "病", "assessed": "1234.567"}):
        form = ApplicationForm()
        assert not form.validate() and "two decimals" in str(form.assessed.errors[0])
    with app.test_request_context("/?lang=en", method="POST", data={
            "fund": "unrestricted", "amount": "1234.50"}):
        form = AllocationCaseForm()
        assert form.validate() and form.amount_fen() == 123_450
    with app.test_request_context("/?lang=en", method="POST", data={
            "fund": "unrestricted", "amount": "0.015"}):
        assert not AllocationCaseForm().validate()


def test_not_enough_money_is_a_clear_refusal(session, person, maker, checker):
    application = submit(person, maker)
    with pytest.raises(ops.ReliefError, match="enough money"):
        ops.approve(application, checker)


def test_large_case_goes_to_the_committee(session, person, maker, checker, members, funded):
    application = submit(person, maker, kind="medical", assessed_fen=1_500_000)
    ops.approve(application, checker)
    assert application.state == "committee" and fund.balance(f"reserved:{application.id}") == 0
    with pytest.raises(ops.FourEyesError):
        ops.vote(application, maker, True)
    ops.vote(application, members[0], True)
    with pytest.raises(ops.ReliefError):
        ops.vote(application, members[0], True)
    ops.vote(application, members[1], False)
    assert application.state == "committee"
    ops.vote(application, members[2], True)
    assert application.state == "approved"
    assert fund.balance(f"reserved:{application.id}") == 1_500_000
    ops.keep_minutes(application, members[0], "2026年11月会议：三人到会，二比一通过。")
    assert "二比一" in application.minutes
    with pytest.raises(ops.FourEyesError):
        ops.keep_minutes(application, maker, "一致同意")
    ops.keep_minutes(application, members[1], "补充：反对意见为金额偏高。")
    assert "二比一" in application.minutes and "补充" in application.minutes
    assert application.minutes.index("二比一") < application.minutes.index("补充")
    assert members[1].email in application.minutes


def test_one_case_one_discussion_rejected_on_a_tie_or_majority(session, person, maker, checker,
                                                               members, funded):
    application = submit(person, maker, one_case_one_discussion=True)
    ops.approve(application, checker)
    assert application.state == "committee"
    for member in members:
        ops.vote(application, member, False)
    assert application.state == "rejected"


def test_maker_approving_own_application_gets_403(client, auth, session, person, maker, funded):
    application = submit(person, maker)
    session.commit()
    auth.login(maker)
    assert client.post(f"/relief/{application.id}/approve").status_code == 403


def test_pages_and_bad_input(client, auth, session, person, maker, checker, funded):
    auth.login(maker)
    client.get("/lang/en")
    response = client.post("/relief/new", data={"person_id": person.id,
                                                "kind": "temporary_emergency", "reason": "x"})
    assert response.status_code == 400 and b"needs a grade" in response.data
    response = client.post("/relief/new", data={"person_id": person.id, "grade": "1",
                                                "kind": "temporary_emergency", "reason": "病"})
    assert response.status_code == 302
    case = response.headers["Location"]
    assert b"Household income per person" in client.get(case).data
    auth.logout()
    auth.login(checker)
    assert client.post(case + "/approve").status_code == 302
    assert fund.balance("restricted:measure:4") == 1_900_000
    assert client.get("/relief/").status_code == 200


def test_street_officer_sees_only_their_street(client, auth, session, maker):
    other = PersonFactory(street_name="解放碑", seriously_ill=True)
    application = submit(other, maker)
    session.commit()
    auth.login(UserFactory(role="street_officer"))
    assert client.get(f"/relief/{application.id}").status_code == 404
