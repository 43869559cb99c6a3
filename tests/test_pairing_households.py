"""Households on the demo: the optimiser keeps a household's members with one cadre where the
321 quotas allow; the preview shows how many households stay split, why, and what the rule
costs; a cadre's pairing page groups people by household."""

from datetime import date

from charity.extensions import db
from charity.pairing.models import Pairing
from tests import factories
from tests.factories import PersonFactory

TODAY = date(2026, 11, 29)





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
