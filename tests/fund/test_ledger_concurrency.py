"""Concurrency on PostgreSQL: many workers reserving from one fund at once never spend more
than it holds. Each worker has its own app context, session and connection; the data is
committed, so the test cleans the ledger tables up itself."""

import threading
from datetime import date

import pytest
from sqlalchemy import select

from charity.extensions import db
from charity.fund import operations as ops
from charity.fund import queries
from charity.fund.verify import verify
from tests.committed import committed_data, empty
from tests.factories import PersonFactory, UserFactory


def clean_ledger() -> None:
    empty("allocation_item, allocation_proposal, committee_vote, relief_application, "
          "audit_entry, journal_line, journal_entry, fund_account",
          "DELETE FROM person WHERE name LIKE 'concurrent%'",
          "DELETE FROM household WHERE code LIKE 'CC%'",
          "DELETE FROM \"user\" WHERE email LIKE 'concurrent-%'")


@pytest.fixture
def committed(app):
    with committed_data(app, clean_ledger, "concurrency needs PostgreSQL (SQLite has one writer)"):
        yield


def run_concurrently(app, count: int, work) -> list[str]:
    """Run `work(i)` in `count` threads, each in its own context; return the outcomes."""
    outcomes = [""] * count
    barrier = threading.Barrier(count)

    def worker(i):
        # A request context: refusal messages are lazy strings translated per request.
        with app.test_request_context("/?lang=en"):
            barrier.wait()
            try:
                work(i)
                db.session.commit()
                outcomes[i] = "ok"
            except ValueError as error:
                db.session.rollback()
                outcomes[i] = str(error)
            except Exception as error:  # noqa: BLE001  (reported in the assertion)
                db.session.rollback()
                outcomes[i] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_fifty_reservations_against_a_fund_for_ten(app, committed):
    ops.record_gift(amount_fen=10 * 1_000, designation="measure:4", reference="g")
    db.session.commit()
    purpose = ops.Purpose(4, "七星岗")
    outcomes = run_concurrently(
        app, 50, lambda i: ops.reserve(i + 1, [("restricted:measure:4", 1_000)], purpose))
    assert outcomes.count("ok") == 10
    refusals = [o for o in outcomes if o != "ok"]
    assert len(refusals) == 40 and all("Not enough money" in o for o in refusals)
    db.session.expire_all()
    assert queries.balance("restricted:measure:4") == 0
    assert verify().ok


def test_fifty_concurrent_approvals_against_a_fund_for_ten(app, committed):
    from charity.relief import operations as relief
    from charity.relief.models import Application

    with app.test_request_context("/?lang=en"):
        maker = UserFactory(role="fund_manager", email="concurrent-maker@songtan.test")
        checker = UserFactory(role="approver", email="concurrent-checker@songtan.test")
        person = PersonFactory(name="concurrent", seriously_ill=True, household__code="CC0001")
        ids = [relief.submit(person, "temporary_emergency", "突发", date(2026, 11, 29), maker,
                             grade=2, event=f"emergency {n}").id for n in range(50)]
        ops.record_gift(amount_fen=10 * 200_000, designation="measure:4", reference="g")
        db.session.commit()
        checker_id = checker.id

    def approve(i):
        from charity.auth.models import User

        relief.approve(db.session.get(Application, ids[i]), db.session.get(User, checker_id))

    outcomes = run_concurrently(app, 50, approve)
    assert outcomes.count("ok") == 10, outcomes
    assert all("enough money" in o for o in outcomes if o != "ok")
    db.session.expire_all()
    states = db.session.scalars(select(Application.state)).all()
    assert states.count("approved") == 10 and states.count("submitted") == 40
    assert queries.balance("restricted:measure:4") == 0
    assert verify().ok


