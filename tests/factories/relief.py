"""Relief applications as plain rows. A test that needs eligibility checked, money reserved or
four eyes kept submits and decides through `charity.relief.operations` instead."""

import factory
from flask import current_app

from charity.database import utcnow
from charity.relief import periods, standards
from charity.relief.models import Application
from tests.factories.base import BaseFactory
from tests.factories.people import PersonFactory, UserFactory


class ApplicationFactory(BaseFactory):
    """A street officer's application for a relief case at the kind's standard amount (grade 2
    for temporary assistance; `assessed_fen` for the assessed kinds). `approved` marks it
    decided by an approver, with no money reserved in the fund."""

    class Meta:
        model = Application

    class Params:
        assessed_fen = None
        approved = factory.Trait(
            state="approved", decided_by=factory.SubFactory(UserFactory, role="approver"),
            decided_at=factory.LazyFunction(utcnow))

    person = factory.SubFactory(PersonFactory, relief_case=True)
    street_id = factory.LazyAttribute(lambda o: o.person.household.street_id)
    kind = "temporary_emergency"
    measure = factory.LazyAttribute(lambda o: standards.KINDS[o.kind])
    grade = factory.LazyAttribute(lambda o: 2 if o.kind.startswith("temporary") else None)
    amount_fen = factory.LazyAttribute(
        lambda o: standards.amount_for(o.kind, o.grade, o.assessed_fen, current_app.config))
    #: Keyed like `operations.submit` does; each row's own sequence number is its event (or,
    #: for the other kinds, pass `period`), so rows do not collide unless a test means them to.
    beneficiary = factory.LazyAttribute(
        lambda o: periods.beneficiary(o.kind, o.person.id, o.person.household_id))
    period = factory.Sequence(lambda n: f"factory:{n}")
    reason = "突发重病"
    created_by = factory.SubFactory(UserFactory, role="street_officer")
    state = "submitted"
