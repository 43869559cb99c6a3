"""Households on the demo: the optimiser keeps a household's members with one cadre where the
321 quotas allow; the preview shows how many households stay split, why, and what the rule
costs; a cadre's pairing page groups people by household."""

from collections import defaultdict
from dataclasses import replace
from datetime import date

from flask import current_app
from sqlalchemy import select

import matching
from charity import eligibility as rules
from charity.demo.operations import load_demo
from charity.extensions import db
from charity.pairing import adapter, operations
from charity.pairing.models import Pairing
from tests import factories
from tests.factories import PersonFactory

TODAY = date(2026, 11, 29)


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


def test_demo_split_households_fall_to_the_proven_minimum(client, auth):
    load_demo(TODAY)
    problem = adapter.build_problem(TODAY, rules.standards(current_app.config))
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


def test_a_cadres_page_groups_people_by_household(client, auth):
    first = PersonFactory(street_name="七星岗")
    second = PersonFactory(household=first.household)
    other = PersonFactory(street_name="七星岗")
    cadre = factories.CadreFactory(street_name="七星岗", rank="district_leader", with_user=True)
    user = cadre.user
    for person in (first, other, second):
        db.session.add(Pairing(person_id=person.id, helper_kind="cadre", cadre_id=cadre.id,
                               status="active"))
    db.session.flush()
    auth.login(user)
    page = client.get("/my/pairings?lang=en").get_data(as_text=True)
    household = page.index(f'id="household-{first.household.id}"')
    elsewhere = page.index(f'id="household-{other.household.id}"')
    assert page.count('class="household"') == 2
    mine = page[household:elsewhere] if household < elsewhere else page[household:]
    assert first.name in mine and second.name in mine and other.name not in mine
    assert "Members paired with you: 2" in mine and first.household.address in mine
