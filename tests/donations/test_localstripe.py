"""Our localstripe runner behaves as Stripe does where the platform relies on it: Stripe's test
cards decline when a PaymentIntent is confirmed with them, a declined PaymentIntent can be
confirmed again with another card (by the server, or by Stripe.js with the client secret), and
`Idempotency-Key` is honoured."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
import stripe
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from donations.stripe import localstripe_idempotency
from tests.donations.conftest import WEBHOOK_SECRET, card_token

CARDS = [  # number, error code, decline code (Stripe's table at docs.stripe.com/testing)
    ("4000000000000002", "card_declined", "generic_decline"),
    ("4000000000009995", "card_declined", "insufficient_funds"),
    ("4000000000009987", "card_declined", "lost_card"),
    ("4000000000009979", "card_declined", "stolen_card"),
    ("4000000000000069", "expired_card", None),
    ("4000000000000127", "incorrect_cvc", None),
    ("4000000000000119", "processing_error", None),
]


def client(localstripe: str, key: str = "sk_test_songtan", retries: int = 0):
    return stripe.StripeClient(key, base_addresses={"api": localstripe},
                               max_network_retries=retries).v1


def intent(localstripe: str, card: str | None = None, **options):
    params = {"amount": 10000, "currency": "cny", "payment_method_types": ["card"]}
    if card:
        params.update(payment_method=card_token(localstripe, card), confirm=True)
    return client(localstripe).payment_intents.create(params=params, options=options)


def as_stripe_js(localstripe: str, path: str, body: dict) -> tuple[int, dict]:
    """A POST as localstripe's Stripe.js sends it (JSON, the publishable key): status, body."""
    request = Request(f"{localstripe}{path}", data=json.dumps({"key": "pk_test_x", **body})
                      .encode())
    try:
        with urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


def typed(number: str) -> dict:
    return {"type": "card", "card": {"number": number, "exp_month": "12", "exp_year": "2030",
                                     "cvc": "123"}}


def signed_event(capture, event_type: str, intent_id: str) -> dict:
    body, header = capture.wait_for(event_type, intent_id)
    stripe.WebhookSignature.verify_header(body.decode(), header, WEBHOOK_SECRET, 300)
    return json.loads(body)["data"]["object"]


@pytest.mark.parametrize(("number", "code", "decline_code"), CARDS)
def test_a_test_card_declines_the_payment_intent_as_on_stripe(localstripe, number, code,
                                                              decline_code):
    with pytest.raises(stripe.CardError) as refused:
        intent(localstripe, number)
    error = refused.value.json_body["error"]
    assert (error["type"], error["code"], error.get("decline_code")) == \
        ("card_error", code, decline_code)
    declined = client(localstripe).payment_intents.retrieve(error["payment_intent"]["id"])
    assert declined.status == "requires_payment_method" and declined.payment_method is None
    last = declined.last_payment_error.to_dict()
    assert (last["code"], last.get("decline_code"), last["message"]) == \
        (code, decline_code, error["message"])
    assert last["payment_method"]["last4"] == number[-4:]
    charge = client(localstripe).charges.retrieve(error["charge"])
    assert (charge.status, charge.failure_code, charge.paid) == ("failed", code, False)


def test_the_success_card_pays(localstripe):
    paid = intent(localstripe, "4242424242424242")
    assert paid.status == "succeeded" and paid.last_payment_error is None


def test_a_declined_payment_intent_is_paid_by_another_card_with_both_webhooks(localstripe,
                                                                              capture):
    with pytest.raises(stripe.CardError) as refused:
        intent(localstripe, "4000000000000002")
    intent_id = refused.value.json_body["error"]["payment_intent"]["id"]
    failed = signed_event(capture, "payment_intent.payment_failed", intent_id)
    assert failed["status"] == "requires_payment_method"
    assert failed["last_payment_error"]["decline_code"] == "generic_decline"

    paid = client(localstripe).payment_intents.confirm(
        intent_id, params={"payment_method": card_token(localstripe)})
    assert paid.status == "succeeded" and paid.last_payment_error is None
    succeeded = signed_event(capture, "payment_intent.succeeded", intent_id)
    assert succeeded["status"] == "succeeded"
    assert succeeded["latest_charge"]["id"] != failed["latest_charge"]["id"]


def test_stripe_js_confirms_with_the_client_secret_and_again_after_a_decline(localstripe):
    opened = intent(localstripe)
    confirm = f"/v1/payment_intents/{opened.id}/confirm"
    secret = {"client_secret": opened.client_secret}
    status, body = as_stripe_js(localstripe, confirm,
                                {**secret, "payment_method_data": typed("4000000000009995")})
    assert status == 402 and body["error"]["decline_code"] == "insufficient_funds"
    assert body["error"]["payment_intent"]["status"] == "requires_payment_method"

    status, body = as_stripe_js(localstripe, confirm, {"client_secret": "pi_x_secret_wrong",
                                                       "payment_method_data": typed("4242" * 4)})
    assert status == 401
    status, body = as_stripe_js(localstripe, confirm,
                                {**secret, "payment_method_data": typed("4242" * 4)})
    assert status == 200 and body["status"] == "succeeded"
    status, body = as_stripe_js(localstripe, confirm,
                                {**secret, "payment_method_data": typed("4242" * 4)})
    assert status == 400 and body["error"]["code"] == "payment_intent_unexpected_state"


