"""Fund account codes, journal entry kinds and memos as people say them, in the user's
language: one function for each, used by every page that shows them.

Campaigns and sponsorships live in `donations`, which the fund never imports: their names
are told to the fund at start-up through `NAMERS` (see `donations.giving.designations`)."""

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from charity.fund.views_helpers import MEASURE_NAMES
from charity.labels import label
from charity.main.limits import as_int
from charity.relief.standards import KIND_LABELS

#: Restriction kind -> a function naming its value (e.g. a campaign's title); filled in by the
#: packages that own them.
NAMERS: dict[str, Callable[[str], str]] = {}

PLAIN = {
    "cash": _l("Cash in the bank"), "fees": _l("Payment fees"),
    "budget": _l("Budget allocation"), "unrestricted": _l("Unrestricted"),
    "disputed": _l("Held by disputes"), "spent:fees": _l("Fees borne by the fund"),
}

ENTRY_KINDS = {
    "gift": _l("Gift received"), "refund": _l("Refund to a donor"),
    "dispute_hold": _l("Held for a bank dispute"), "dispute_close": _l("Bank dispute closed"),
    "budget_transfer": _l("Budget money received"), "transfer": _l("Transfer between funds"),
    "reserve": _l("Money reserved for an application"), "payment": _l("Payment to a beneficiary"),
    "reversal": _l("Reversal"), "release": _l("Reserved money released"),
}

MEMO_WORDS = {
    "lost": _l("lost"), "won": _l("won"), "ended": _l("ended"), "disaster": _l("Disaster relief"),
    "rent_subsidy": _l("Rent subsidy"), "emergency": _l("emergency relief"),
    "condolence": _l("condolence payment"), "transition": _l("transition support"),
}


def measure_name(number) -> str:
    """A measure's name from the one table, e.g. 'Housing aid'; the number if unknown."""
    found = MEASURE_NAMES.get(as_int(str(number)))
    return str(found) if found else str(number)


def restriction_name(restriction: str) -> str:
    """What a restriction ('measure:6', 'street:七星岗', 'campaign:3') names, in words."""
    kind, _sep, value = restriction.partition(":")
    if kind == "measure":
        return measure_name(value)
    if kind == "street":
        return _("%(name)s street", name=value)
    if kind in NAMERS:
        return NAMERS[kind](value)
    return value


#: Accounts of a restriction (what follows the colon), by their kind.
RESTRICTED_KINDS = {"restricted": _l("Restricted: %(what)s"), "disbursed": _l("Paid out: %(what)s"),
                    "spent": _l("Spent: %(what)s")}


def account_name(code: str) -> str:
    """A fund account as people say it: 'Budget allocation', 'Reserved: application no. 38',
    'Restricted: 七星岗 street', 'Unrestricted'."""
    if code in PLAIN:
        return str(PLAIN[code])
    head, _sep, rest = code.partition(":")
    if head == "reserved":
        return _("Reserved: application no. %(id)s", id=rest)
    if head in RESTRICTED_KINDS:
        return str(RESTRICTED_KINDS[head]) % {"what": restriction_name(rest)}
    return code


def entry_kind_name(kind: str) -> str:
    """A journal entry's kind in words."""
    return str(ENTRY_KINDS.get(kind) or kind)


def memo_words(memo: str | None) -> str:
    """A memo written by the system ('temporary_emergency', 'disaster:flood', 'won') in words;
    free text typed by a person is left as it is."""
    if not memo:
        return ""
    words = []
    for part in memo.replace(":", " ").split(" "):
        found = MEMO_WORDS.get(part) or KIND_LABELS.get(part)
        words.append(str(found) if found else label(part))
    return " · ".join(w for w in words if w)


def debit_credit(amount: int) -> tuple[int | None, int | None]:
    """A signed line amount (debit positive) as its debit and credit columns."""
    return (amount, None) if amount >= 0 else (None, -amount)
