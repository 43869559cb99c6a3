"""The public disclosure page, the auditor's read-only views and the annual workbook."""

import re
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from charity.district.models import Street
from charity.fund import operations as ledger
from charity.relief import operations as relief
from charity.timeutil import local_today
from tests.factories import UserFactory
from tests.fund.test_relief import TODAY
from tests.jobs import exported


def _history(person, maker, checker):
    ledger.record_budget_transfer(amount_fen=1_000_000, reference="budget-1")
    for n in range(2):
        application = relief.submit(person, "temporary_emergency", "病", TODAY, maker, grade=1,
                                    event=f"emergency {n}")
        relief.approve(application, checker)
        relief.pay(application, maker)


def test_public_page_has_totals_and_no_personal_data(client, session, person, maker, checker,
                                                      funded):
    _history(person, maker, checker)
    session.commit()
    client.get("/lang/en")
    page = client.get("/fund/disclosure").get_data(as_text=True)
    assert "¥2,000.00" in page          # two payments of 1,000 yuan each
    assert "<5" in page.replace("&lt;", "<")
    assert person.name not in page and person.household.address not in page
    assert "Journal head" in page


def test_auditor_reads_journal_and_approvals_but_cannot_decide(client, auth, session, person,
                                                                maker, checker, funded):
    _history(person, maker, checker)
    session.commit()
    auth.login(UserFactory(role="auditor"))
    assert client.get("/fund/journal").status_code == 200
    assert client.get("/fund/approvals").status_code == 200
    assert client.get("/fund/verify").status_code == 200
    assert client.post("/relief/1/approve").status_code == 403


def test_annual_workbook(client, auth, session, person, maker, checker, funded):
    _history(person, maker, checker)
    session.commit()
    auth.login(maker)
    client.get("/lang/en")
    response = exported(client, f"/fund/annual-report.xlsx?year={local_today().year}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Summary", "Income and spending by month", "Projects by measure",
                               "Payments by street"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Spending (yuan)"] == 2_000.0
    measures = list(book["Projects by measure"].iter_rows(values_only=True))
    assert any(row[0] == 4 and row[3] == 2_000.0 for row in measures)


def test_street_officer_sees_reserved_money_as_a_total_only(client, auth, session, person,
                                                            maker, checker, funded):
    application = relief.submit(person, "temporary_emergency", "病", TODAY, maker, grade=1)
    relief.approve(application, checker)
    session.commit()
    auth.login(UserFactory(role="street_officer", street_name="解放碑"))
    page = client.get("/fund/?lang=en").get_data(as_text=True)
    reserved = f"Reserved: application no. {application.id}"
    assert reserved not in page and f"reserved:{application.id}" not in page
    auth.logout()
    auth.login(checker)
    assert reserved in client.get("/fund/?lang=en").get_data(as_text=True)


def test_gifts_are_disclosed_gross_and_their_fees_as_money_out(session):
    from charity.fund import disclosure

    before = disclosure.build()
    ledger.record_gift(amount_fen=10_000, fee_fen=300, designation="measure:4",
                       reference="stripe:pi_fee")
    after = disclosure.build()
    assert after.total_in - before.total_in == 10_000
    assert after.total_out - before.total_out == 300


def _coverage_row(page: str, street_name: str) -> list[str]:
    table = page[page.index("People covered and visits"):]
    row = table[table.index(f"<td>{street_name}</td>"):]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row[:row.index("</tr>")])
    return [cell.replace("&lt;", "<") for cell in cells]


def test_public_coverage_per_street_with_small_counts_hidden(client, session):
    from charity.casework.gaps import ALL_MEASURES
    from charity.contacts.models import Contact
    from tests.factories import PairingFactory
    from tests.factories.base import HOME_STREET

    other = session.scalar(select(Street.name).where(Street.name != HOME_STREET)
                           .order_by(Street.position))
    home_pairs = PairingFactory.create_batch(6)
    other_pairs = PairingFactory.create_batch(2, street_name=other)
    today = local_today()
    for pairing in home_pairs[:3] + other_pairs:
        session.add(Contact(person_id=pairing.person_id, pairing_id=pairing.id,
                            kind="home_visit", happened_on=today, minutes=30))
    session.add(Contact(person_id=home_pairs[0].person_id, pairing_id=home_pairs[0].id,
                        kind="phone_call", happened_on=today, minutes=5))
    session.commit()
    client.get("/lang/en")
    page = client.get("/fund/disclosure").get_data(as_text=True)
    pairing = ALL_MEASURES.index("pairing")
    home, elsewhere = _coverage_row(page, HOME_STREET), _coverage_row(page, other)
    assert home[pairing] == "6" and elsewhere[pairing] == "<5"
    assert home[-1] == "<5" and elsewhere[-1] == "<5"      # 3 and 2 visits; calls are not visits
    for pairing_row in home_pairs:
        assert pairing_row.person.name not in page


def test_public_coverage_counts_visits_of_five_or_more(client, session):
    from charity.contacts.models import Contact
    from tests.factories import PairingFactory
    from tests.factories.base import HOME_STREET

    pairing = PairingFactory()
    for days in range(5):
        session.add(Contact(person_id=pairing.person_id, pairing_id=pairing.id,
                            kind="heart_to_heart", minutes=20,
                            happened_on=local_today().replace(month=1, day=1 + days)))
    session.add(Contact(person_id=pairing.person_id, pairing_id=pairing.id, kind="home_visit",
                        minutes=20, happened_on=local_today().replace(year=local_today().year - 1)))
    session.commit()
    page = client.get("/fund/disclosure?lang=en").get_data(as_text=True)
    assert _coverage_row(page, HOME_STREET)[-1] == "5"


def test_small_rule():
    from charity.fund.disclosure import small

    assert [small(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