def test_a_failed_3d_secure_authentication_sends_payment_failed(localstripe, capture):
    opened = intent(localstripe)
    secret = {"client_secret": opened.client_secret}
    status, body = as_stripe_js(localstripe, f"/v1/payment_intents/{opened.id}/confirm",
                                {**secret, "payment_method_data": typed("4000002500003155")})
    assert status == 200 and body["status"] == "requires_action"
    status, body = as_stripe_js(
        localstripe, f"/v1/payment_intents/{opened.id}/_authenticate?success=false", secret)
    assert status == 200 and body["status"] == "requires_payment_method"
    failed = signed_event(capture, "payment_intent.payment_failed", opened.id)
    assert failed["last_payment_error"]["code"] == "payment_intent_authentication_failure"


def test_the_same_idempotency_key_replays_the_first_answer(localstripe):
    customers = client(localstripe).customers
    first = customers.create(params={"email": "idem@example.org"},
                             options={"idempotency_key": "songtan-replay"})
    again = customers.create(params={"email": "idem@example.org"},
                             options={"idempotency_key": "songtan-replay"})
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    other = customers.create(params={"email": "idem@example.org"})
    assert other.id != first.id
    elsewhere = client(localstripe, key="sk_test_another_account").customers.create(
        params={"email": "idem@example.org"}, options={"idempotency_key": "songtan-replay"})
    assert elsewhere.id != first.id  # keys belong to an account's API key


def test_an_idempotency_key_is_refused_with_other_parameters_or_on_another_endpoint(
        localstripe):
    key = {"idempotency_key": "songtan-misuse"}
    client(localstripe).customers.create(params={"email": "one@example.org"}, options=key)
    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        client(localstripe).customers.create(params={"email": "two@example.org"}, options=key)
    with pytest.raises(stripe.IdempotencyError, match="same endpoint"):
        intent(localstripe, **key)


def test_a_declined_payment_is_replayed_not_charged_again(localstripe):
    key = {"idempotency_key": "songtan-declined"}
    card = card_token(localstripe, "4000000000009995")
    params = {"amount": 10000, "currency": "cny", "payment_method": card, "confirm": True}
    refusals = []
    for _ in range(2):
        with pytest.raises(stripe.CardError) as refused:
            client(localstripe).payment_intents.create(params=params, options=key)
        refusals.append(refused.value)
    assert refusals[0].json_body == refusals[1].json_body
    assert refusals[1].headers["Idempotent-Replayed"] == "true"


def test_a_malformed_request_saves_nothing_so_its_key_can_be_used_again(localstripe):
    key = {"idempotency_key": "songtan-malformed"}
    with pytest.raises(stripe.InvalidRequestError):
        client(localstripe).payment_intents.create(
            params={"amount": -1, "currency": "cny"}, options=key)
    assert intent(localstripe, **key).status == "requires_payment_method"


def test_concurrent_requests_with_one_key_create_one_object(localstripe):
    email = "concurrent@example.org"

    def create(_):
        return client(localstripe, retries=3).customers.create(
            params={"email": email}, options={"idempotency_key": "songtan-concurrent"}).id

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = set(pool.map(create, range(10)))
    assert len(ids) == 1
    assert [c.id for c in client(localstripe).customers.list(params={"email": email})] == \
        list(ids)


def test_a_key_still_running_answers_409_then_its_saved_answer_even_a_crash():
    runs = []

    async def scenario():
        release = asyncio.Event()

        async def create(request):
            runs.append(request.path)
            await release.wait()
            if request.path.endswith("crash"):
                raise RuntimeError("the endpoint crashed")
            return web.json_response({"id": f"cus_{len(runs)}"})

        app = web.Application(middlewares=[localstripe_idempotency.middleware()])
        app.router.add_post("/v1/customers", create)
        app.router.add_post("/v1/crash", create)
        async with TestClient(TestServer(app)) as http:
            async def post(path="/v1/customers", key="songtan-slow"):
                response = await http.post(path, data={"email": "a@example.org"},
                                           headers={"Idempotency-Key": key})
                return response.status, await response.json(), response.headers

            first = asyncio.ensure_future(post())
            while not runs:
                await asyncio.sleep(0.01)
            status, body, _ = await post()
            assert status == 409 and body["error"]["type"] == "idempotency_error"
            release.set()
            assert (await first)[:2] == (200, {"id": "cus_1"})
            status, body, headers = await post()
            assert (status, body, headers["Idempotent-Replayed"]) == (200, {"id": "cus_1"},
                                                                      "true")
            crashed, again = await post("/v1/crash", "k2"), await post("/v1/crash", "k2")
            assert crashed[0] == again[0] == 500 and again[1] == crashed[1]

    asyncio.run(scenario())
    assert runs == ["/v1/customers", "/v1/crash"]
