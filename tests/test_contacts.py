"""Everyday help: a helper logs visits, talks, calls and help given for the people paired with
them; each person's page shows the history; the street officer sees who has not been contacted
and the hours given per helper and per department; a helper downloads their hours as a PDF."""

from datetime import timedelta
from io import BytesIO

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from charity.audit.models import AuditEntry
from charity.contacts import operations
from charity.contacts.models import Contact
from charity.contacts.operations import ContactError, Help
from charity.database import utcnow
from charity.district.models import Department
from charity.extensions import db
from charity.timeutil import local_today
from charity.visits import operations as visits
from tests import factories
from tests.factories import PairingFactory, UserFactory
from tests.jobs import exported

TODAY = local_today()


def paired(days_ago: int = 200, street_name: str = "七星岗", **helper) -> object:
    """An active pairing that began ``days_ago`` days ago, its cadre (or volunteer) with an
    account."""
    if helper.get("by_volunteer"):
        pairing = PairingFactory(street_name=street_name, by_volunteer=True,
                                 volunteer__with_user=True)
    else:
        pairing = PairingFactory(street_name=street_name, cadre__with_user=True, **helper)
    pairing.accepted_at = utcnow() - timedelta(days=days_ago)
    db.session.flush()
    return pairing


def user_of(pairing):
    return (pairing.cadre or pairing.volunteer).user


def contacts(**filters) -> list[Contact]:
    return db.session.scalars(select(Contact).filter_by(**filters).order_by(Contact.id)).all()


def form(kind="home_visit", day=TODAY, minutes="30", **extra) -> dict:
    return {"kind": kind, "happened_on": day.isoformat(), "minutes": minutes, "note": "好",
            **extra}


def test_each_kind_is_logged_with_its_numbers_and_audited(client, auth):
    pairing = paired()
    auth.login(user_of(pairing))
    page = client.get(f"/my/pairings/{pairing.id}/contacts?lang=en").get_data(as_text=True)
    assert f'value="{TODAY.isoformat()}"' in page and 'value="30"' in page
    referral = factories.department("解放碑")
    posts = [form("home_visit", minutes="45"), form("heart_to_heart", minutes="60"),
             form("phone_call", TODAY - timedelta(days=3), minutes="10"),
             form("employment_referral", minutes="90"),
             form("goods", minutes="20", goods="米、油各一份"),
             form("money", minutes="15", amount="12.50"),
             form("department_referral", minutes="30", department=str(referral.id))]
    for data in posts:
        response = client.post(f"/my/pairings/{pairing.id}/contacts", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    rows = contacts(pairing_id=pairing.id)
    assert [(r.kind, r.minutes) for r in rows] == [
        ("home_visit", 45), ("heart_to_heart", 60), ("phone_call", 10),
        ("employment_referral", 90), ("goods", 20), ("money", 15), ("department_referral", 30)]
    assert rows[2].happened_on == TODAY - timedelta(days=3)
    assert rows[4].goods == "米、油各一份" and rows[4].amount_fen is None
    assert rows[5].amount_fen == 1250 and rows[5].goods is None
    assert rows[6].department_id == referral.id and rows[6].amount_fen is None
    assert all(r.person_id == pairing.person_id for r in rows)
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "contact.log")
                                 .order_by(AuditEntry.id)).all()
    assert [a.object_id for a in audited] == [str(r.id) for r in rows]
    assert audited[5].detail["amount_fen"] == 1250
    page = client.get(f"/my/pairings/{pairing.id}/contacts?lang=en").get_data(as_text=True)
    assert "¥12.50" in page and referral.name in page and "Heart-to-heart talk" in page
    # newest first: today's entries before the call three days ago
    assert page.index("Home visit") < page.index("Phone call")


