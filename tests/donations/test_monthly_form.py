"""The monthly form as a donor meets it: a gift like one they already have is started only
once they confirm it, in their language; bad input is refused with a message and writes
nothing; a gift still being started can be cancelled and then never starts."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from charity.database import utcnow
from donations.giving.models import RecurringGift
from tests import factories
from tests.donations.test_monthly import at_localstripe, confirm_setup, subscriptions_at_stripe

START = "/donations/portal/monthly"
SAME = {"amount": "30", "designation": "measure:1"}


def monthly_of(donor, status: str, started_ago=timedelta(0), **terms) -> RecurringGift:
    """A monthly gift of the donor's of ¥30 for measure 1 (or `terms`), started that long ago."""
    from charity.extensions import db

    gift = RecurringGift(donor_id=donor.id, status=status, stripe_customer="cus_form",
                         setup_intent=f"seti_form_{donor.id}_{status}",
                         created_at=utcnow() - started_ago,
                         **{"amount_fen": 3000, "designation": "measure:1", **terms})
    db.session.add(gift)
    db.session.flush()
    return gift


def count_gifts(session) -> int:
    return session.scalar(select(func.count(RecurringGift.id)))


def test_an_identical_monthly_gift_starts_only_once_the_donor_confirms(client, session, auth):
    donor = factories.user("donor")
    monthly_of(donor, "active")
    auth.login(donor)
    warned = client.post(START, data=SAME)
    assert warned.status_code == 409 and warned.get_json()["confirm"] == "confirm_duplicate"
    assert warned.get_json()["error"] == (
        "您已有一笔每月¥30.00、用于“措施1：最低生活保障应保尽保”的月捐。"
        "如确需再开一笔相同的月捐，请勾选下方的确认框后再次提交。")
    client.get("/lang/en")
    assert client.post(START, data=SAME).get_json()["error"] == (
        "You already have a monthly gift of ¥30.00 for Measure 1: Minimum living allowance "
        "for all who qualify. To start another identical one, tick the box below and submit again.")
    assert count_gifts(session) == 1
    assert "Yes, start another identical monthly gift" in \
        client.get("/donations/portal").get_data(as_text=True)
    assert client.post(START, data=SAME | {"confirm_duplicate": "y"}).status_code == 200
    assert client.post(START, data=SAME | {"amount": "31"}).status_code == 200
    assert client.post(START, data=SAME | {"designation": ""}).status_code == 200
    assert count_gifts(session) == 4


def test_a_gift_being_started_warns_while_recent_and_a_cancelled_one_never(client, session,
                                                                         auth):
    donor = factories.user("donor")
    monthly_of(donor, "incomplete", started_ago=timedelta(days=2))
    monthly_of(donor, "canceled")
    auth.login(donor)
    assert client.post(START, data=SAME).status_code == 200
    assert client.post(START, data=SAME).status_code == 409  # the one just started
    assert count_gifts(session) == 3


AMOUNT = "Write an amount in yuan, e.g. 100 or 12.50."
CHOOSE = "Choose what the gift is for from the list."


@pytest.mark.parametrize(("data", "message"), [
    ({"amount": "0"}, AMOUNT), ({"amount": "abc"}, AMOUNT),
    ({"amount": "1e26"}, "A gift is between ¥1 and ¥1,000,000."),
    ({"amount": "1000001"}, "A gift is between ¥1 and ¥1,000,000."),
    ({"designation": "measure:99"}, CHOOSE), ({"designation": "campaign:1"}, CHOOSE),
    ({"designation": "street:不存在"}, CHOOSE)])
def test_bad_monthly_input_is_refused_with_a_message_and_writes_nothing(
        client, session, auth, localstripe, data, message):
    donor = factories.user("donor")
    auth.login(donor)
    client.get("/lang/en")
    refused = client.post(START, data=SAME | data)
    assert (refused.status_code, refused.get_json()) == (400, {"error": message})
    assert count_gifts(session) == 0
    customers = at_localstripe(localstripe, f"/v1/customers?email={quote(donor.email)}")
    assert customers["data"] == []


@pytest.mark.parametrize("amount", ["0", "1e26", "abc", ""])
def test_a_bad_new_amount_is_refused_and_changes_nothing(client, session, auth, amount):
    donor = factories.user("donor")
    gift = monthly_of(donor, "active", subscription="sub_form")
    auth.login(donor)
    client.get("/lang/en")
    refused = client.post(f"{START}/{gift.id}/change", data={"amount": amount})
    assert refused.status_code == 400
    with client.session_transaction() as flashed:
        assert [m for _kind, m in flashed["_flashes"]] == [AMOUNT]
    session.refresh(gift)
    assert gift.amount_fen == 3000


def test_a_gift_being_started_can_be_cancelled_and_then_never_starts(client, session, auth,
                                                                     localstripe):
    auth.login(factories.user("donor"))
    client.get("/lang/en")
    reply = client.post(START, data=SAME).get_json()
    gift = session.scalar(select(RecurringGift))
    page = client.get("/donations/portal").get_data(as_text=True)
    assert f"{START}/{gift.id}/cancel" in page and reply["activate_url"] in page
    confirm_setup(localstripe, reply["client_secret"])  # the card is saved in another tab
    assert client.post(f"{START}/{gift.id}/cancel").status_code == 302
    session.refresh(gift)
    assert gift.status == "canceled" and gift.canceled_at is not None
    assert client.post(reply["activate_url"]).status_code == 400
    with client.session_transaction() as flashed:
        assert flashed["_flashes"][-1] == ("error", "This monthly gift is already cancelled.")
    assert subscriptions_at_stripe(localstripe, gift.stripe_customer) == []
