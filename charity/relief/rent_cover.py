"""Which application already covers a household's rent for some months: an open rent-subsidy
schedule (`charity.relief.rent`), a schedule's payment, or a one-month rent subsidy applied
for on its own. `operations.submit` asks it of every rent subsidy, so the two ways of paying
rent never pay the same month twice."""

from datetime import date

from sqlalchemy import select

from charity.extensions import db
from charity.relief.models import LIVE_STATES, Application
from charity.relief.rent_models import RentMonth, RentPayment, Tenancy

#: The states of a schedule whose unstopped months are still to be paid.
OPEN_STATES = ("submitted", "committee", "approved")


def _scheduled(household_id: int, months: list[date]) -> int | None:
    return db.session.scalar(
        select(RentMonth.application_id).join(Application)
        .join(Tenancy, Tenancy.id == RentMonth.tenancy_id)
        .where(Tenancy.household_id == household_id, RentMonth.month.in_(months),
               RentMonth.stopped.is_(None), Application.state.in_(OPEN_STATES)).limit(1))


def _paid(household_id: int, months: list[date]) -> int | None:
    return db.session.scalar(select(RentPayment.application_id).where(
        RentPayment.household_id == household_id, RentPayment.month.in_(months)).limit(1))


def _one_off(household_id: int, months: list[date]) -> int | None:
    scheduled = select(RentMonth.id).where(RentMonth.application_id == Application.id)
    return db.session.scalar(select(Application.id).where(
        Application.kind == "rent_subsidy",
        Application.beneficiary == f"household:{household_id}",
        Application.state.in_(LIVE_STATES),
        Application.period.in_([f"month:{m:%Y-%m}" for m in months]),
        ~scheduled.exists()).limit(1))


def covering(household_id: int, months: list[date]) -> int | None:
    """The id of an application that pays, or is to pay, the household's rent for one of
    these months (any day of a month names it); None when there is none."""
    months = sorted({m.replace(day=1) for m in months})
    return (_scheduled(household_id, months) or _paid(household_id, months)
            or _one_off(household_id, months))
