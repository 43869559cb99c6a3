"""Disaster relief under concurrency on PostgreSQL: two fund staff paying the same relief at
once pay it once, and two makers proposing the same relief at once propose it once. The data
is committed, so the test cleans up itself."""

from sqlalchemy import func, select

from charity.extensions import db
from charity.fund import operations as ledger
from charity.fund import queries
from charity.fund.verify import verify
from charity.timeutil import local_today
from tests.committed import committed_fixture, empty
from tests.factories import PersonFactory, UserFactory
from tests.fund.test_ledger_concurrency import run_concurrently


def clean() -> None:
    """Remove what these tests committed."""
    empty("disaster_relief, disaster_transition_plan, disaster_household, disaster_incident, "
          "audit_entry, journal_line, journal_entry, fund_account",
          "DELETE FROM person WHERE name LIKE 'concurrent%'",
          "DELETE FROM household WHERE code LIKE 'CD%'",
          "DELETE FROM \"user\" WHERE email LIKE 'concurrent-%'")


committed = committed_fixture(clean)


def _setup(app, approved: bool):
    from charity.disaster import operations as ops

    with app.test_request_context("/?lang=en"):
        maker = UserFactory(role="street_officer", email="concurrent-maker@songtan.test")
        checker = UserFactory(role="approver", email="concurrent-checker@songtan.test")
        payers = [UserFactory(role="fund_manager", email=f"concurrent-p{i}@songtan.test")
                  for i in (0, 1)]
        person = PersonFactory(name="concurrent", household__code="CD0001")
        ledger.record_gift(amount_fen=5_000_000, designation="measure:8", reference="g8")
        incident = ops.create_incident("flood", local_today(), person.household.street, "较场口",
                                       "", maker)
        affected = ops.add_household(incident, person.household, 2_000_000, maker)
        ops.open_for_relief(incident, maker)
        relief = ops.propose_emergency(affected, 1_500_000, "", maker) if approved else None
        if relief is not None:
            ops.approve(relief, checker)
        db.session.commit()
        return (affected.id, relief.id if relief else None, [p.id for p in payers],
                [maker.id, checker.id])


def test_two_payments_of_one_relief_at_once_pay_it_once(app, committed):
    from charity.auth.models import User
    from charity.disaster import operations as ops
    from charity.disaster.models import Relief

    _, relief_id, payer_ids, _ = _setup(app, approved=True)

    def pay(i):
        ops.pay(db.session.get(Relief, relief_id), db.session.get(User, payer_ids[i]))

    outcomes = sorted(run_concurrently(app, 2, pay))
    assert outcomes == ["Only an approved relief can be paid.", "ok"]
    with app.test_request_context("/?lang=en"):
        assert queries.balance("restricted:measure:8") == 5_000_000 - 1_500_000
        assert verify().ok


def test_two_makers_proposing_one_relief_at_once_propose_it_once(app, committed):
    from charity.auth.models import User
    from charity.disaster import operations as ops
    from charity.disaster.models import AffectedHousehold, Relief

    affected_id, _, _, user_ids = _setup(app, approved=False)

    def propose(i):
        ops.propose_emergency(db.session.get(AffectedHousehold, affected_id), 10_000 + i, "",
                              db.session.get(User, user_ids[i]))

    outcomes = sorted(run_concurrently(app, 2, propose))
    assert outcomes[1] == "ok"
    assert outcomes[0].startswith("This relief is already recorded for this household")
    with app.test_request_context("/?lang=en"):
        assert db.session.scalar(select(func.count(Relief.id))) == 1
