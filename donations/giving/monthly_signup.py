"""A guest's monthly gift from the public page: a donor account that cannot sign in until its
e-mail address is confirmed, and the confirmation link, signed (itsdangerous, as the volunteers'
sign-up link is), naming the account, its address and the gift's terms. Confirming opens the
account; the donor then saves a card in the portal, and nothing is charged before.

Nothing is ever attached to an account that exists: an address with an account gets an e-mail
asking its owner to sign in. An unconfirmed sign-up whose link expired gives its address back.
Operations flush; the request commits."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from charity.audit.models import AuditEntry
from charity.audit.operations import record
from charity.auth.models import User
from charity.auth.operations import ensure_roles
from charity.database import utcnow
from charity.extensions import db, security
from charity.main.limits import parse_yuan
from charity.volunteers.operations import SignUpError
from donations.giving import designations
from donations.giving.amounts import DonationError, check_amount
from donations.receipts.pdf import one_line

SALT = "songtan-donor-monthly-confirm"
SIGN_UP = "donor.sign_up"


class EmailTaken(SignUpError):
    """An address with an account, or with a sign-up waiting: the page does not say so (it
    would tell anyone whose address is registered); the address's owner is e-mailed.
    `state`: "waiting", a monthly sign-up not confirmed yet; "closed", an account that cannot
    sign in (a volunteer's sign-up waiting for its confirmation or for staff, or an account
    closed); "open", an account that can sign in."""

    def __init__(self, state: str):
        super().__init__(_l("This e-mail address is registered already."), "email")
        self.state = state


@dataclass(frozen=True)
class Terms:
    """A monthly gift as chosen: integer fen, a fund designation ("" where most needed), and
    whether the donor's name may be shown."""

    amount_fen: int
    designation: str = ""
    show_name: bool = False

    def checked(self) -> "Terms":
        """The terms, if the fund takes them; SignUpError otherwise."""
        try:
            check_amount(self.amount_fen)
        except DonationError as error:
            raise SignUpError(str(error), "amount") from None
        if self.designation not in dict(designations.fund_choices()):
            raise SignUpError(_l("Choose what the gift is for from the list."), "designation")
        return self


def yuan_text(amount_fen: int) -> str:
    """Fen as a yuan amount the form reads back: 3000 -> '30', 1250 -> '12.50'."""
    return f"{amount_fen // 100}" if amount_fen % 100 == 0 else f"{amount_fen / 100:.2f}"


def _amount(text: str) -> str | None:
    """A typed amount as the form reads it back, if the fund takes it; None otherwise."""
    try:
        return yuan_text(check_amount(parse_yuan(text)))
    except (ValueError, DonationError):
        return None


def prefill(args) -> dict:
    """What of `args` (a query string: amount in yuan, designation, show_name) may pre-fill
    the monthly form: a valid amount, a designation of the fund's list, the name box; anything
    else is left out, and the form starts as it would."""
    found = {}
    amount = _amount(args.get("amount", ""))
    if amount is not None:
        found["amount"] = amount
    designation = args.get("designation")
    if designation is not None and designation in dict(designations.fund_choices()):
        found["designation"] = designation
    if args.get("show_name") in ("y", "1", "on", "true"):
        found["show_name"] = True
    return found


def terms_args(terms: Terms) -> dict:
    """The query arguments that pre-fill the portal's monthly form with `terms`."""
    found = {"amount": yuan_text(terms.amount_fen), "designation": terms.designation}
    return found | ({"show_name": "y"} if terms.show_name else {})


def _hours() -> int:
    return current_app.config["SIGNUP_CONFIRM_HOURS"]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user: User, terms: Terms) -> str:
    """The token of the confirmation link of `user`'s sign-up with `terms`."""
    return _serializer().dumps({"u": user.id, "e": user.email, "a": terms.amount_fen,
                                "d": terms.designation, "s": bool(terms.show_name)})


@dataclass(frozen=True)
class Reading:
    """What a token says: its account and terms, or why it cannot be used ("expired",
    "invalid")."""

    user: User | None = None
    terms: Terms | None = None
    problem: str | None = None


