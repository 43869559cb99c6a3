"""Logging a contact or help given. Operations flush; the caller commits once."""

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from charity.audit.operations import record
from charity.contacts.models import (
    CONTACT_KINDS,
    GOODS_MAX,
    MAX_MINUTES,
    MAX_OWN_MONEY_FEN,
    MIN_MINUTES,
    NOTE_MAX,
    Contact,
)
from charity.district.models import Department
from charity.errors import DomainError
from charity.extensions import db
from charity.main.limits import yuan
from charity.pairing.models import Pairing
from charity.timeutil import SHANGHAI


class ContactError(DomainError):
    """A contact the record refuses; the message is shown to the user."""


@dataclass(frozen=True)
class Help:
    """What a help entry carries besides its kind: the goods, the money (fen) or the
    department referred to; each only for its own kind."""

    goods: str | None = None
    amount_fen: int | None = None
    department_id: int | None = None


def began(pairing: Pairing) -> date:
    """The day (Asia/Shanghai) the pairing began: when the helper accepted it, or else when
    it was made."""
    moment = pairing.accepted_at or pairing.created_at
    return moment.astimezone(SHANGHAI).date()


def _check_day(pairing: Pairing, happened_on: date, today: date) -> None:
    if happened_on > today:
        raise ContactError(_l("The date cannot be in the future."))
    first = began(pairing)
    if happened_on < first:
        raise ContactError(_l("The date is before the pairing began (%(day)s).",
                              day=format_date(first, "yyyy-MM-dd")))


def _checked_help(kind: str, help_given: Help) -> Help:
    """The part of `help_given` that belongs to `kind`, checked; the rest dropped."""
    if kind == "goods":
        goods = (help_given.goods or "").strip()
        if not goods or len(goods) > GOODS_MAX:
            raise ContactError(_l("Say what goods were given (at most %(n)s characters).",
                                  n=GOODS_MAX))
        return Help(goods=goods)
    if kind == "money":
        amount = help_given.amount_fen
        if amount is None or not 1 <= amount <= MAX_OWN_MONEY_FEN:
            raise ContactError(_l("Write an amount between ¥%(min)s and ¥%(max)s.",
                                  min=yuan(1), max=yuan(MAX_OWN_MONEY_FEN)))
        return Help(amount_fen=amount)
    if kind == "department_referral":
        if help_given.department_id is None or db.session.get(
                Department, help_given.department_id) is None:
            raise ContactError(_l("Choose the department the person was referred to."))
        return Help(department_id=help_given.department_id)
    return Help()


def _sent_before(pairing: Pairing, submission: str | None) -> Contact | None:
    """The contact a form with this one-time key saved already (a key is never another
    pairing's: such a form is refused)."""
    if not submission:
        return None
    earlier = db.session.scalar(select(Contact).where(Contact.submission == submission))
    if earlier is not None and earlier.pairing_id != pairing.id:
        raise ContactError(_l("This form was sent already. Please open it again."))
    return earlier


def log(pairing: Pairing, kind: str, happened_on: date, minutes: int, note: str, today: date,
        help_given: Help = Help(), user=None,  # noqa: B008 (frozen, shared safely)
        submission: str | None = None) -> Contact:
    """Log a contact with, or help given to, the person of an active pairing by its helper:
    the day (not in the future, not before the pairing began), the minutes spent, a short
    note, and for help the goods, the money or the department. Audited. A form's one-time
    ``submission`` key already saved (a double tap, a second tab) returns that contact and
    writes nothing, even when both arrive at once (the key is unique)."""
    earlier = _sent_before(pairing, submission)
    if earlier is not None:
        return earlier
    if pairing.status != "active":
        raise ContactError(_l("Only a person currently paired with you (accepted) can be "
                              "logged."))
    if kind not in CONTACT_KINDS:
        raise ContactError(_l("Choose what kind of contact or help it was."))
    _check_day(pairing, happened_on, today)
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ContactError(_l("The time spent must be between %(min)s and %(max)s minutes.",
                              min=MIN_MINUTES, max=MAX_MINUTES))
    if len(note.strip()) > NOTE_MAX:
        raise ContactError(_l("The note may have at most %(n)s characters.", n=NOTE_MAX))
    extra = _checked_help(kind, help_given)
    contact = Contact(person_id=pairing.person_id, pairing_id=pairing.id, kind=kind,
                      happened_on=happened_on, minutes=minutes, note=note.strip(),
                      goods=extra.goods, amount_fen=extra.amount_fen,
                      department_id=extra.department_id, logged_by_id=getattr(user, "id", None),
                      submission=submission)
    try:
        with db.session.begin_nested():
            db.session.add(contact)
    except IntegrityError:  # the same form saved meanwhile by a parallel request
        earlier = _sent_before(pairing, submission)
        if earlier is None:
            raise
        return earlier
    db.session.flush()
    record("contact.log", "contact", contact.id, user=user, person=pairing.person_id,
           kind=kind, minutes=minutes, amount_fen=extra.amount_fen)
    return contact