def test_two_postings_in_one_transaction_do_not_deadlock_with_a_reservation(app, committed):
    """A batch posting twice (like an offline batch or `relief expire`) and an approval
    reserving meanwhile from an account the batch's second posting touches: one waits for the
    other, neither deadlocks."""
    import time

    ops.record_gift(amount_fen=100_000, designation="measure:4", reference="seed")
    db.session.commit()
    first_posted = threading.Event()

    def work(i):
        if i == 0:
            ops.record_gift(amount_fen=1_000, designation=None, reference="b1")
            first_posted.set()
            time.sleep(0.5)
            ops.record_gift(amount_fen=1_000, designation="measure:4", reference="b2")
        else:
            first_posted.wait()
            ops.reserve(7, [("restricted:measure:4", 1_000)], ops.Purpose(4, "七星岗"))

    assert run_concurrently(app, 2, work) == ["ok", "ok"]
    db.session.expire_all()
    assert queries.balance("restricted:measure:4") == 100_000
    assert verify().ok


def _sent_twice_setup(app):
    from charity.relief import operations as relief
    from charity.relief import proposals

    with app.test_request_context("/?lang=en"):
        maker = UserFactory(role="fund_manager", email="concurrent-maker@songtan.test")
        senders = [UserFactory(role="fund_manager", email=f"concurrent-s{i}@songtan.test")
                   for i in (0, 1)]
        checker = UserFactory(role="approver", email="concurrent-checker@songtan.test")
        person = PersonFactory(name="concurrent", relief_case=True, household__code="CC0002")
        ops.record_gift(amount_fen=2_000_000, designation="measure:4", reference="g")
        case = relief.submit(person, "temporary_emergency", "病", date(2026, 11, 29), maker,
                             grade=3)
        drafts = [proposals.run(s, time_limit=5) for s in senders]
        db.session.commit()
        return case.id, [d.id for d in drafts], [s.id for s in senders], checker.id


def test_two_proposals_sending_the_same_case_at_once_send_it_once(app, committed):
    from charity.auth.models import User
    from charity.relief import operations as relief
    from charity.relief import proposals
    from charity.relief.models import AllocationProposal, Application

    case_id, draft_ids, sender_ids, checker_id = _sent_twice_setup(app)

    def send(i):
        proposals.send(db.session.get(AllocationProposal, draft_ids[i]),
                       db.session.get(User, sender_ids[i]))

    outcomes = run_concurrently(app, 2, send)
    assert sorted(outcomes)[0] == f"Application {case_id} has been decided or sent meanwhile."
    assert sorted(outcomes)[1] == "ok"
    with app.test_request_context("/?lang=en"):
        case = db.session.get(Application, case_id)
        relief.approve(case, db.session.get(User, checker_id))
        db.session.commit()
        assert queries.balance(f"reserved:{case_id}") == 300_000
        assert queries.balance("restricted:measure:4") == 2_000_000 - 300_000


def test_expire_and_a_rejection_at_once_release_once(app, committed):
    """`relief expire` locks the lapsed cases before the ledger; a checker rejecting one of
    them meanwhile goes first or waits, and the money is released once."""
    from charity.auth.models import User
    from charity.relief import operations as relief
    from charity.relief.models import Application

    with app.test_request_context("/?lang=en"):
        maker = UserFactory(role="fund_manager", email="concurrent-maker@songtan.test")
        checker = UserFactory(role="approver", email="concurrent-checker@songtan.test")
        person = PersonFactory(name="concurrent", relief_case=True, household__code="CC0003")
        ops.record_gift(amount_fen=2_000_000, designation="measure:4", reference="g")
        ids = [relief.approve(relief.submit(person, "temporary_emergency", "病",
                                            date(2026, 11, 29), maker, grade=2,
                                            event=f"emergency {n}"), checker).id
               for n in range(4)]
        db.session.commit()
        checker_id = checker.id

    def work(i):
        if i == 0:
            relief.expire(date(2099, 1, 1))
        else:
            relief.reject(db.session.get(Application, ids[-1]),
                          db.session.get(User, checker_id), "重复申请")

    expired, rejected = run_concurrently(app, 2, work)
    assert expired == "ok"
    assert rejected in ("ok", "This application cannot be decided in its present state.")
    db.session.expire_all()
    states = db.session.scalars(select(Application.state).order_by(Application.id)).all()
    assert states.count("expired") + states.count("rejected") == 4
    assert queries.balance("restricted:measure:4") == 2_000_000
    assert verify().ok
