"""Each guarded page refuses exactly the roles it refused before the permissions were named:
the table lists, for representative pages, the roles that were let in."""

import pytest

from charity.auth.permissions import ROLES, Permission
from charity.auth.roles import ROLES as ROLE_NAMES
from charity.extensions import db
from tests import factories

REGISTRY = {"admin", "fund_manager", "approver", "street_officer"}
EDITORS = {"admin", "street_officer"}
HELPERS = {"cadre", "volunteer"}
LEDGER = {"admin", "fund_manager", "approver", "auditor"}
NOBODY = 999_999

#: (method, path, the roles let in); `{person}` is a person on the street officer's street.
PAGES = [
    ("GET", "/district/", REGISTRY),
    ("GET", "/registry/people", REGISTRY),
    ("POST", "/registry/people/{person}/id-number", {"admin", "street_officer", "approver"}),
    ("GET", "/registry/people/{person}/edit", EDITORS),
    ("GET", "/registry/import", EDITORS),
    ("POST", "/registry/export?street=1", REGISTRY),
    ("GET", "/casework/gaps", REGISTRY),
    ("GET", "/casework/employment", REGISTRY),
    ("GET", "/casework/reviews", REGISTRY),
    ("POST", "/casework/reviews", {"admin"}),
    ("POST", f"/casework/people/{NOBODY}/grants", EDITORS),
    ("GET", "/dashboard/", REGISTRY),
    ("GET", "/visits/", REGISTRY | HELPERS),
    ("GET", f"/visits/tasks/{NOBODY}", HELPERS),
    ("GET", "/visits/campaigns", REGISTRY),
    ("POST", "/visits/campaigns", {"admin"}),
    ("POST", f"/visits/campaigns/{NOBODY}/spot-checks", EDITORS),
    ("GET", "/pairing/", REGISTRY),
    ("POST", f"/pairing/pairings/{NOBODY}/lock", EDITORS),
    ("POST", f"/my/pairings/{NOBODY}/accept", HELPERS),
    ("GET", f"/my/pairings/{NOBODY}/contacts", HELPERS),
    ("POST", f"/my/pairings/{NOBODY}/contacts", HELPERS),
    ("GET", "/my/hours.pdf", HELPERS),
    ("GET", "/pairing/unmatched", EDITORS),
    ("GET", "/contacts/not-contacted", EDITORS),
    ("GET", "/contacts/hours", EDITORS),
    ("POST", "/contacts/hours.xlsx", EDITORS),
    ("GET", "/relief/", REGISTRY | {"auditor"}),
    ("GET", "/relief/new", {"admin", "fund_manager", "street_officer"}),
    ("POST", f"/relief/{NOBODY}/approve", {"admin", "approver"}),
    ("POST", f"/relief/{NOBODY}/pay", {"admin", "fund_manager"}),
    ("POST", f"/relief/{NOBODY}/vote", {"admin", "approver", "fund_manager"}),
    ("GET", "/relief/allocations", LEDGER),
    ("POST", f"/relief/allocations/{NOBODY}/send", {"admin", "fund_manager"}),
    ("GET", "/fund/", LEDGER | {"street_officer"}),
    ("GET", "/fund/journal", LEDGER),
    ("GET", "/fund/approvals", LEDGER),
    ("GET", "/audit/", {"admin", "auditor"}),
    ("POST", "/fund/annual-report.xlsx", {"admin", "fund_manager", "auditor"}),
    ("GET", "/donations/staff", {"admin", "fund_manager", "approver"}),
    ("POST", f"/donations/staff/gifts/{NOBODY}/confirm", {"admin", "fund_manager", "approver"}),
    ("GET", "/donations/staff/review", {"admin", "fund_manager", "approver"}),
    ("GET", "/donations/staff/campaigns", {"admin", "fund_manager"}),
    ("POST", "/donations/staff/campaigns/charity-days", {"admin", "fund_manager"}),
    ("POST", "/donations/portal/monthly", {"donor"}),
    ("POST", f"/donations/portal/monthly/{NOBODY}/cancel", {"donor"}),
    ("POST", "/donations/portal/sponsorships", {"donor"}),
    ("GET", "/donations/staff/reconciliation", LEDGER),
    ("GET", "/jobs/", LEDGER | {"street_officer"}),
    # a liaison follows the jobs they started (a missing one is 404 to them)
    ("GET", f"/jobs/{NOBODY}", LEDGER | {"street_officer", "liaison"}),
    ("GET", "/cadres/", {"admin", "liaison"}),
    ("GET", "/cadres/import", {"admin", "liaison"}),
    ("POST", f"/cadres/{NOBODY}/transfer", {"admin"}),
]
EVERY_ROLE = sorted({role for roles in ROLES.values() for role in roles})


def as_role(role: str):
    street = "七星岗" if role == "street_officer" else None
    user = factories.user(role, street)
    if role == "liaison":
        user.department_id = factories.department("七星岗").id
        db.session.commit()
    if role in HELPERS:
        factory = factories.CadreFactory if role == "cadre" else factories.VolunteerFactory
        factory(user_id=user.id)
    return user


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_each_page_lets_in_the_roles_it_did_and_refuses_the_others(client, auth, role):
    person = factories.PersonFactory(household__street_name="七星岗")
    auth.login(as_role(role))
    wrong = []
    for method, path, allowed in PAGES:
        url = path.format(person=person.id)
        refused = client.open(url, method=method).status_code == 403
        if refused == (role in allowed):
            wrong.append((method, url, "refused" if refused else "let in"))
    assert wrong == []


def test_signed_out_visitors_are_sent_to_log_in(client):
    for method, path, _ in PAGES:
        response = client.open(path.format(person=NOBODY), method=method)
        assert response.status_code in (302, 401), (method, path)
        assert response.status_code == 401 or "/login" in response.headers["Location"]


@pytest.mark.parametrize(("role", "shown", "hidden"), [
    ("auditor", ["/fund/", "/audit/"], ["/registry/people", "/donations/staff", "/my/pairings"]),
    ("street_officer", ["/registry/people", "/fund/", "/contacts/not-contacted",
                        "/contacts/hours", "/pairing/unmatched"], ["/audit/", "/donations/staff"]),
    ("cadre", ["/my/pairings", "/visits/"], ["/registry/people", "/fund/", "/audit/",
                                             "/contacts/hours"]),
    ("approver", ["/registry/people", "/fund/", "/donations/staff"], ["/audit/", "/visits/"]),
    ("liaison", ["/cadres/"], ["/registry/people", "/fund/", "/jobs/"]),
])
def test_the_menu_offers_what_the_role_may_open(client, auth, role, shown, hidden):
    auth.login(as_role(role))
    menu = client.get("/").get_data(as_text=True)
    assert all(f'href="{link}"' in menu for link in shown)
    assert not any(f'href="{link}"' in menu for link in hidden)


def test_every_permission_names_known_roles():
    assert set(ROLES) == set(Permission)
    assert all(roles and roles <= set(ROLE_NAMES) for roles in ROLES.values())


def test_a_refused_json_request_gets_json(client, auth):
    auth.login(factories.UserFactory(role="donor"))
    response = client.get("/audit/", headers={"Accept": "application/json"})
    assert response.status_code == 403 and response.is_json
    assert response.get_json()["error"]
    page = client.get("/audit/")
    assert page.status_code == 403 and page.mimetype == "text/html"
