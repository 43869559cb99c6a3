"""What the relief fund's allocation model takes and returns: needs, funds and an allocation."""

from dataclasses import dataclass, field

#: Weights count need in units of 100 yuan, which keeps the products inside 64 bits.
UNIT_FEN = 10_000


@dataclass(frozen=True)
class Need:
    """An eligible application: its amount, priority and what a restriction can see of it."""

    id: int
    street: str
    measure: int
    amount_fen: int
    priority: int
    campaign_id: int | None = None
    sponsorship_id: int | None = None

    @property
    def weight(self) -> int:
        """Priority times the amount in units of 100 yuan, rounded up: what funding it is worth."""
        return self.priority * -(-self.amount_fen // UNIT_FEN)

    @property
    def purpose(self) -> tuple:
        """What a fund's restriction can tell apart."""
        return self.street, self.measure, self.campaign_id, self.sponsorship_id


@dataclass(frozen=True)
class Fund:
    """A fund account's money and restriction: `kind` is None (unrestricted or the budget),
    'measure', 'street', 'campaign' or 'sponsorship', with its `value`."""

    code: str
    available_fen: int
    kind: str | None = None
    value: str | None = None

    def may_pay(self, need: Need) -> bool:
        """Whether this fund's restriction allows it to pay for ``need``."""
        return self.kind is None or {
            "measure": str(need.measure), "street": need.street,
            "campaign": str(need.campaign_id), "sponsorship": str(need.sponsorship_id),
        }.get(self.kind) == self.value


@dataclass(frozen=True)
class Allocation:
    """Outcome of :func:`allocate`: solver status, objective and bound, and the split."""

    status: str
    objective: int
    bound: int
    seconds: float
    #: need id -> [(fund code, fen)]
    funded: dict[int, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    #: need id -> reason code: 'no_fund_may_pay' or 'funds_exhausted'
    unfunded: dict[int, str] = field(default_factory=dict)
    #: street -> (weighted need covered, weighted need)
    streets: dict[str, tuple[int, int]] = field(default_factory=dict)
