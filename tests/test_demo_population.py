"""The demo population, loaded once for the whole run (`flask demo load`, as `make run` does)
and checked here: the attachment's numbers, plausible people, helpers enrolled as real ones are,
households kept together by the optimiser, the demo's standing order. The module's transaction
is rolled back at its end, so the other modules never see the demo."""

import io
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

import pypdf
import pytest
from flask import current_app
from sqlalchemy import func, select

import matching
from charity import eligibility as rules
from charity.audit.models import AuditEntry
from charity.casework import queries as casework_queries
from charity.casework import snapshot
from charity.disaster.models import Incident
from charity.district.reference import attachment_counts
from charity.extensions import db, limiter
from charity.pairing import adapter, operations
from charity.pairing.models import Cadre, Pairing, Volunteer
from charity.registry import ids
from charity.registry.models import Household, Person
from charity.timeutil import local_today
from donations.giving.models import Donation, RecurringGift
from donations.stripe.models import StripeEvent
from tests import factories
from tests.conftest import rolled_back


@dataclass(frozen=True)
class Demo:
    """The day the demo was loaded for, and what `flask demo load` printed."""

    day: date
    output: str


@pytest.fixture(scope="module")
def demo(app):
    """The demo, loaded once through the command line into the module's own transaction."""
    with rolled_back(app):
        day = local_today()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        yield Demo(day, result.output)


@pytest.fixture
def session(demo):
    """This module's session: the demo's. Its tests share the demo's data; only the last one
    writes (a pairing run), so none depends on another's writes."""
    limiter.reset()
    yield db.session


def test_demo_population_reproduces_the_attachment(demo, runner):
    assert "officer-qixinggang@songtan.test" in demo.output
    report = runner.invoke(args=["report", "streets", "--json"])
    assert report.exit_code == 0
    assert json.loads(report.output) == attachment_counts()
    again = runner.invoke(args=["demo", "load"])
    assert "people added: 0" in again.output
    assert db.session.scalar(select(func.count(Person.id))) == 12018
    # The demo's online gifts were paid the way a donor pays: Stripe's signed notice, applied
    # by the webhook, one credited event per gift and nothing left waiting.
    online = db.session.scalars(select(Donation).where(Donation.channel == "online")).all()
    credited = db.session.scalars(select(StripeEvent.donation_id).where(
        StripeEvent.type == "payment_intent.succeeded", StripeEvent.outcome == "credited")).all()
    assert online and sorted(credited) == sorted(d.id for d in online)
    assert all(d.status == "succeeded" for d in online)


def test_demo_people_are_plausible(demo, session):
    people = db.session.scalars(select(Person).limit(400)).all()
    for person in people:
        number = ids.decrypt(person.id_number_encrypted)
        checked = ids.check(number, demo.day)
        assert number.startswith("500103")
        assert checked.birth_date == person.birth_date and checked.sex == person.sex
        assert (person.dibao_class is not None) == (person.category == "dibao")
        if person.student:
            assert person.school_level is not None
    households = db.session.scalar(select(func.count(Household.id)))
    assert 6000 < households < 12018
    cadres = dict(db.session.execute(select(Cadre.rank, func.count()).group_by(Cadre.rank)).all())
    assert sum(cadres.values()) == 3578
    # the demo's cadres came in through the roster import: each with a phone and staff number
    assert db.session.scalar(select(func.count(Cadre.id)).where(
        Cadre.phone_hash.is_not(None), Cadre.staff_number.is_not(None))) == 3578
    assert 0 < cadres["district_leader"] < cadres["division_leader"] < cadres["staff"]
    # The demo's helpers signed up, confirmed and were approved by their street's officer, as
    # real ones are: each has its account, its phone sealed, and the three audit entries.
    kinds = dict(db.session.execute(select(Volunteer.kind, func.count()).where(
        Volunteer.status == "approved").group_by(Volunteer.kind)).all())
    assert kinds == {"volunteer": 900, "organisation": 7, "aid_centre": 1, "enterprise": 6}
    helpers = db.session.scalars(select(Volunteer)).all()
    assert all(v.confirmed_at and v.user_id and v.phone_hash for v in helpers)
    waiting = [v for v in helpers if v.status != "approved"]
    assert [v.status for v in waiting] == ["pending", "pending"]  # the officer's queue
    for action, count in (("volunteer.sign_up", len(helpers)),
                          ("volunteer.confirm", len(helpers)),
                          ("volunteer.approve", len(helpers) - 2)):
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == action)) == count
    # the demo flood: two households, one insurance claim paid, two reliefs proposed
    incident = db.session.scalar(select(Incident))
    assert incident.state == "open" and len(incident.households) == 2
    assert incident.households[0].insurance_paid_fen == 1_200_000
    assert sorted(r.state for h in incident.households for r in h.reliefs)[1] == "proposed"


def _split(pairs, home) -> int:
    cadres = defaultdict(set)
    for pair in pairs:
        if pair.helper_kind == "cadre":
            cadres[home[pair.beneficiary_id]].add(pair.helper_id)
    return sum(1 for found in cadres.values() if len(found) > 1)


