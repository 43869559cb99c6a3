"""The chart of accounts as pure rules: what a code means, its side, and what it may fund.

Amounts are signed, debit positive. Assets and expenses carry debit balances; fund accounts
(the money's owners: unrestricted, restricted sub-funds, the budget, reservations, disputes,
spent) carry credit balances, and neither side may cross zero. Every expense has its fund-side
twin (`disbursed:measure:N` and `spent:measure:N`, `fees` and `spent:fees`), so the money the
fund accounts hold, less what they spent, is always the cash in the bank.
"""

from dataclasses import dataclass

from charity.main.limits import as_id, as_int

MEASURES = range(1, 11)
#: Restriction kinds a designation may name.
RESTRICTIONS = ("measure", "street", "campaign", "sponsorship")

ASSET, EXPENSE, FUND = "asset", "expense", "fund"


#: The fund-side twin of the `fees` expense: payment and dispute fees the funds bore.
FEES_BORNE = "spent:fees"


@dataclass(frozen=True)
class Purpose:
    """What a payment is for: its measure and the beneficiary's street, the campaigns whose
    designation covers it, and the sponsorship that sponsors the beneficiary. Restricted
    money is spent only on a matching purpose."""

    measure: int
    street: str
    campaigns: frozenset[int] = frozenset()
    sponsorship_id: int | None = None


def _valid_restriction(kind: str, value: str) -> bool:
    if kind == "measure":
        return as_int(value) in MEASURES
    if kind in ("campaign", "sponsorship"):
        return as_id(value) is not None
    return kind == "street" and 0 < len(value) <= 40


def kind_of(code: str) -> str | None:
    """The side of an account code (asset, expense or fund), or None for a code we refuse."""
    head, _, rest = code.partition(":")
    if code == "cash":
        return ASSET
    if code == "fees":
        return EXPENSE
    if code in ("budget", "unrestricted", "disputed"):
        return FUND
    if head == "restricted":
        kind, _, value = rest.partition(":")
        return FUND if kind in RESTRICTIONS and _valid_restriction(kind, value) else None
    if head == "reserved":
        return FUND if as_id(rest) else None
    if code == FEES_BORNE:
        return FUND
    if head in ("disbursed", "spent"):
        kind, _, value = rest.partition(":")
        if kind == "measure" and _valid_restriction(kind, value):
            return EXPENSE if head == "disbursed" else FUND
    return None


def account_for(designation: str | None) -> str | None:
    """The fund account a gift's designation credits: None is 'where most needed'."""
    if designation is None or designation == "":
        return "unrestricted"
    code = f"restricted:{designation}"
    return code if kind_of(code) == FUND else None


def natural(code: str, signed_balance: int) -> int:
    """A balance as people read it: positive for money held (or spent, for expenses)."""
    return -signed_balance if kind_of(code) == FUND else signed_balance


def is_spendable(code: str) -> bool:
    """Fund accounts that an application may draw on (not reservations, disputes or spent)."""
    return code in ("unrestricted", "budget") or code.startswith("restricted:")


def may_fund(code: str, purpose: Purpose) -> bool:
    """Whether money in `code` may be spent on `purpose` (专款专用: restricted money only on
    its designation)."""
    if code in ("unrestricted", "budget"):
        return True
    if not code.startswith("restricted:"):
        return False
    kind, _, value = code.removeprefix("restricted:").partition(":")
    return {
        "measure": str(purpose.measure) == value,
        "street": purpose.street == value,
        "campaign": value in {str(c) for c in purpose.campaigns},
        "sponsorship": str(purpose.sponsorship_id) == value,
    }[kind]


def covers(designation: str | None, measure: int, street: str) -> bool:
    """Whether a campaign's designation (None, 'measure:N' or 'street:<name>') lets its money
    pay for a case of this measure on this street; None pays what unrestricted money may."""
    if designation is None or designation == "":
        return True
    kind, _, value = designation.partition(":")
    return (kind == "measure" and value == str(measure)) or (kind == "street" and value == street)


def may_transfer(source: str, target: str) -> bool:
    """Staff may move undesignated money (unrestricted, the budget) into a restricted fund or
    between the two; restricted money never moves to another designation."""
    return source in ("unrestricted", "budget") and target != source and \
        (target in ("unrestricted", "budget") or target.startswith("restricted:"))
