"""The money model's gifts and what it expects of the fund (test_money_model.py): the gifts it
draws, the fund it starts from, and checks of each gift and of the ledger against Stripe's
truth (stripe_model.py)."""

from collections import Counter

from hypothesis import strategies as st
from sqlalchemy import func, select

from charity.extensions import db
from charity.fund import operations as ledger
from charity.fund.models import JournalEntry
from charity.fund.queries import balances
from charity.fund.verify import verify
from donations.giving.models import Donation
from tests import factories
from tests.donations.stripe_model import MAX_GIFTS, SCENARIOS, Gift

#: Money in the fund before any gift: the budget, and in every measure's account a cushion, so
#: that each gift's own account bears its disputes and fees and the model's expected balances
#: stay per account (where a lone gift's account falls short, unrestricted money bears the
#: rest: test_money_findings covers that).
BUDGET, CUSHION = 1_000_000, 20_000


@st.composite
def gift_specs(draw) -> dict:
    """A gift's scenario and amounts: refunds as Stripe's running totals."""
    scenario = draw(st.sampled_from(sorted(SCENARIOS)))
    amount = draw(st.integers(10, 500)) * 100
    if scenario == "monthly":
        return {"scenario": scenario, "amount": amount}
    first = draw(st.integers(1, amount - 1))
    second = draw(st.integers(first + 1, amount))
    return {"scenario": scenario, "amount": amount, "fee": draw(st.integers(0, 300)),
            "refunds": (first, second), "dispute_fee": draw(st.sampled_from([0, 1500]))}


def _entries(reference: str, kind: str = "gift") -> int:
    return db.session.scalar(select(func.count(JournalEntry.id)).where(
        JournalEntry.kind == kind, JournalEntry.reference == reference))


def _invoice_gifts(gift: Gift) -> list[Donation]:
    return db.session.scalars(select(Donation).where(
        Donation.invoice.like(f"in_model_{gift.n}_%")).order_by(Donation.invoice)).all()


def holds_no_more_than_stripe(gift: Gift) -> None:
    """No money in the fund for this gift that Stripe does not hold for it."""
    if gift.monthly:
        paid = {f"in_model_{gift.n}_{k}" for k in range(1, gift.invoices + 1)}
        assert {d.invoice for d in _invoice_gifts(gift)} <= paid
        return
    found = db.session.get(Donation, gift.donation_id) if gift.donation_id else None
    if found is not None:
        assert gift.paid or not found.credited, (gift, found.status)
        assert found.refunded_fen <= gift.refunded, (gift, found.refunded_fen)
        assert gift.dispute or not found.dispute_open, gift
        assert _entries(found.reference) == int(found.credited), gift


def matches_stripe(gift: Gift) -> None:
    """The gift (a monthly gift: its invoices' gifts) is what Stripe says, credited once."""
    if gift.monthly:
        assert [(d.invoice, d.status, d.amount_fen) for d in _invoice_gifts(gift)] == \
            [(f"in_model_{gift.n}_{k}", "succeeded", gift.amount)
             for k in range(1, gift.invoices + 1)]
        return
    found = db.session.get(Donation, gift.donation_id)
    assert (found.status, found.refunded_fen, found.dispute_open, found.dispute_id) == \
        (status(gift), gift.refunded, gift.dispute == "needs_response",
         f"dp_model_{gift.n}" if gift.dispute else None), gift
    assert _entries(found.reference) == int(gift.paid), gift


def status(gift: Gift) -> str:
    """The status Stripe's truth gives a one-off gift."""
    if not gift.paid:
        return "failed" if gift.declined else "pending"
    if gift.dispute in ("needs_response", "lost"):
        return "disputed" if gift.dispute == "needs_response" else "dispute_lost"
    if gift.refunded:
        return "refunded" if gift.refunded == gift.amount else "partially_refunded"
    return "succeeded"


def money(gift: Gift) -> dict[str, int]:
    """What the gift leaves in each ledger account (balances as people read them)."""
    account = f"restricted:{gift.designation}"
    if gift.monthly:
        return {"cash": gift.amount * gift.invoices, account: gift.amount * gift.invoices}
    if not gift.paid:
        return {}
    costs = gift.fee + (gift.dispute_fee if gift.dispute else 0)
    held = gift.amount if gift.dispute == "needs_response" else 0
    lost = gift.amount if gift.dispute == "lost" else 0
    return {"cash": gift.amount - costs - gift.refunded - lost, "disputed": held,
            account: gift.amount - costs - gift.refunded - held - lost,
            "fees": costs, "spent:fees": costs}


def ledger_holds_what_stripe_holds(opening: dict[str, int], gifts: list[Gift]) -> None:
    """Every account's balance is the opening one plus what the gifts left in it, to the fen,
    and `ledger verify` passes."""
    expected = Counter(opening)
    for gift in gifts:
        expected.update(money(gift))
    assert {k: v for k, v in balances().items() if v} == {k: v for k, v in expected.items() if v}
    assert verify().ok, verify().errors


def open_fund(client, session) -> dict:
    """The budget, a cushion in every measure's account, a monthly donor: committed to the
    test's transaction, under every example's savepoint."""
    ledger.record_budget_transfer(amount_fen=BUDGET, reference="model:budget")
    for measure in range(1, MAX_GIFTS + 1):
        ledger.transfer(source="budget", target=f"restricted:measure:{measure}",
                        amount_fen=CUSHION, reference=f"model:cushion:{measure}")
    donor = factories.user("donor").id
    fund = {"client": client, "connection": session.get_bind(), "donor": donor,
            "balances": balances()}
    session.commit()
    session.remove()
    return fund