def _live_split() -> int:
    """Households whose members have live pairings with different cadres."""
    cadres = defaultdict(set)
    for pairing in db.session.scalars(select(Pairing).where(
            Pairing.helper_kind == "cadre", Pairing.status.in_(adapter.LIVE))):
        cadres[pairing.person.household_id].add(pairing.cadre_id)
    return sum(1 for found in cadres.values() if len(found) > 1)


def test_demo_monthly_gift_is_a_standing_order_without_made_up_stripe_ids(demo, session):
    order = session.scalar(select(RecurringGift))
    assert order.kind == "standing_order" and order.subscription is None
    assert order.stripe_customer is None and order.setup_intent is None
    gifts = session.scalars(select(Donation).where(Donation.recurring_id == order.id)).all()
    assert [g.channel for g in gifts] == ["bank_transfer"] * 2
    assert all(g.status == "succeeded" and g.receipt_number for g in gifts)


def test_demo_accounts_carry_people_s_names_which_receipts_print(demo, session):
    from charity.auth.models import User
    from donations.receipts.pdf import receipt_pdf

    accounts = session.scalars(select(User).where(User.email.like("%@songtan.test"))).all()
    unnamed = [u.email for u in accounts if u.name in ("", u.email.split("@")[0])]
    assert unnamed == [] and len(accounts) > 20
    donor = session.scalar(select(User).where(User.email == "donor@songtan.test"))
    gift = session.scalar(select(Donation).where(Donation.donor_id == donor.id,
                                                 Donation.receipt_number.is_not(None)))
    text = pypdf.PdfReader(io.BytesIO(receipt_pdf(gift))).pages[0].extract_text()
    assert "陈晓燕" in text and "donor" not in text


def test_demo_pairing_coverage_is_one_figure_on_every_page(demo, client, auth):
    """/pairing/ and the dashboard show 七星岗's pairing coverage from the one snapshot."""
    auth.login(factories.UserFactory(role="admin"))
    pairing = client.get("/pairing/?lang=en").get_data(as_text=True)
    dashboard = client.get("/dashboard/?lang=en").get_data(as_text=True)
    with client.application.test_request_context():
        names = casework_queries.street_names(None)
        coverage = snapshot.pairing_coverage(demo.day, names)
    street = next(sid for sid, name in names.items() if name == "七星岗")
    paired, owed = coverage[street]
    figure = f"{100 * paired / owed:.1f}"
    assert owed > 1000 and f"{figure}%" in pairing and figure in dashboard


def test_demo_split_households_fall_to_the_proven_minimum(demo, client, auth):
    problem = adapter.build_problem(demo.day, rules.standards(current_app.config))
    home = {person.id: person.household_id for person in problem.beneficiaries}
    assert all(home.values())
    # The demo's first run, as it saw the district (no pairs yet), without and with the rule.
    first = replace(problem, locked=(), beneficiaries=tuple(
        replace(person, current_cadre_id=None, current_volunteer_id=None)
        for person in problem.beneficiaries))
    plain = matching.solve(replace(first, beneficiaries=tuple(
        replace(person, household_id=None) for person in first.beneficiaries)))
    kept = matching.solve(first)
    old, report = _split(plain.pairs, home), kept.households
    assert report.before == old and report.split == _split(kept.pairs, home)
    assert _live_split() < old / 2  # the demo's pairings, made by that run, then declines
    assert report.proven and report.split == report.bound < old / 2
    assert report.cost["people"] == report.cost["priority"] == 0
    assert report.cost["objective"] == plain.parts["cadre"] - kept.parts["cadre"] > 0
    assert kept.coverage == plain.coverage and kept.status == plain.status == "OPTIMAL"
    # A run on the demo as it is now: its preview shows the split households, why, and cost.
    match_run = operations.run()
    report = match_run.summary["households"]
    result_pairs = [matching.Pair(kind, helper, person)
                    for kind, helper, person, _ in match_run.summary["pairs"]]
    assert report["split"] == _split(result_pairs, home) == len(report["split_households"])
    assert report["proven"] and report["split"] == report["bound"]
    assert report["households"] > report["split"] > 0
    assert report["cost"]["people"] == report["cost"]["priority"] == 0
    assert match_run.status == "OPTIMAL"
    codes = {why["code"] for _, _, why in report["split_households"]}
    assert "household_too_large" in codes and codes <= {
        "household_too_large", "household_quota_taken", "household_not_fitted",
        "household_minimums",
        "household_locked_apart", "household_streets_apart", "household_no_common_cadre"}
    auth.login(factories.user("admin"))
    en = client.get(f"/pairing/runs/{match_run.id}?lang=en").get_data(as_text=True)
    zh = client.get(f"/pairing/runs/{match_run.id}?lang=zh_Hans_CN").get_data(as_text=True)
    assert "Households split between cadres" in en and "Proven minimal" in en
    assert f"<strong>{report['split']}</strong>" in en
    assert "more than the quota of any cadre" in en or "keeps another household" in en
    assert "household rule" in en
    assert "分属不同干部的家庭" in zh and "已证明最少" in zh
    assert "Households split" not in zh