BAD = [
    (form(day=TODAY + timedelta(days=1)), "The date cannot be in the future."),
    (form(day=TODAY - timedelta(days=201)), "before the pairing began"),
    (form(minutes="0"), "Number must be between 1 and 1440."),
    (form(minutes="100000"), "Number must be between 1 and 1440."),
    (form(minutes=""), "This field is required."),
    (form("money", amount="-5"), "Write an amount in yuan"),
    (form("money", amount="1000000000"), "Write an amount between ¥0.01 and ¥10,000."),
    (form("money"), "Write an amount between ¥0.01 and ¥10,000."),
    (form("goods"), "Say what goods were given"),
    (form("department_referral"), "Choose the department"),
    (form("department_referral", department="999999"), "Not a valid choice"),
    (form(kind="festival"), "Not a valid choice"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(client, auth, data,
                                                                    message):
    pairing = paired()
    auth.login(user_of(pairing))
    response = client.post(f"/my/pairings/{pairing.id}/contacts?lang=en", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert contacts() == []
    assert not db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "contact.log"))


def test_nobody_logs_for_a_person_not_paired_with_them(client, auth):
    mine, theirs = paired(), paired()
    auth.login(user_of(mine))
    assert client.get(f"/my/pairings/{theirs.id}/contacts").status_code == 404
    assert client.post(f"/my/pairings/{theirs.id}/contacts", data=form()).status_code == 404
    assert contacts() == []
    refused = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "security.out_of_scope")).all()
    assert [r.object_id for r in refused] == [str(theirs.id), str(theirs.id)]


def test_a_pairing_not_active_takes_no_entry(session):
    pairing = paired()
    pairing.status = "proposed"
    with pytest.raises(ContactError):
        operations.log(pairing, "phone_call", TODAY, 10, "", TODAY)
    pairing.status = "declined"
    with pytest.raises(ContactError):
        operations.log(pairing, "phone_call", TODAY, 10, "", TODAY)


def _log(pairing, days_ago: int, minutes: int = 30, kind: str = "home_visit", **help_given):
    return operations.log(pairing, kind, TODAY - timedelta(days=days_ago), minutes, "", TODAY,
                          Help(**help_given))


def test_not_contacted_list_counts_festival_visits_and_lists_the_never_contacted_first(
        client, auth):
    never = paired()
    long_ago = paired()
    _log(long_ago, 100)
    recent = paired()
    _log(recent, 100)
    _log(recent, 10)
    festival = paired()
    campaign = factories.VisitCampaignFactory()
    task = next(t for t in campaign.tasks if t.pairing_id == festival.id)
    visits.log_visit(task, TODAY - timedelta(days=2), "节日慰问", [], TODAY)
    proposed = paired()
    proposed.status = "proposed"
    elsewhere = paired(street_name="解放碑")
    db.session.flush()
    auth.login(UserFactory(role="street_officer", street_name="七星岗"))
    page = client.get("/contacts/not-contacted?lang=en").get_data(as_text=True)
    listed = [p for p in (never, long_ago, recent, festival, proposed, elsewhere)
              if p.person.name in page]
    assert listed == [never, long_ago]
    assert page.index(never.person.name) < page.index(long_ago.person.name)
    assert "Never" in page and "2 people" in page
    assert "active (accepted) pairing" in page
    page = client.get("/contacts/not-contacted?days=5&lang=en").get_data(as_text=True)
    assert [p for p in (never, long_ago, recent, festival) if p.person.name in page] == [
        never, long_ago, recent]
    page = client.get("/contacts/not-contacted?days=abc&lang=en").get_data(as_text=True)
    assert "Not contacted in 90 days" in page