def _terms_of(payload: dict) -> Terms | None:
    amount, designation = payload.get("a"), payload.get("d")
    if not isinstance(amount, int) or not isinstance(designation, str):
        return None
    return Terms(amount, designation, payload.get("s") is True)


def read_token(token: str) -> Reading:
    """The account and terms a token confirms, if it is genuine, in time, and still names
    that account with the same e-mail address."""
    try:
        payload = _serializer().loads(token, max_age=_hours() * 3600)
    except SignatureExpired:
        return Reading(problem="expired")
    except BadSignature:
        return Reading(problem="invalid")
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return Reading(problem="invalid")
    user, terms = db.session.get(User, payload["u"]), _terms_of(payload)
    if user is None or terms is None or user.email != payload.get("e"):
        return Reading(problem="invalid")
    return Reading(user=user, terms=terms)


def _signed_up(user_ids: list[int]) -> set[int]:
    """Those of the accounts that the public monthly sign-up wrote."""
    written = db.session.scalars(select(AuditEntry.object_id).where(
        AuditEntry.action == SIGN_UP, AuditEntry.object_type == "user",
        AuditEntry.object_id.in_([str(i) for i in user_ids])))
    return {int(i) for i in written}


def _pending(email: str) -> list[User]:
    """Accounts of this address written by the monthly sign-up and never confirmed."""
    found = db.session.scalars(select(User).where(
        func.lower(User.email) == email, User.confirmed_at.is_(None),
        User.active.is_(False))).all()
    ours = _signed_up([u.id for u in found])
    return [u for u in found if u.id in ours]


def _free_expired(email: str) -> None:
    """An unconfirmed sign-up of this address whose link expired gives the address back (its
    account with it): else anyone could hold someone else's address for ever."""
    cutoff = utcnow() - timedelta(hours=_hours())
    for user in _pending(email):
        if user.create_datetime is not None and user.create_datetime < cutoff:
            _remove_unconfirmed(user.id)


def _remove_unconfirmed(user_id: int) -> None:
    """Delete the account only if it is still unconfirmed and closed, in the statement itself:
    its link may have confirmed it since it was read (a link is valid a second longer than the
    account's own cutoff), and a confirmed account is never removed."""
    gone = db.session.execute(delete(User).where(
        User.id == user_id, User.confirmed_at.is_(None), User.active.is_(False)))
    if gone.rowcount == 1:
        record("donor.expired", "user", user_id)


def sign_up(name: str, email: str, terms: Terms) -> User:
    """Write a donor account that cannot sign in until its address is confirmed, without a
    password (its reader chooses it on confirming). Terms the
    fund does not take are refused and nothing is written; an address with an account (or a
    sign-up waiting) raises EmailTaken; an expired sign-up of the address is removed first.
    The name is kept as one line (`one_line`): the confirmation e-mail, sent to an address the
    visitor typed, prints it."""
    email = email.strip().lower()
    terms.checked()
    _free_expired(email)
    holders = db.session.scalars(select(User.active).where(
        func.lower(User.email) == email)).all()
    if holders:
        raise EmailTaken("waiting" if _pending(email) else
                         "open" if any(holders) else "closed")
    user = security.datastore.create_user(
        email=email, password=None, name=one_line(name)[:80], active=False,
        roles=[ensure_roles()["donor"]], create_datetime=utcnow())
    db.session.flush()
    record(SIGN_UP, "user", user.id, monthly_fen=terms.amount_fen)
    return user


def confirm(user: User, hashed_password: str) -> bool:
    """The address is the donor's: the account opens with the password its reader chose. In
    the database itself, only if it was not confirmed yet: of two tabs confirming at once, the
    second changes nothing. False (and nothing written) when it was confirmed already."""
    now = utcnow()
    opened = db.session.execute(
        update(User).where(User.id == user.id, User.confirmed_at.is_(None))
        .values(confirmed_at=now, active=True, password=hashed_password)
        .execution_options(synchronize_session=False))
    if opened.rowcount != 1:
        return False
    for name, value in (("confirmed_at", now), ("active", True), ("password", hashed_password)):
        set_committed_value(user, name, value)
    record("donor.confirm", "user", user.id, user=user)
    return True
