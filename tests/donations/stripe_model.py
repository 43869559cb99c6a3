"""Stripe's truth for a few gifts, for the money model test (test_money_model.py). Each gift
follows a scenario one stage at a time (a decline, a payment, a refund, a dispute and its end, a
monthly invoice): each stage changes what Stripe holds and sends the events Stripe would, with
the objects as they were at that moment. Objects come expanded (a charge's balance transaction,
a PaymentIntent's latest charge), as the app reads fees from them with localstripe. The model
is Stripe: the test makes `gateway.current_intent`, `current_charge` and `listed` read it."""

import time
from dataclasses import dataclass

SCENARIOS = {
    "succeeded": ("pay",),
    "declined": ("decline",),
    "failed then succeeded": ("decline", "pay"),
    "partly refunded": ("pay", "refund"),
    "refunded twice": ("pay", "refund", "refund"),
    "dispute won": ("pay", "dispute", "won"),
    "dispute lost": ("pay", "dispute", "lost"),
    "monthly": ("invoice", "invoice", "invoice"),
}
#: Gift `n` is for measure n + 1: one fund account per gift, so its money can be told apart.
MAX_GIFTS = 10


def _created() -> int:
    return int(time.time())


@dataclass
class Gift:
    """One gift's scenario and what Stripe holds for it so far."""

    n: int
    scenario: str
    amount: int
    fee: int = 0
    #: Each refund stage's running total, as Stripe reports it on the charge.
    refunds: tuple[int, ...] = ()
    dispute_fee: int = 0
    stage: int = 0
    row: bool = False
    declined: bool = False
    paid: bool = False
    refunded: int = 0
    #: None, or the dispute's status: 'needs_response', 'won', 'lost'.
    dispute: str | None = None
    invoices: int = 0
    #: The gift's row, once committed; its PaymentIntent's metadata names it from then on.
    donation_id: int | None = None

    def __post_init__(self):
        n = self.n
        self.intent, self.charge_id, self.subscription = \
            f"pi_model_{n}", f"ch_model_{n}", f"sub_model_{n}"
        self.token, self.designation = f"model-gift-{n}", f"measure:{n + 1}"

    @property
    def monthly(self) -> bool:
        return self.scenario == "monthly"

    @property
    def stages_left(self) -> bool:
        return self.stage < len(SCENARIOS[self.scenario])

    def advance(self) -> list[tuple[str, dict]]:
        """Stripe moves this gift one stage on; the events it sends, as (type, object)."""
        step = SCENARIOS[self.scenario][self.stage]
        refunds_done = SCENARIOS[self.scenario][:self.stage].count("refund")
        self.stage += 1
        if step == "decline":
            self.declined = True
            return [("charge.failed", self.failed_charge()),
                    ("payment_intent.payment_failed", self.payment_intent())]
        if step == "pay":
            self.paid = True
            return [("charge.succeeded", self.charge()),
                    ("payment_intent.succeeded", self.payment_intent())]
        if step == "refund":
            self.refunded = self.refunds[refunds_done]
            return [("charge.refunded", self.charge())]
        if step == "dispute":
            self.dispute = "needs_response"
            return [("charge.dispute.created", self.dispute_object())]
        if step in ("won", "lost"):
            self.dispute = step
            return [("charge.dispute.closed", self.dispute_object())]
        self.invoices += 1
        k = self.invoices
        return [("invoice.paid", self.invoice(k)), ("invoice.payment_succeeded", self.invoice(k)),
                ("payment_intent.succeeded", self.invoice_intent(k))]

    def charge(self) -> dict:
        return {"id": self.charge_id, "object": "charge", "amount": self.amount,
                "amount_refunded": self.refunded, "refunded": self.refunded == self.amount,
                "currency": "cny", "paid": True, "status": "succeeded", "created": _created(),
                "payment_intent": self.intent, "disputed": self.dispute is not None,
                "balance_transaction": {"id": f"txn_model_{self.n}", "object":
                                        "balance_transaction", "fee": self.fee,
                                        "currency": "cny"}}

    def failed_charge(self) -> dict:
        return {"id": f"{self.charge_id}_declined", "object": "charge", "amount": self.amount,
                "amount_refunded": 0, "currency": "cny", "paid": False, "status": "failed",
                "payment_intent": self.intent, "failure_code": "card_declined",
                "created": _created()}

    def payment_intent(self) -> dict:
        """The PaymentIntent as Stripe has it now; its latest charge expanded."""
        charge = self.charge() if self.paid else self.failed_charge() if self.declined else None
        return {"id": self.intent, "object": "payment_intent", "amount": self.amount,
                "amount_received": self.amount if self.paid else 0, "currency": "cny",
                "status": "succeeded" if self.paid else "requires_payment_method",
                "metadata": {"token": self.token} | ({"donation": str(self.donation_id)}
                                                     if self.donation_id else {}),
                "latest_charge": charge, "created": _created(),
                "last_payment_error": {"code": "card_declined"}
                if self.declined and not self.paid else None}

    def dispute_object(self) -> dict:
        return {"id": f"dp_model_{self.n}", "object": "dispute", "amount": self.amount,
                "currency": "cny", "charge": self.charge_id, "payment_intent": self.intent,
                "status": self.dispute, "created": _created(),
                "balance_transactions": [{"object": "balance_transaction",
                                          "fee": self.dispute_fee, "currency": "cny"}]}

    def invoice(self, k: int) -> dict:
        return {"id": f"in_model_{self.n}_{k}", "object": "invoice", "status": "paid",
                "amount_paid": self.amount, "currency": "cny", "created": _created(),
                "subscription": self.subscription, "payment_intent": f"{self.intent}_{k}",
                "charge": f"{self.charge_id}_{k}"}

    def invoice_intent(self, k: int) -> dict:
        charge = {"id": f"{self.charge_id}_{k}", "object": "charge", "amount": self.amount,
                  "amount_refunded": 0, "currency": "cny", "paid": True,
                  "status": "succeeded", "payment_intent": f"{self.intent}_{k}",
                  "invoice": f"in_model_{self.n}_{k}", "created": _created()}
        return {"id": f"{self.intent}_{k}", "object": "payment_intent", "amount": self.amount,
                "amount_received": self.amount, "currency": "cny", "status": "succeeded",
                "invoice": f"in_model_{self.n}_{k}", "metadata": {}, "latest_charge": charge,
                "created": _created()}

    def listed(self) -> dict[str, list[dict]]:
        """What Stripe lists of this gift, by list (see `gateway.LISTED`)."""
        if self.monthly:
            paid = range(1, self.invoices + 1)
            return {"payment_intents": [self.invoice_intent(k) for k in paid],
                    "charges": [self.invoice_intent(k)["latest_charge"] for k in paid],
                    "invoices": [self.invoice(k) for k in paid],
                    "subscriptions": [{"id": self.subscription, "object": "subscription",
                                       "status": "active", "created": _created()}]}
        charges = ([self.failed_charge()] if self.declined else []) + \
            ([self.charge()] if self.paid else [])
        return {"payment_intents": [self.payment_intent()], "charges": charges,
                "disputes": [self.dispute_object()] if self.dispute else []}


class Stripe:
    """Stripe as the app asks it: the current model's gifts, looked up and listed."""

    gifts: list[Gift] = []

    @classmethod
    def objects(cls, kind: str) -> list[dict]:
        """Every object of one of `gateway.LISTED`'s kinds Stripe holds."""
        return [obj for gift in cls.gifts for obj in gift.listed().get(kind, [])]

    @classmethod
    def find(cls, kind: str, object_id: str) -> dict | None:
        """One object as Stripe has it now, or None for one Stripe does not know."""
        return next((obj for obj in cls.objects(kind) if obj["id"] == object_id), None)

    @classmethod
    def listed(cls, kind: str, since: int) -> list[dict]:
        """What `gateway.listed` returns: the objects of `kind` created at or after `since`."""
        return [obj for obj in cls.objects(kind) if obj["created"] >= since]
