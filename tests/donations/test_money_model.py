"""Money never goes missing (issue 10): a model of Stripe's truth for a few gifts
(stripe_model.py) sends each gift's events, signed, to the webhook in any order, with duplicates
and redeliveries, some before the gift's row is committed. After every step no gift holds money
Stripe does not; after the reconciliation every gift is what Stripe says, the ledger holds what
Stripe holds to the fen, and `ledger verify` passes. Each example runs in a savepoint of the
test's connection, rolled back after it. Examples: the `money` Hypothesis profile."""

from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from charity.extensions import db
from charity.timeutil import local_today
from charity.transaction import unit_of_work
from donations.giving.models import Donation, RecurringGift
from donations.stripe import gateway, reconcile, webhook
from tests.donations.conftest import event, signed
from tests.donations.money_checks import (
    gift_specs,
    holds_no_more_than_stripe,
    ledger_holds_what_stripe_holds,
    matches_stripe,
    open_fund,
)
from tests.donations.stripe_model import MAX_GIFTS, Gift, Stripe
from tests.donations.test_online import HOOK


def chosen(candidates, pick: int):
    return candidates[pick % len(candidates)]


class MoneyModel(RuleBasedStateMachine):
    """Stripe moves, the giving request commits, Stripe delivers: in any order."""

    #: Set by the test: the client, the connection, the monthly donor, the opening balances.
    fund: dict = {}

    def __init__(self):
        super().__init__()
        self.gifts: list[Gift] = []
        #: Every event Stripe sent, with its gift; and which were delivered at least once.
        self.sent: list[tuple[Gift, dict]] = []
        self.delivered: set[int] = set()
        #: False while a step runs: a failed step leaves it so, and teardown only cleans up.
        self.sound = True
        self.savepoint = self.fund["connection"].begin_nested()

    @initialize(specs=st.lists(gift_specs(), min_size=1, max_size=5))
    def open_gifts(self, specs):
        self.gifts = Stripe.gifts = [Gift(n, **spec) for n, spec in enumerate(specs)]

    @precondition(lambda self: any(g.stages_left for g in self.gifts))
    @rule(pick=st.integers(0, MAX_GIFTS))
    def stripe_moves(self, pick):
        """The donor pays or is declined, refunds, disputes; a month passes."""
        gift = chosen([g for g in self.gifts if g.stages_left], pick)
        for kind, obj in gift.advance():
            self.sent.append((gift, event(kind, obj, f"evt_model_{len(self.sent)}")))

    @precondition(lambda self: any(not g.row for g in self.gifts))
    @rule(pick=st.integers(0, MAX_GIFTS))
    def gift_committed(self, pick):
        """The request that opened the gift commits it (and applies what waited for it)."""
        self.commit_row(chosen([g for g in self.gifts if not g.row], pick))

    @precondition(lambda self: self.sent)
    @rule(pick=st.integers(0, 1000), fresh=st.booleans())
    def stripe_delivers(self, pick, fresh):
        """One event Stripe sent: one not delivered yet, or any (a redelivery)."""
        waiting = [i for i in range(len(self.sent)) if i not in self.delivered]
        self.deliver(chosen(waiting if fresh and waiting else range(len(self.sent)), pick))

    @precondition(lambda self: len(self.delivered) < len(self.sent))
    @rule(data=st.data())
    def stripe_catches_up(self, data):
        """Every event not delivered yet, in any order."""
        waiting = [i for i in range(len(self.sent)) if i not in self.delivered]
        for i in data.draw(st.permutations(waiting)):
            self.deliver(i)

    def deliver(self, i: int) -> None:
        self.sound = False
        self.delivered.add(i)
        body, headers = signed(self.sent[i][1])
        response = self.fund["client"].post(HOOK, data=body, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert not response.get_json()["outcome"].startswith("refused"), response.get_json()
        self.sound = True

    @invariant()
    def nothing_held_that_stripe_does_not_hold(self):
        self.sound = False
        db.session.expire_all()
        for gift in self.gifts:
            holds_no_more_than_stripe(gift)
        self.sound = True

    def commit_row(self, gift: Gift) -> None:
        """What the giving request writes, then what the giving view applies after its commit;
        for a monthly gift what activation writes (it applies nothing: see the report)."""
        self.sound, gift.row = False, True
        with unit_of_work(errors=False):
            if gift.monthly:
                db.session.add(RecurringGift(
                    donor_id=self.fund["donor"], amount_fen=gift.amount, status="active",
                    designation=gift.designation, stripe_customer=f"cus_model_{gift.n}",
                    setup_intent=f"seti_model_{gift.n}", subscription=gift.subscription))
            else:
                row = Donation(token=gift.token, channel="online", amount_fen=gift.amount,
                               designation=gift.designation, payment_intent=gift.intent)
                db.session.add(row)
                db.session.flush()
                gift.donation_id = row.id
        if not gift.monthly:
            with unit_of_work(errors=False):
                webhook.apply_waiting([f"pi:{gift.intent}"])
        self.sound = True

    def teardown(self):
        try:
            if self.sound and self.gifts:
                self.settle()
        finally:
            db.session.remove()
            self.savepoint.rollback()

    def settle(self) -> None:
        """Every gift committed: a one-off gift whose every event was delivered is what Stripe
        says already. Then every donor is done at Stripe, and after the reconciliation every
        gift and the ledger are what Stripe holds; a second reconciliation finds nothing."""
        for gift in self.gifts:
            if not gift.row:
                self.commit_row(gift)
        db.session.expire_all()
        undelivered = {self.sent[i][0].n for i in range(len(self.sent)) if i not in self.delivered}
        for gift in self.gifts:
            if not gift.monthly and gift.n not in undelivered:
                matches_stripe(gift)
            if gift.stage == 0 and not gift.monthly:
                gift.advance()
        since = local_today() - timedelta(days=1)
        with unit_of_work(errors=False):
            run = reconcile.reconcile(since)
        assert run.unfixed == [], run.unfixed
        db.session.expire_all()
        for gift in self.gifts:
            matches_stripe(gift)
        ledger_holds_what_stripe_holds(self.fund["balances"], self.gifts)
        with unit_of_work(errors=False):
            again = reconcile.reconcile(since)
        assert (again.fixed, again.unfixed) == ([], [])


def test_the_fund_ends_with_what_stripe_holds(client, session, monkeypatch):
    monkeypatch.setattr(gateway, "current_intent", lambda i: Stripe.find("payment_intents", i))
    monkeypatch.setattr(gateway, "current_charge", lambda i: Stripe.find("charges", i))
    monkeypatch.setattr(gateway, "listed", Stripe.listed)
    monkeypatch.setattr(MoneyModel, "fund", open_fund(client, session))
    run_state_machine_as_test(MoneyModel, settings=settings.get_profile("money"))
