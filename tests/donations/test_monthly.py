"""Monthly giving against localstripe: save a card (SetupIntent), subscribe, the paid invoice
credits the fund through the signed webhook, then change and cancel."""

import json
from urllib.request import Request, urlopen

from sqlalchemy import select

from charity.fund.queries import balance
from donations.giving.models import Donation, RecurringGift
from tests import factories
from tests.donations.test_online import HOOK
from tests.donations.test_refunds_disputes import post


def confirm_setup(localstripe: str, client_secret: str) -> None:
    """What localstripe's Stripe.js confirmCardSetup sends for a typed card."""
    seti = client_secret.split("_secret_")[0]
    body = json.dumps({"key": "pk_test_x", "client_secret": client_secret, "use_stripe_sdk": True,
                       "payment_method_data": {"type": "card", "card": {
                           "number": "4242424242424242", "exp_month": "12",
                           "exp_year": "2030", "cvc": "123"}}}).encode()
    request = Request(f"{localstripe}/v1/setup_intents/{seti}/confirm", data=body,
                      headers={"Content-Type": "application/json"})
    urlopen(request, timeout=5).close()


def at_localstripe(localstripe: str, path: str) -> dict:
    """What localstripe's API answers to a GET."""
    request = Request(f"{localstripe}{path}", headers={"Authorization": "Bearer sk_test_x"})
    with urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def subscriptions_at_stripe(localstripe: str, customer: str) -> list[dict]:
    """Every subscription localstripe holds for a customer, cancelled ones too."""
    return at_localstripe(
        localstripe, f"/v1/subscriptions?customer={customer}&status=all&limit=100")["data"]


def start_with_card(client, localstripe: str, **data) -> dict:
    """Start a monthly gift of ¥30 for measure 1 (or `data`) and save its card, as the page
    does; the start's JSON reply."""
    started = client.post("/donations/portal/monthly",
                          data={"amount": "30", "designation": "measure:1", **data})
    assert started.status_code == 200, started.get_json()
    confirm_setup(localstripe, started.get_json()["client_secret"])
    return started.get_json()


def wait_for_invoice(capture, subscription: str):
    import time

    for _ in range(100):
        for body, header in list(capture.deliveries):
            event = json.loads(body)
            obj = event["data"]["object"]
            if event["type"] == "invoice.payment_succeeded" and \
                    obj.get("subscription") == subscription:
                return body, header
        time.sleep(0.1)
    raise AssertionError("no paid invoice")


def test_monthly_gift_start_pay_change_cancel(client, session, auth, localstripe, capture):
    donor = factories.user("donor")
    auth.login(donor)
    started = client.post("/donations/portal/monthly",
                          data={"amount": "30", "designation": "measure:1"})
    assert started.status_code == 200, started.get_json()
    confirm_setup(localstripe, started.get_json()["client_secret"])
    assert client.post(started.get_json()["activate_url"]).status_code == 302
    gift = session.scalar(select(RecurringGift))
    assert gift.status == "active" and gift.subscription.startswith("sub_")

    body, header = wait_for_invoice(capture, gift.subscription)
    response = client.post(HOOK, data=body, headers={"Stripe-Signature": header})
    assert response.get_json() == {"outcome": "credited"}
    paid = session.scalar(select(Donation).where(Donation.recurring_id == gift.id))
    assert paid.amount_fen == 3000 and paid.donor_id == donor.id
    assert balance("restricted:measure:1") == 3000
    assert client.post(HOOK, data=body, headers={"Stripe-Signature": header}).get_json() \
        == {"outcome": "duplicate"}

    changed = client.post(f"/donations/portal/monthly/{gift.id}/change", data={"amount": "50"})
    with client.session_transaction() as flashed:
        assert changed.status_code == 302, flashed.get("_flashes")
    session.refresh(gift)
    assert gift.amount_fen == 5000
    assert client.post(f"/donations/portal/monthly/{gift.id}/cancel").status_code == 302
    session.refresh(gift)
    assert gift.status == "canceled"
    assert [s["status"] for s in subscriptions_at_stripe(localstripe, gift.stripe_customer)] \
        == ["canceled"]  # Stripe bills it no more
    assert client.post(f"/donations/portal/monthly/{gift.id}/cancel").status_code == 400