def test_hours_per_helper_and_department_are_summed_from_the_entries(client, auth):
    first = paired()
    other_department = db.session.scalars(
        select(Department).where(Department.group_id == first.cadre.department.group_id)
        .order_by(Department.position)).all()[1]
    second = paired(cadre__department_id=other_department.id)
    same_helper = PairingFactory(cadre=first.cadre)
    same_helper.accepted_at = first.accepted_at
    volunteer = paired(by_volunteer=True)
    _log(first, 10, 30)
    _log(first, 20, 45, "goods", goods="棉被")
    _log(same_helper, 5, 15)
    _log(second, 3, 60)
    _log(volunteer, 7, 90, "phone_call")
    _log(first, 150, 600)  # before the period
    _log(paired(street_name="解放碑"), 3, 240)  # another street
    auth.login(UserFactory(role="street_officer", street_name="七星岗"))
    start, end = TODAY - timedelta(days=30), TODAY
    url = f"/contacts/hours?start={start.isoformat()}&end={end.isoformat()}&lang=en"
    page = client.get(url).get_data(as_text=True)
    assert "4.0 hours in 5 entries" in page
    from charity.contacts.queries import hours
    report = hours(first.person.household.street_id, start, end)
    helpers = {(kind, helper_id): (entries, people, minutes)
               for kind, helper_id, _n, _d, entries, people, minutes in report.helpers}
    assert helpers == {("cadre", first.cadre_id): (3, 2, 90),
                       ("cadre", second.cadre_id): (1, 1, 60),
                       ("volunteer", volunteer.volunteer_id): (1, 1, 90)}
    departments = {name: (helpers, entries, minutes)
                   for name, helpers, entries, minutes in report.departments}
    assert departments == {first.cadre.department.name: (1, 3, 90),
                           other_department.name: (1, 1, 60), None: (1, 1, 90)}
    assert "1.5" in page and "1.0" in page and "Volunteers and organisations" in page
    response = exported(client, f"/contacts/hours.xlsx?start={start.isoformat()}"
                                f"&end={end.isoformat()}&lang=en")
    book = load_workbook(BytesIO(response.data))
    per_helper, per_department = (list(sheet.iter_rows(values_only=True))
                                  for sheet in book.worksheets)
    assert sorted(row[5] for row in per_helper[1:]) == [60, 90, 90]
    assert sorted((row[0], row[3], row[4]) for row in per_department[1:]) == sorted([
        (first.cadre.department.name, 90, 1.5), (other_department.name, 60, 1.0),
        ("Volunteers and organisations", 90, 1.5)])


def test_a_period_that_ends_before_it_starts_is_refused(client, auth):
    auth.login(UserFactory(role="street_officer", street_name="七星岗"))
    page = client.get("/contacts/hours?start=2026-05-01&end=2026-01-01&lang=en")
    assert page.status_code == 200
    assert "The period cannot end before it starts." in page.get_data(as_text=True)


