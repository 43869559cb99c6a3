"""What Stripe's objects say, applied to gifts. An event is a notice: each handler reads the
object it names (the event's copy, or Stripe's current one where the copy may be stale), finds
the gift by the object's own keys, and moves the gift to match: idempotently, so order and
repetition do not matter. A handler returns a `Step`; its `action` (the one ledger posting) runs
last. An object whose gift is not known yet makes the step `waiting` on the object's key."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from charity.extensions import db
from donations.giving import operations
from donations.giving.models import Donation
from donations.stripe import gateway, objects
from donations.stripe.models import WAITING


@dataclass
class Step:
    """What an object did to a gift: the outcome, the gift, the ledger posting still to run,
    and what the object waits for when its gift is not known yet."""

    outcome: str
    donation: Donation | None = None
    action: Callable[[], object] | None = None
    waiting_on: str | None = None


def waiting(obj: dict) -> Step:
    """The object's gift is not known yet: keep the event until it is. An object that names
    no PaymentIntent, Charge or Subscription can never find its gift: refused."""
    key = objects.keys(obj).waiting_on
    if key is None:
        return Step("refused: the object names no payment")
    return Step(WAITING, waiting_on=key)


def _locked(condition) -> Donation | None:
    """The gift, row-locked and read afresh (a copy held in the session may be stale)."""
    return db.session.scalar(select(Donation).where(condition).with_for_update()
                             .execution_options(populate_existing=True))


def _named_in_metadata(intent: dict) -> Donation | None:
    """The gift a PaymentIntent's metadata names (id and token), before its id is saved."""
    metadata = objects.nested(intent, "metadata")
    donation_id, token = metadata.get("donation"), metadata.get("token")
    if not (isinstance(donation_id, str) and donation_id.isascii() and donation_id.isdigit()
            and 0 < len(donation_id) <= 9 and isinstance(token, str)):
        return None  # not an id this app wrote (ours are small whole numbers)
    gift = _locked((Donation.id == int(donation_id)) & (Donation.token == token)
                   & Donation.payment_intent.is_(None))
    if gift is not None:
        gift.payment_intent = intent["id"]
    return gift


def gift_for(obj: dict) -> Donation | None:
    """The gift an object belongs to, row-locked: by its PaymentIntent, by the gift its
    PaymentIntent's metadata names, then by its Charge; never by a missing value."""
    keys = objects.keys(obj)
    if keys.intent:
        gift = _locked(Donation.payment_intent == keys.intent)
        if gift is None and obj.get("object") == "payment_intent":
            gift = _named_in_metadata(obj)
        if gift is not None:
            return gift
    return _locked(Donation.charge == keys.charge) if keys.charge else None


def credit_step(gift: Donation, received: int, currency: str, fee: int, charge: dict) -> Step:
    """Credit a gift Stripe has been paid for, unless it is in the fund already or the money
    is not what the gift said (then it is held for review)."""
    if gift.credited:
        return Step(f"ignored: already {gift.status}", gift)
    if gift.status == "flagged":
        return Step("ignored: held for review", gift)
    gift.charge = gift.charge or objects.ident(charge.get("id"))
    card = objects.nested(objects.nested(charge, "payment_method_details"), "card")
    gift.card_fingerprint = gift.card_fingerprint or objects.ident(card.get("fingerprint"), 64)
    if received != gift.amount_fen or currency != gift.currency:
        operations.flag(gift, f"amount_mismatch: {received} {currency}")
        return Step("flagged", gift)
    if not 0 <= fee < gift.amount_fen:
        operations.flag(gift, f"fee_out_of_range: {fee}")
        return Step("flagged", gift)
    return Step("credited", gift, lambda: operations.credit(gift, fee_fen=fee))


def _charge_of(intent: dict) -> dict:
    charge = intent.get("latest_charge")
    return charge if isinstance(charge, dict) else {"id": charge}


def payment_succeeded(intent: dict) -> Step:
    """The payment went through: credit the gift (after a failure too: a donor may retry)."""
    currency = objects.currency(intent)
    received = objects.whole(intent, "amount_received", intent.get("amount"))
    fee = gateway.charge_fee(intent, currency)  # a network call: before any row lock
    gift = gift_for(intent)
    if gift is None:
        return waiting(intent)
    return credit_step(gift, received, currency, fee, _charge_of(intent))


def payment_failed(intent: dict) -> Step:
    """A payment attempt failed. The notice may be stale (the donor may have retried since),
    so Stripe's current PaymentIntent decides; a pending gift is marked failed."""
    current = gateway.current_intent(intent["id"])
    if current is not None and current.get("status") == "succeeded":
        return payment_succeeded(current)
    gift = gift_for(intent)
    if gift is None:
        return waiting(intent)
    if gift.status != "pending":
        return Step("ignored", gift)
    gift.status = "failed"
    return Step("failed", gift)


def _evidence(obj: dict) -> dict | None:
    """The charge behind a refund or dispute, as Stripe has it now when the object is not the
    charge itself: the proof that the money was taken."""
    if obj.get("object") == "charge":
        return obj
    charge = objects.ident(obj.get("charge"))
    return gateway.current_charge(charge) if charge else None


def in_fund(obj: dict) -> Step:
    """The gift of a refund or dispute, in the fund: credited already, or credited first (in
    the step's action) when Stripe's charge shows the money was taken, as a refund's notice
    may arrive before the payment's. A pending gift without such proof waits."""
    gift = gift_for(obj)
    if gift is None:
        return waiting(obj)
    if gift.credited:
        return Step("in fund", gift)
    charge = _evidence(obj) if gift.status in ("pending", "failed") else None
    if charge is None or not (charge.get("paid") is True and charge.get("status") == "succeeded"):
        if gift.status == "pending":
            return Step(WAITING, gift, waiting_on=objects.keys(obj).waiting_on)
        return Step(f"ignored: the gift is {gift.status}", gift)
    currency = objects.currency(charge)
    fee = gateway.charge_fee({"latest_charge": charge}, currency)
    return credit_step(gift, objects.whole(charge, "amount"), currency, fee, charge)


def then(first: Step, outcome: str, action: Callable[[], object] | None) -> Step:
    """`first`'s posting (a credit, if any), then `action`, as one step with `outcome`."""
    if first.action is None:
        return Step(outcome, first.donation, action)

    def both() -> None:
        first.action()
        if action is not None:
            action()

    return Step(outcome, first.donation, both)


def charge_refunded(charge: dict) -> Step:
    """A refund: Stripe reports the charge's running total, so only what is new is posted, and
    an older notice with a smaller total changes nothing."""
    total = objects.whole(charge, "amount_refunded", 0)
    found = in_fund(charge)
    if found.outcome not in ("in fund", "credited"):
        return found
    gift = found.donation
    if total < gift.refunded_fen:
        current = gateway.current_charge(charge["id"]) or charge
        total = objects.whole(current, "amount_refunded", 0)
    if total < gift.refunded_fen:  # Stripe says so now: a refund failed, its money is back
        operations.flag(gift, f"refund_failed: {total} < {gift.refunded_fen}")
        return then(found, f"refused: Stripe's refunds ({total}) are less than recorded", None)
    new = max(0, total - gift.refunded_fen)
    return then(found, f"refunded {new}", lambda: operations.refund(
        gift, max(total, gift.refunded_fen), reference=f"stripe:{charge['id']}:{total}"))
