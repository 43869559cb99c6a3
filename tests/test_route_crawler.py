"""The route crawler: every URL rule of the app, for every role and for nobody signed in, with
bad URL variables, bad query parameters and bad form fields. No answer is ever a 500, and a
street officer, a donor or a helper asking for another street's, donor's or helper's record
gets 403 or 404 without a word of it.

The data is built once for the module, inside one transaction rolled back at its end."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

import pytest
from flask import Response
from sqlalchemy import select

from charity.auth.models import User
from charity.extensions import db
from tests.conftest import rolled_back
from tests.crawl import (
    BAD_VALUES,
    FIELD_VALUES,
    QUERY_PARAMS,
    URL_VALUES,
    field_names,
    forms_of,
)
from tests.factories import (
    ApplicationFactory,
    CadreFactory,
    MedicalCostFactory,
    PairingFactory,
    PersonFactory,
    ReferralFactory,
    ReviewCycleFactory,
    UserFactory,
    VisitCampaignFactory,
    VolunteerFactory,
)
from tests.factories.donations import (
    DonationFactory,
    FundraisingCampaignFactory,
    RecurringGiftFactory,
    SponsorshipFactory,
)

OTHER_STREET = "解放碑"
ROLES = ("anonymous", "admin", "fund_manager", "approver", "street_officer", "cadre",
         "volunteer", "donor", "auditor")
#: Not crawled: static files, the logout (it ends the crawler's session; tests/test_sessions.py)
#: and the Stripe webhook (a signed JSON notice; tests/donations/test_webhook_fuzz.py).
SKIPPED = {"static", "security.static", "security.logout", "stripe.stripe_webhook"}
#: Variables whose name means different records in different blueprints.
BY_BLUEPRINT = {("visits_campaigns", "campaign_id"): "visit_campaign_id"}


@dataclass
class World:
    """The crawler's data: a user per role, records of the home street (the signed-in users')
    and of another street and another donor, and words only the other records hold."""

    users: dict = field(default_factory=dict)
    home: dict = field(default_factory=dict)
    #: A role's own records where they are not the home street's (a volunteer's pairing).
    own: dict = field(default_factory=dict)
    other: dict = field(default_factory=dict)
    secrets: list = field(default_factory=list)


def _incident(person) -> dict:
    """A flood on the person's street with their household affected and a relief proposed."""
    from charity.disaster import operations as disaster

    maker = UserFactory(role="street_officer", street_name=person.household.street.name)
    incident = disaster.create_incident("flood", date(2026, 7, 1), person.household.street,
                                        "较场口", "", maker)
    affected = disaster.add_household(incident, person.household, 500_000, maker)
    disaster.open_for_relief(incident, maker)
    relief = disaster.propose_emergency(affected, 100_000, "", maker)
    return {"incident_id": incident.id, "affected_id": affected.id, "relief_id": relief.id}


def _records(street_name: str, donor, cadre) -> dict:
    pairing = PairingFactory(street_name=street_name, cadre=cadre,
                             person__name=f"{street_name}居民")
    person = pairing.person
    application = ApplicationFactory(person=person)
    gift = RecurringGiftFactory(donor=donor)
    return {
        "person_id": person.id, "household_id": person.household_id,
        "pairing_id": pairing.id, "application_id": application.id,
        "referral_id": ReferralFactory(person=person).id,
        "donation_id": DonationFactory(donor=donor, status="succeeded").id,
        "gift_id": gift.id, "sponsorship_id": SponsorshipFactory(donor=donor).id,
        "person_name": person.name, "household_code": person.household.code,
    } | _incident(person)


def build_world() -> World:
    world = World()
    for role in ROLES[1:]:
        if role not in ("cadre", "volunteer"):
            world.users[role] = UserFactory(role=role)
    cadre = CadreFactory(with_user=True)
    world.users["cadre"] = cadre.user
    volunteer = VolunteerFactory(with_user=True)
    world.users["volunteer"] = volunteer.user
    world.own["volunteer"] = {
        "pairing_id": PairingFactory(by_volunteer=True, volunteer=volunteer).id}
    world.home = _records("七星岗", world.users["donor"], cadre)
    other_donor = UserFactory(role="donor", email="other-donor@songtan.test")
    world.other = _records(OTHER_STREET, other_donor, CadreFactory(
        with_user=True, street_name=OTHER_STREET))
    world.secrets = [world.other["person_name"], world.other["household_code"],
                     other_donor.email]
    MedicalCostFactory(person=PersonFactory())
    campaign = VisitCampaignFactory()
    common = {"cycle_id": ReviewCycleFactory().id, "visit_campaign_id": campaign.id,
              "task_id": campaign.tasks[0].id if campaign.tasks else 1,
              "campaign_id": FundraisingCampaignFactory(slug="crawl").id, "slug": "crawl",
              "code": "en", "fmt": "csv", "year": "2026", "token": "gift-0",
              "step": "emergency"}
    world.home |= common
    world.other |= {k: v for k, v in common.items() if k not in world.other}
    return world


@contextmanager
def world_in(app) -> Iterator[World]:
    """The crawler's data, in a transaction of its own, rolled back at the block's end."""
    with rolled_back(app) as session:
        found = build_world()
        session.commit()
        yield found


@pytest.fixture(scope="module")
def world(app):
    """The crawler's data, for this module."""
    with world_in(app) as found:
        yield found


def sign_in(client, user) -> None:
    """Put `user` in the client's session as Flask-Security's login does, by the account's
    current uniquifier (some pages end the session: GET /tf-validate outside a login)."""
    if user is None:
        return
    uniquifier = db.session.scalar(select(User.fs_uniquifier).where(User.id == user.id))
    with client.session_transaction() as session:
        session["_user_id"] = uniquifier
        session["_fresh"] = True