def test_hours_pdf_lists_the_entries_and_their_total(client, auth):
    pairing = paired(by_volunteer=True)
    _log(pairing, 3, 30)
    _log(pairing, 2, 45, "heart_to_heart")
    _log(pairing, 1, 75, "money", amount_fen=5000)
    _log(paired(by_volunteer=True), 1, 600)  # someone else's hours
    auth.login(user_of(pairing))
    response = client.get("/my/hours.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(response.data)).pages)
    assert "Total: 2.5 hours (150 minutes, 3 entries)" in text
    assert (TODAY - timedelta(days=3)).isoformat() in text and "Heart-to-heart talk" in text
    assert pairing.volunteer.name in text
    assert pairing.person.name not in text  # handed to a school: it names nobody helped


def test_hours_pdf_in_chinese(client, auth):
    pairing = paired()
    _log(pairing, 2, 45, "heart_to_heart")
    auth.login(user_of(pairing))
    response = client.get("/my/hours.pdf?lang=zh_Hans_CN")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(BytesIO(response.data)).pages)
    assert "0.8" in text and "45" in text and "交心谈心" in text and "服务时长" in text
    # set in the two embedded fonts, each carrying its file
    fonts = {f.get_object()["/BaseFont"].split("+")[-1]: f.get_object()
             for page in pypdf.PdfReader(BytesIO(response.data)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert all("/FontFile2" in fonts[name]["/FontDescriptor"]
               for name in ("DroidSansFallback", "DejaVuSans"))


def test_hours_pdf_prints_a_name_typed_with_markup_characters_as_text(client, auth):
    pairing = paired(by_volunteer=True)
    pairing.volunteer.name = "李<小> & <b>社工"  # a name as typed on the public sign-up
    _log(pairing, 1, 30)
    auth.login(user_of(pairing))
    response = client.get("/my/hours.pdf?lang=en")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in pypdf.PdfReader(BytesIO(response.data)).pages)
    assert "李<小> & <b>社工" in text


def test_person_page_shows_the_history_with_festival_visits_and_a_helper_sees_their_own(
        client, auth):
    pairing = paired()
    volunteer = PairingFactory(person=pairing.person, by_volunteer=True,
                               volunteer__with_user=True)
    volunteer.accepted_at = pairing.accepted_at
    _log(pairing, 30, 30, "phone_call")
    _log(volunteer, 20, 40, "goods", goods="冬衣两件")
    campaign = factories.VisitCampaignFactory()
    task = next(t for t in campaign.tasks if t.pairing_id == pairing.id)
    visits.log_visit(task, TODAY - timedelta(days=1), "中秋慰问", [], TODAY)
    auth.login(UserFactory(role="street_officer", street_name="七星岗"))
    page = client.get(f"/registry/people/{pairing.person_id}?lang=en").get_data(as_text=True)
    assert page.count('id="contacts"') == 1  # in the page, not in its <title>
    assert "<section" not in page[page.index("<title>"):page.index("</title>")]
    section = page[page.index('id="contacts"'):]
    assert section.index("Festival visit") < section.index("Goods given: 冬衣两件") < \
        section.index("Phone call")
    assert pairing.cadre.name in section and volunteer.volunteer.name in section
    auth.logout()
    auth.login(UserFactory(role="fund_manager"))
    page = client.get(f"/registry/people/{pairing.person_id}?lang=en").get_data(as_text=True)
    assert 'id="contacts"' not in page
    auth.logout()
    auth.login(user_of(volunteer))
    page = client.get(f"/my/pairings/{volunteer.id}/contacts?lang=en").get_data(as_text=True)
    page = page[page.index("My contacts with this person"):]
    assert "冬衣两件" in page and "Phone call" not in page and "Festival visit" not in page


def test_a_form_sent_twice_is_saved_once(client, auth):
    """A double tap or a second tab sends the shown form's one-time key twice: one contact,
    one audit row, the hours counted once; a key of another pairing's form is refused."""
    pairing = paired()
    auth.login(user_of(pairing))
    page = client.get(f"/my/pairings/{pairing.id}/contacts").get_data(as_text=True)
    key = page.split('name="submission" type="hidden" value="')[1].split('"')[0]
    assert len(key) >= 16
    for _ in range(2):
        response = client.post(f"/my/pairings/{pairing.id}/contacts",
                               data=form(minutes="40", submission=key))
        assert response.status_code == 302
    assert [(r.minutes, r.submission) for r in contacts(pairing_id=pairing.id)] == [(40, key)]
    audited = db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "contact.log", AuditEntry.object_id == str(
            contacts(pairing_id=pairing.id)[0].id)))
    assert audited == 1
    fresh = client.get(f"/my/pairings/{pairing.id}/contacts").get_data(as_text=True)
    assert key not in fresh  # each showing of the form has its own key
    other = PairingFactory(street_name="七星岗", cadre=pairing.cadre)
    other.accepted_at = pairing.accepted_at
    db.session.flush()
    refused = client.post(f"/my/pairings/{other.id}/contacts",
                          data=form(submission=key) | {"lang": "en"})
    assert refused.status_code == 400
    assert contacts(pairing_id=other.id) == []


def test_the_same_key_arriving_meanwhile_returns_the_saved_contact(session, monkeypatch):
    """Two requests with one key at once: each looked before the other saved, so the second's
    insert meets the unique key; it returns the first's contact instead of failing."""
    pairing = paired()
    first = operations.log(pairing, "phone_call", TODAY, 10, "", TODAY, submission="k" * 22)
    looked = operations._sent_before
    calls = []

    def missed_the_first(*args):  # the look before the insert ran before the first commit
        calls.append(args)
        return None if len(calls) == 1 else looked(*args)

    monkeypatch.setattr(operations, "_sent_before", missed_the_first)
    again = operations.log(pairing, "phone_call", TODAY, 10, "", TODAY, submission="k" * 22)
    assert len(calls) == 2 and again.id == first.id
    assert len(contacts(pairing_id=pairing.id)) == 1