def test_standing_order_offers_no_stripe_actions_and_refuses_them_clearly(client, session,
                                                                          auth):
    donor = factories.user("donor")
    order = RecurringGift(donor_id=donor.id, amount_fen=10_000, designation="measure:1",
                          status="active", kind="standing_order")
    session.add(order)
    session.flush()
    auth.login(donor)
    client.get("/lang/en")
    page = client.get("/donations/portal").get_data(as_text=True)
    assert "Bank standing order" in page
    assert f"/monthly/{order.id}/cancel" not in page and f"/monthly/{order.id}/change" not in page
    for action, data in (("change", {"amount": "50"}), ("cancel", {}), ("activate", {})):
        response = client.post(f"/donations/portal/monthly/{order.id}/{action}", data=data)
        assert response.status_code == 400, action
        with client.session_transaction() as flashed:
            assert "standing order" in str(flashed.get("_flashes"))
    session.refresh(order)
    assert (order.status, order.amount_fen) == ("active", 10_000)



def active_monthly(amount_fen=3000, show_name=False, designation="measure:1"):
    donor = factories.user("donor")
    donor.name = "月捐的张先生"
    gift = RecurringGift(donor_id=donor.id, amount_fen=amount_fen, designation=designation,
                         status="active", show_name=show_name, stripe_customer="cus_m",
                         setup_intent=f"seti_{donor.id}", subscription=f"sub_{donor.id}")
    from charity.extensions import db

    db.session.add(gift)
    db.session.flush()
    return gift


def paid_invoice(client, gift, amount=None, currency="cny", invoice="in_1"):
    return post(client, "invoice.paid", {
        "id": invoice, "object": "invoice", "subscription": gift.subscription,
        "amount_paid": gift.amount_fen if amount is None else amount, "currency": currency,
        "payment_intent": f"pi_{invoice}"})


def test_monthly_gifts_are_anonymous_unless_the_donor_shows_their_name(client, session):
    quiet = active_monthly()
    assert paid_invoice(client, quiet) == "credited"
    page = client.get("/donations/?lang=en").get_data(as_text=True)
    assert "月捐的张先生" not in page and "Anonymous donor" in page
    assert not session.scalar(
        select(Donation).where(Donation.recurring_id == quiet.id)).show_name
    named = active_monthly(show_name=True)
    assert paid_invoice(client, named, invoice="in_2") == "credited"
    assert "月捐的张先生" in client.get("/donations/?lang=en").get_data(as_text=True)


def test_the_monthly_form_asks_to_show_the_name_and_defaults_to_anonymous(client, session,
                                                                         auth):
    auth.login(factories.user("donor"))
    page = client.get("/donations/portal?lang=en").get_data(as_text=True)
    assert "Show my name with my gifts" in page
    for data in ({}, {"show_name": "y", "confirm_duplicate": "y"}):
        started = client.post("/donations/portal/monthly",
                              data={"amount": "30", "designation": "", **data})
        assert started.status_code == 200, started.get_json()
    assert [g.show_name for g in session.scalars(
        select(RecurringGift).order_by(RecurringGift.id))] == [False, True]


def test_an_invoice_in_another_currency_or_amount_is_flagged_not_credited(client, session):
    gift = active_monthly(amount_fen=3000)
    assert paid_invoice(client, gift, currency="usd", invoice="in_usd") == "flagged"
    assert paid_invoice(client, gift, amount=700, invoice="in_small") == "flagged"
    flagged = session.scalars(select(Donation).where(Donation.recurring_id == gift.id)
                              .order_by(Donation.id)).all()
    assert [(d.status, d.review_flag) for d in flagged] == [
        ("flagged", "amount_mismatch: 3000 usd"), ("flagged", "amount_mismatch: 700 cny")]
    assert balance("restricted:measure:1") == 0 and balance("cash") == 0
    assert paid_invoice(client, gift, invoice="in_usd") == "ignored"  # already recorded
    assert paid_invoice(client, gift, invoice="in_ok") == "credited"
    assert balance("restricted:measure:1") == 3000


def test_an_invoices_fee_is_fetched_from_real_stripe(client, session, app, monkeypatch):
    from donations.stripe import gateway

    fetched = []

    class Intents:
        def retrieve(self, intent, params):
            fetched.append((intent, params))
            return type("Found", (), {"to_dict": lambda self: {
                "id": intent, "latest_charge": {"id": "ch_inv", "balance_transaction": {
                    "fee": 96, "currency": "cny"}}}})()

    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "")
    monkeypatch.setattr(gateway, "client", lambda: type("C", (), {"v1": type(
        "V1", (), {"payment_intents": Intents()})()})())
    gift = active_monthly(amount_fen=3000)
    assert paid_invoice(client, gift, invoice="in_fee") == "credited"
    assert fetched == [("pi_in_fee", {"expand": ["latest_charge.balance_transaction"]})]
    paid = session.scalar(select(Donation).where(Donation.recurring_id == gift.id))
    assert paid.fee_fen == 96 and balance("fees") == 96
