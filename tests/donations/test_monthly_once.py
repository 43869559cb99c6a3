"""A monthly gift is activated once, however often and however concurrently it is asked:
activations one after another, an activation whose answer was lost, and (committed, each on its
own connection) five and ten at once all leave exactly one subscription at localstripe. Every
Stripe object is made with an idempotency key derived from the gift."""

import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import flask_migrate
import pytest
import stripe
from sqlalchemy import select
from stripe._customer_service import CustomerService
from stripe._plan_service import PlanService
from stripe._setup_intent_service import SetupIntentService
from stripe._subscription_service import SubscriptionService

from charity import create_app
from charity.extensions import db
from donations.giving.models import RecurringGift
from tests import factories
from tests.committed import committed_data, empty
from tests.conftest import TEST_CONFIG, Auth, IsolatedClient
from tests.donations.conftest import WEBHOOK_SECRET
from tests.donations.test_monthly import start_with_card, subscriptions_at_stripe

#: The donors of the concurrency tests, whose committed rows `clean` deletes.
CONCURRENT = "monthly-concurrent-"


@pytest.fixture
def lost_answer(monkeypatch):
    """The first subscription Stripe makes is made, but its answer never arrives."""
    create = SubscriptionService.create

    def made_then_lost(self, *args, **kwargs):
        create(self, *args, **kwargs)
        monkeypatch.setattr(SubscriptionService, "create", create)
        raise stripe.APIConnectionError("the connection dropped")

    monkeypatch.setattr(SubscriptionService, "create", made_then_lost)


def test_five_activations_one_after_another_make_one_subscription(client, session, auth,
                                                                  localstripe):
    auth.login(factories.user("donor"))
    reply = start_with_card(client, localstripe)
    assert [client.post(reply["activate_url"]).status_code for _ in range(5)] == [302] * 5
    gift = session.scalar(select(RecurringGift))
    made = subscriptions_at_stripe(localstripe, gift.stripe_customer)
    assert [s["id"] for s in made] == [gift.subscription] and gift.status == "active"


def test_an_activation_whose_answer_was_lost_is_retried_into_the_same_subscription(
        client, session, auth, localstripe, lost_answer):
    auth.login(factories.user("donor"))
    reply = start_with_card(client, localstripe)
    assert client.post(reply["activate_url"]).status_code == 400
    gift = session.scalar(select(RecurringGift))
    assert gift.status == "incomplete" and gift.subscription is None
    assert client.post(reply["activate_url"]).status_code == 302
    session.refresh(gift)
    made = subscriptions_at_stripe(localstripe, gift.stripe_customer)
    assert [s["id"] for s in made] == [gift.subscription] and gift.status == "active"


def test_cancelling_after_a_lost_answer_stops_the_subscription_it_made(client, session, auth,
                                                                       localstripe, lost_answer):
    auth.login(factories.user("donor"))
    reply = start_with_card(client, localstripe)
    assert client.post(reply["activate_url"]).status_code == 400
    gift = session.scalar(select(RecurringGift))
    assert client.post(f"/donations/portal/monthly/{gift.id}/cancel").status_code == 302
    session.refresh(gift)
    made = subscriptions_at_stripe(localstripe, gift.stripe_customer)
    assert [(s["id"], s["status"]) for s in made] == [(gift.subscription, "canceled")]
    assert gift.status == "canceled" and gift.canceled_at is not None


@pytest.fixture
def stripe_keys(monkeypatch):
    """The idempotency key of every Stripe call that creates something, by service; a key
    Stripe has seen gets the object it made for it (localstripe does not keep keys)."""
    sent, made = [], {}
    for service in (CustomerService, SetupIntentService, PlanService, SubscriptionService):
        def create(self, params=None, options=None, original=service.create, name=service):
            key = (options or {}).get("idempotency_key")
            sent.append((name.__name__, key))
            if key is None:
                return original(self, params=params, options=options)
            if key not in made:
                made[key] = original(self, params=params, options=options)
            return made[key]

        monkeypatch.setattr(service, "create", create)
    return sent


def test_a_start_form_sent_twice_starts_one_gift_and_each_stripe_object_has_a_key(
        client, session, auth, localstripe, stripe_keys):
    donor = factories.user("donor")
    auth.login(donor)
    form = {"amount": "30", "designation": "measure:1", "start_key": "form-1"}
    first = client.post("/donations/portal/monthly", data=form).get_json()
    again = start_with_card(client, localstripe, **form | {"amount": "40"})
    assert again == first  # the same customer, SetupIntent and gift, with the form's new amount
    gift = session.scalar(select(RecurringGift))
    assert gift.amount_fen == 4000
    assert client.post(again["activate_url"]).status_code == 302
    started, made = f"songtan-monthly-start-{donor.id}-form-1", \
        f"songtan-monthly-{gift.id}-{gift.setup_intent}"
    assert sorted(set(stripe_keys)) == [
        ("CustomerService", f"{started}-customer"), ("PlanService", f"{made}-plan-4000"),
        ("SetupIntentService", f"{started}-setup"), ("SubscriptionService", f"{made}-subscribe")]


def clean() -> None:
    empty("recurring_gift",
          "DELETE FROM roles_users WHERE user_id IN "
          "(SELECT id FROM \"user\" WHERE email LIKE 'monthly-concurrent-%')",
          "DELETE FROM \"user\" WHERE email LIKE 'monthly-concurrent-%'")


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory, localstripe):
    """A fresh app on its own SQLite file: its requests commit on their own connections."""
    folder = tmp_path_factory.mktemp("committed")
    fresh = create_app(TEST_CONFIG | {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'committed.db'}",
        "STRIPE_API_BASE": localstripe, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET})
    fresh.instance_path, fresh.test_client_class = str(folder), IsolatedClient
    with fresh.app_context():
        flask_migrate.upgrade(revision="head")
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


@pytest.fixture
def committed(app, request):
    """An app whose data is really committed: on PostgreSQL the test database, emptied before
    and after; on SQLite a fresh file (each POST's transaction begins IMMEDIATE there)."""
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        fresh = request.getfixturevalue("sqlite_app")
        with fresh.app_context():
            yield fresh
        return
    with committed_data(app, clean, "PostgreSQL only"):
        yield app


@pytest.mark.parametrize("count", [5, 10])
def test_concurrent_activations_make_one_subscription(committed, localstripe, count):
    made = factories.UserFactory(role="donor", email=f"{CONCURRENT}{count}@songtan.test")
    donor = SimpleNamespace(id=made.id, email=made.email)
    db.session.commit()  # and read nothing more: on SQLite that would take the write lock
    starter = committed.test_client()
    Auth(starter).login(donor)
    reply = start_with_card(starter, localstripe)
    barrier = threading.Barrier(count)

    def activate(_i):
        client = committed.test_client()
        client.set_cookie("session", starter.get_cookie("session").value)
        barrier.wait()
        return client.post(reply["activate_url"]).status_code

    with ThreadPoolExecutor(count) as pool:
        assert list(pool.map(activate, range(count))) == [302] * count
    db.session.expire_all()
    gift = db.session.scalar(select(RecurringGift).where(RecurringGift.donor_id == donor.id))
    made = subscriptions_at_stripe(localstripe, gift.stripe_customer)
    assert [s["id"] for s in made] == [gift.subscription] and gift.status == "active"
