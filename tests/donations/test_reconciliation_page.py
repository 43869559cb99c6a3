"""The reconciliation page shows the last run in the reader's language: what was put right,
what needs a person (never the internal reason codes), and the events still waiting."""

from datetime import date

from donations.stripe.models import WAITING, Reconciliation, StripeEvent
from tests.factories import UserFactory


def test_the_last_run_and_waiting_events_read_in_both_languages(client, session, auth):
    session.add(Reconciliation(
        since=date(2026, 11, 1), examined={"payment_intents": 3},
        fixed=[{"object": "pi_1", "kind": "payment_intent.succeeded", "donation_id": 7,
                "outcome": "credited"},
               {"object": "ch_2", "kind": "charge.refunded", "donation_id": 8,
                "outcome": "refunded 3000"}],
        unfixed=[{"object": "pi_9", "kind": "payment_intent.succeeded", "donation_id": None,
                  "reason": "no_gift"}]))
    session.add(StripeEvent(id="evt_wait", type="charge.refunded", outcome=WAITING,
                            waiting_on="ch:ch_404", payload={"type": "charge.refunded",
                                                             "object": {"id": "ch_404"}}))
    session.flush()
    auth.login(UserFactory(role="fund_manager"))
    chinese = client.get("/donations/staff/reconciliation").get_data(as_text=True)
    assert "已记入善款" in chinese and "这里没有与之对应的捐赠" in chinese
    english = client.get("/donations/staff/reconciliation?lang=en").get_data(as_text=True)
    assert "Credited to the fund" in english and "Refund posted: ¥30.00" in english
    assert "no gift here matches it" in english and "no_gift" not in english
    assert "ch:ch_404" in english and "Payments 3" in english


def test_nobody_has_run_it_yet(client, session, auth):
    auth.login(UserFactory(role="auditor"))
    page = client.get("/donations/staff/reconciliation?lang=en")
    assert page.status_code == 200 and "No reconciliation has run yet" in page.get_data(
        as_text=True)