def signed_in(app, user):
    """A client signed in as `user`, or as nobody."""
    client = app.test_client()
    sign_in(client, user)
    return client


def _variable(rule, name: str) -> str:
    return BY_BLUEPRINT.get((rule.endpoint.split(".")[0], name), name)


def url_for_rule(rule, values: dict) -> str:
    """The rule's path with its variables from `values` (1 where the world has none)."""
    path = rule.rule
    for name in rule.arguments:
        value = values.get(_variable(rule, name), values.get(name, 1))
        path = re.sub(rf"<(?:[^:>]+:)?{name}>", quote(str(value), safe="%"), path)
    return path


def rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED),
                  key=lambda r: r.rule)


#: What `Crawl.send` answers for a request that raised: refused, so the crawl goes on.
FAILED = Response(status=500)


@dataclass
class Crawl:
    """One role's crawl: its client and every answer that broke a rule."""

    client: object
    #: What any role has already sent: forms filled in, (endpoint, method)s given bad values.
    seen: set = field(default_factory=set)
    #: Whose records are scoped (a street officer's): send bad values again, however seen.
    scoped: bool = False
    failures: list = field(default_factory=list)

    def first_time(self, key, again_if_scoped: bool = True) -> bool:
        """True the first time any role sends `key` (always for a scoped role, if asked)."""
        new = key not in self.seen
        self.seen.add(key)
        return new or self.scoped and again_if_scoped

    def send(self, method: str, url: str, **kwargs):
        sent = str(kwargs.get("data") or kwargs.get("query_string") or "")[:160]
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # the test client lets a 500's exception through
            self.failures.append(f"{type(error).__name__}: {str(error)[:160]} "
                                 f"{method} {url[:100]} {sent}")
            return FAILED
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {method} {url[:100]} {sent}")
        return response


def reachable(response) -> bool:
    """The role got past the door (not sent to log in, not refused, not missing)."""
    if response.status_code in (401, 403, 404, 405, 500):
        return False
    return "/login" not in response.headers.get("Location", "")


def crawl_rule(crawl: Crawl, rule, world: World, bad_body: list):
    """Send the rule its bad variables, parameters and bodies; the page it shows, if any."""
    url = url_for_rule(rule, world.home)
    page = None
    for method in sorted(rule.methods & {"GET", "POST"}):
        first = crawl.send(method, url)
        if method == "GET" and first.status_code == 200 and first.mimetype == "text/html":
            page = first.get_data(as_text=True)
        if not reachable(first) or not crawl.first_time((rule.endpoint, method)):
            continue
        ints = all(type(rule._converters[n]).__name__ == "BoundedIntConverter"
                   for n in rule.arguments)
        for value in URL_VALUES[:3] if ints else URL_VALUES:
            bad = {name: value for name in rule.arguments}
            crawl.send(method, url_for_rule(rule, bad))
        if method == "GET":
            for value in BAD_VALUES:
                crawl.send("GET", url, query_string={p: value for p in QUERY_PARAMS})
        else:
            for value in BAD_VALUES:
                crawl.send("POST", url, data={name: value for name in bad_body})
    return page


def fill_forms(crawl: Crawl, page: str) -> None:
    """Post each form of a page as the page fills it, with one typed-in field bad at a time."""
    for action, values, editable in forms_of(page):
        fresh = crawl.first_time(action, again_if_scoped=False)
        if not action.startswith("/") or "logout" in action or not fresh:
            continue
        for name in sorted(editable):
            for value in FIELD_VALUES:
                crawl.send("POST", action, data=values | {name: value})


@pytest.fixture(scope="module")
def seen():
    """What the roles crawled before sent: a rule's bad values and a form's bad fields are
    sent by the first role that reaches them (and by the street officer, whose scope may lead
    elsewhere); every role still reaches every rule."""
    return set()


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_500(app, world, seen, role):
    """Every rule, GET and POST, with bad variables, parameters and fields: never a 500."""
    crawl = Crawl(signed_in(app, world.users.get(role)), seen=seen,
                  scoped=role == "street_officer")
    bad_body = field_names()
    for rule in rules(app):
        sign_in(crawl.client, world.users.get(role))
        page = crawl_rule(crawl, rule, world, bad_body)
        if page:
            fill_forms(crawl, page)
    assert not crawl.failures, "\n".join(crawl.failures[:50])


#: Who must not reach which other records: another street's, another donor's, another helper's.
CROSS_SCOPE = {
    "street_officer": {"person_id", "household_id", "application_id", "referral_id", "pairing_id"},
    "donor": {"donation_id", "gift_id", "sponsorship_id"},
    "cadre": {"pairing_id"},
    "volunteer": {"pairing_id"},
}


@pytest.mark.parametrize("role", sorted(CROSS_SCOPE))
def test_other_records_are_refused(app, world, role):
    """A URL naming another street's, donor's or helper's record: 403 or 404, and the record's
    name, household number or donor nowhere in the answer."""
    crawl = Crawl(signed_in(app, world.users[role]))
    checked = []
    for rule in rules(app):
        if not {_variable(rule, n) for n in rule.arguments} & CROSS_SCOPE[role]:
            continue
        home = world.home | world.own.get(role, {})
        url = url_for_rule(rule, home | {n: world.other[n] for n in CROSS_SCOPE[role]})
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = crawl.send(method, url)
            if not reachable(crawl.send(method, url_for_rule(rule, home))):
                continue
            checked.append(url)
            body = response.get_data(as_text=True)
            assert response.status_code in (403, 404), (method, url, response.status_code)
            assert not [s for s in world.secrets if s in body], (method, url)
    assert checked
    assert not crawl.failures, "\n".join(crawl.failures)
