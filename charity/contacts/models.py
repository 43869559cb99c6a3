"""Contacts and help given: one row each time a helper visits, talks, calls or helps a person
paired with them. Festival visits stay as campaign tasks (`charity.visits`)."""

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from charity.database import CreatedAt, check_one_of
from charity.extensions import db
from charity.registry.models import PersonRecord

#: Contacts (上门走访, 交心谈心, 电话) and help given (就业推荐, 物资, 自掏腰包, 转介部门).
CONTACT_KINDS = ("home_visit", "heart_to_heart", "phone_call", "employment_referral", "goods",
                 "money", "department_referral")
#: The time one entry may record: a minute to a whole day.
MIN_MINUTES, MAX_MINUTES = 1, 24 * 60
#: Money from a helper's own pocket, one entry: up to ¥10,000.
MAX_OWN_MONEY_FEN = 1_000_000
#: A note, and what goods were given.
NOTE_MAX, GOODS_MAX = 200, 100
#: The longest one-time key of a contact form.
SUBMISSION_MAX = 32


class Contact(PersonRecord, CreatedAt, db.Model):
    """A contact with, or help given to, a person by the helper of one of their pairings."""

    __tablename__ = "contact"
    __table_args__ = (
        check_one_of("kind", CONTACT_KINDS),
        CheckConstraint(f"minutes BETWEEN {MIN_MINUTES} AND {MAX_MINUTES}", name="minutes"),
        CheckConstraint(f"(kind = 'money') = (amount_fen IS NOT NULL) AND "
                        f"(amount_fen IS NULL OR amount_fen BETWEEN 1 AND {MAX_OWN_MONEY_FEN})",
                        name="money"),
        CheckConstraint("(kind = 'goods') = (goods IS NOT NULL)", name="goods"),
        CheckConstraint("(kind = 'department_referral') = (department_id IS NOT NULL)",
                        name="department"),
        Index("ix_contact_person_day", "person_id", "happened_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The pairing the helper acted under: it names the helper (cadre or volunteer).
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    #: The day it happened (Asia/Shanghai), not in the future nor before the pairing began.
    happened_on: Mapped[date]
    minutes: Mapped[int]
    #: Goods given: what.
    goods: Mapped[str | None] = mapped_column(String(GOODS_MAX))
    #: Money from the helper's own pocket, in fen.
    amount_fen: Mapped[int | None]
    #: A referral: the district department referred to.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: The one-time key of the form that sent it: a form sent twice (a double tap, a second
    #: tab) is saved once.
    submission: Mapped[str | None] = mapped_column(String(SUBMISSION_MAX), unique=True)

    pairing = relationship("Pairing")
    department = relationship("Department")
