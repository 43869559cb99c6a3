"""Second review of issue 15 (plain language, to-do lists, the audit log in words and its
export, tables, receipts that arrive, the card form): what a hostile or careless user tried,
each hole found pinned by a test, and what held kept as a test too."""

import io
from datetime import UTC, date, datetime, timedelta

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.database import utcnow
from charity.extensions import db
from charity.jobs.models import Job
from donations.giving.models import Donation
from donations.receipts import capitals, links, pdf
from donations.stripe import card_input
from tests import factories
from tests.factories import PersonFactory, UserFactory
from tests.factories.donations import DonationFactory
from tests.jobs import exported, result_of


def _entry(action, user, object_type="relief_application", object_id="5", **detail):
    entry = AuditEntry(action=action, object_type=object_type, object_id=object_id,
                       user_id=user and user.id, detail=detail, at=utcnow())
    db.session.add(entry)
    return entry


def _rows(data: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


# --- the audit log's export ---------------------------------------------------------------

def test_an_auditor_cannot_download_an_admins_unredacted_audit_export(client, auth):
    """The administrator's export holds free text (a rejection's reason) that the auditor's
    page and own export withhold; the auditor follows every job, so the admin's export must
    not be theirs to download by its (guessable) job id."""
    _entry("relief.reject", UserFactory(role="approver"), reason="家庭收入超标，另有房产")
    db.session.flush()
    admin = UserFactory(role="admin")
    auth.login(admin)
    response = exported(client, "/audit/export")
    assert any("家庭收入超标" in (r[5] or "") for r in _rows(response.data))
    job = db.session.scalar(select(Job).where(Job.kind == "audit_export"))
    auth.logout()
    auth.login(UserFactory(role="auditor"))
    status = client.get(f"/jobs/{job.id}.json").get_json()
    assert status["result_url"] is None
    assert client.get(f"/jobs/{job.id}/download").status_code == 404
    # nor a role that sees beneficiaries but not the audit log
    for role in ("fund_manager", "approver", "street_officer"):
        auth.logout()
        auth.login(UserFactory(role=role))
        assert client.get(f"/jobs/{job.id}/download").status_code == 404, role


def test_an_admin_may_download_an_auditors_redacted_export(client, auth):
    """The other way round is no leak: the auditor's file withholds what the admin sees."""
    _entry("relief.reject", UserFactory(role="approver"), reason="理由甲")
    db.session.flush()
    auth.login(UserFactory(role="auditor"))
    url = result_of(client, client.post("/audit/export"))
    auth.logout()
    auth.login(UserFactory(role="admin"))
    response = client.get(url)
    assert response.status_code == 200
    assert not any("理由甲" in (r[5] or "") for r in _rows(response.data))


def test_the_audit_export_neutralises_formulas_typed_by_users(client, auth):
    """A user's e-mail and a detail typed by a user go into the file as text, never formulas."""
    typer = UserFactory(role="approver", email="=cmd@example.com")
    _entry("relief.reject", typer, reason="=HYPERLINK(\"http://x\",\"y\")",
           amount_fen=100)
    db.session.flush()
    auth.login(UserFactory(role="admin"))
    response = exported(client, "/audit/export")
    book = load_workbook(io.BytesIO(response.data))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    found = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert found and all(c.quotePrefix for c in found)


@pytest.mark.parametrize("args", [
    {"since": "0001-01-01"}, {"until": "9999-12-31"}, {"since": "not-a-day"},
    {"since": "2026-02-30"}, {"kind": "everything"}, {"person": "99999999999999999999"},
    {"page": "999999999999"}, {"user": "x" * 300}, {"action": "' OR 1=1 --"}])
def test_absurd_audit_filters_answer_400_or_an_empty_page_never_500(client, auth, args):
    auth.login(UserFactory(role="auditor"))
    response = client.get("/audit/", query_string=args)
    assert response.status_code in (200, 400), response.status_code
    assert client.post("/audit/export", query_string=args).status_code in (400, 302)


# --- the card form ------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "digits"), [
    ("４２４２ ４２４２ ４２４２ ４２４２", "4242424242424242"),  # a Chinese IME's full width
    ("٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢", "4242424242424242")])
def test_card_number_in_other_digits_is_read_as_ascii(typed, digits):
    assert card_input.number(typed) == digits


@pytest.mark.parametrize("typed", ["424242424242424²", "4242 4242 4242 424⑵", "4" * 100_000])
def test_card_number_with_digit_like_signs_is_refused_not_a_crash(typed):
    with pytest.raises(card_input.CardInputError):
        card_input.number(typed)


@pytest.mark.parametrize(("month", "year"), [("²", "30"), ("12", "²²"), ("12", "³⁰³⁰"),
                                             ("12", "9999"), ("1" * 5000, "30")])
def test_expiry_with_digit_like_signs_or_absurd_years_is_refused(month, year):
    with pytest.raises(card_input.CardInputError):
        card_input.expiry(month, year, today=date(2026, 12, 5))


def test_expiry_and_cvc_in_full_width_digits_are_read_as_ascii():
    assert card_input.expiry("１２", "３０", today=date(2026, 12, 5)) == (12, 2030)
    assert card_input.expiry("１２／３０", "", today=date(2026, 12, 5)) == (12, 2030)
    assert card_input.cvc("１２３") == "123"
    with pytest.raises(card_input.CardInputError):
        card_input.cvc("²²²")


# --- the amount in capitals ---------------------------------------------------------------

@pytest.mark.parametrize(("fen", "words"), [
    (1, "壹分"), (1000, "壹拾元整"), (10000101, "壹拾万零壹元零壹分"),
    (10_000_000_000, "壹亿元整"), (9_999_999_999, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    (10, "壹角")])
def test_capitals_at_the_edges(fen, words):
    assert capitals.capitals(fen) == words


# --- receipts -----------------------------------------------------------------------------

def _credited_gift(**fields) -> Donation:
    gift = DonationFactory(status="succeeded", given_at=datetime(2026, 3, 1, 4, tzinfo=UTC),
                           **fields)
    db.session.flush()
    if not gift.receipt_number:
        gift.receipt_number = f"ST2026{gift.id:08d}"
    db.session.flush()
    return gift


@pytest.mark.parametrize("name", [
    "名" * 100, "\u202eevil\u202c李华", "<b>李华</b>", "李华😀👨‍👩‍👧", "A\tB\r\nC",
    "\ufeff\u200b\u00ad", "𠀀𪚥"])
def test_receipt_pdf_of_hostile_donor_names_renders_as_text(client, name):
    gift = _credited_gift(donor_name=name)
    with client.application.test_request_context():
        link = links.url(gift)
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text()


def test_a_receipt_link_for_another_gift_or_a_refunded_one(client):
    mine, other = _credited_gift(), _credited_gift()
    with client.application.test_request_context():
        signed = links.make(mine)
    # the same signature cannot be moved to another gift
    forged = links._serializer().loads(signed)
    assert forged["d"] == mine.id
    head, _payload, rest = signed.partition(".")
    assert client.get(f"/donations/receipts/{signed}.pdf").status_code == 200
    with client.application.test_request_context():
        swapped = links._serializer().dumps({"d": other.id, "r": mine.receipt_number})
    assert client.get(f"/donations/receipts/{swapped}.pdf").status_code == 404
    # a gift refunded in full still has its receipt, which says so
    mine.status, mine.refunded_fen = "refunded", mine.amount_fen
    db.session.flush()
    text = pypdf.PdfReader(io.BytesIO(client.get(f"/donations/receipts/{signed}.pdf").data)
                           ).pages[0].extract_text()
    assert "已退款" in text
    # a gift that has not been credited: none
    mine.status = "pending"
    db.session.flush()
    assert client.get(f"/donations/receipts/{signed}.pdf").status_code == 404
    assert head and rest


def test_a_receipt_and_statement_say_what_a_card_dispute_took(client):
    """A gift whose cardholder won a dispute: its money left the fund, so its receipt says so
    and the yearly statement does not count it; an open dispute is said too."""
    gift = _credited_gift()
    with client.application.test_request_context():
        signed = links.make(gift)

    def receipt_text():
        data = client.get(f"/donations/receipts/{signed}.pdf").data
        return pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()

    assert "状态" not in receipt_text()
    gift.dispute_open = True
    db.session.flush()
    assert "持卡人提出争议" in receipt_text()
    gift.dispute_open, gift.status = False, "dispute_lost"
    db.session.flush()
    assert "款项已退回持卡人" in receipt_text()
    other = _credited_gift()
    statement = pdf.statement_pdf(UserFactory(role="donor"), 2026, [gift, other])
    text = pypdf.PdfReader(io.BytesIO(statement)).pages[0].extract_text()
    assert pdf._yuan(other.amount_fen) in text.split("合计")[1]
    assert pdf.kept_fen(gift) == 0 and pdf.kept_fen(other) == other.amount_fen


def test_receipt_number_with_a_line_break_is_refused_at_recording(client, auth):
    """Staff type the paper receipt's number; a line break (or a quote) in it would go into
    the receipt's download header and break every download of that receipt."""
    auth.login(UserFactory(role="fund_manager"))
    client.get("/lang/en")
    before = db.session.scalar(select(Donation.id).order_by(Donation.id.desc()).limit(1))
    response = client.post("/donations/staff/offline", data={
        "channel": "cash", "amount": "100",
        "receipt_number": "A1\r\nX-Evil: 1", "donor_name": "张三",
        "given_on": (date.today() - timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    assert "A receipt number is one line" in response.get_data(as_text=True)
    after = db.session.scalar(select(Donation.id).order_by(Donation.id.desc()).limit(1))
    assert after == before


@pytest.mark.parametrize("number", ['ST"1;\r\nX-Evil: 1', "收据第001号", "A/B\\C"])
def test_receipt_download_survives_an_odd_receipt_number_kept_before(client, auth, number):
    """A receipt number staff typed (Chinese, a quote, a slash, a line break kept before it
    was refused) never breaks the receipt's download."""
    gift = _credited_gift(receipt_number=number)
    auth.login(UserFactory(role="fund_manager"))
    response = client.get(f"/donations/portal/receipts/{gift.id}.pdf")
    assert response.status_code == 200
    assert "X-Evil" not in response.headers
    disposition = response.headers["Content-Disposition"]
    assert "\n" not in disposition and disposition.isascii()  # a WSGI server sends latin-1
    assert disposition.count('"') in (0, 2)
    with client.application.test_request_context():
        link = links.url(gift)
    response = client.get(link)
    assert response.status_code == 200 and "X-Evil" not in response.headers


def test_receipt_pdf_module_is_the_one_the_link_serves(client):
    gift = _credited_gift(donor_name="王五")
    assert pdf.donor_shown(gift) == "王五"


@pytest.mark.parametrize("name", ["重庆市渝中区" + "某" * 16 + "有限责任公司工会委员会全体职工",
                                  "W" * 100, "a" * 40 + " " + "b" * 40])
def test_a_long_donor_name_is_printed_whole_within_the_page(app, session, monkeypatch, name):
    """An organisation's name (up to 100 characters on the form) is printed whole, on as many
    lines as it needs, never cut off at the page's edge."""
    drawn = []
    original = pdf.ReceiptCanvas.drawString

    def spy(canvas, x, y, text, *args, **kwargs):
        drawn.append((x, canvas._width(text), text))
        return original(canvas, x, y, text, *args, **kwargs)

    monkeypatch.setattr(pdf.ReceiptCanvas, "drawString", spy)
    gift = _credited_gift(donor_name=name)
    with app.test_request_context():
        pdf.receipt_pdf(gift)
    right = pdf.A4[0] - 15 * pdf.mm
    assert all(x + width <= right for x, width, _text in drawn), \
        [(x + w, t) for x, w, t in drawn if x + w > right]
    assert name.replace(" ", "") in "".join(t for _x, _w, t in drawn).replace(" ", "")


# --- tables, cards, the picker: markup typed into names ------------------------------------

EVIL = "<script>alert(1)</script>"


def test_markup_in_names_and_details_is_shown_as_text_everywhere(client, auth):
    """A person named with markup, an audit detail holding markup: every page writes them as
    text (the table-to-cards relabelling included), and the picker's JSON carries them as
    data its script sets as text."""
    person = PersonFactory(name=EVIL)
    _entry("relief.reject", None, reason=EVIL + '"><img src=x onerror=alert(2)>')
    _entry("person.view_id", None, object_type="person", object_id=str(person.id), note=EVIL)
    db.session.flush()
    auth.login(UserFactory(role="admin"))
    for path in ("/", "/audit/", f"/audit/?person={person.id}", "/registry/people",
                 f"/registry/people?q={EVIL}", f"/registry/people/{person.id}",
                 "/casework/gaps?measure=pairing", "/pairing/"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "<script>alert" not in page and "<img src=x" not in page, path
    found = client.get("/registry/people/search", query_string={"q": EVIL}).get_json()
    assert any(r["name"] == EVIL for r in found["results"])


# --- the registry's export ------------------------------------------------------------------

def test_the_roster_export_honours_the_filters_and_stays_in_the_officers_street(client, auth):
    mine = PersonFactory(category="tekun")
    PersonFactory(category="dibao")
    theirs = PersonFactory(category="tekun", street_name="解放碑")
    auth.login(UserFactory(role="street_officer"))
    other = theirs.household.street_id
    rows = _rows(exported(client, "/registry/export?category=tekun").data)
    names = {r[i] for r in rows[1:] for i in range(len(r)) if isinstance(r[i], str)}
    assert mine.name in names and theirs.name not in names
    assert len([r for r in rows[1:] if any(r)]) == 1
    # another street asked for by hand, or an unknown category: refused, nothing exported
    jobs_before = db.session.query(Job).count()
    for query in (f"street={other}&category=tekun", "category=nonsense"):
        assert client.post(f"/registry/export?{query}").status_code == 400
    assert db.session.query(Job).count() == jobs_before


# --- the receipt e-mail ---------------------------------------------------------------------

PHISH = "张三\r\n\r\n您的捐赠需重新验证，请登录 http://evil.example/ 否则将被退回。\r\n\u202e"


def test_a_donor_name_with_line_breaks_is_kept_as_one_line(client, monkeypatch):
    """The name on the give form goes into the receipt e-mail sent to the address typed: line
    breaks in it would let anyone write paragraphs of their own into a genuine e-mail from the
    charity to someone else's address (and a bidi override reorder it)."""
    from donations.stripe import gateway

    monkeypatch.setattr(gateway, "create_payment_intent", lambda *a, **k: {
        "id": "pi_attack15", "client_secret": "pi_attack15_secret",
        "status": "requires_payment_method"})
    response = client.post("/donations/give", data={
        "amount": "100", "designation": "measure:4", "name": PHISH,
        "email": "victim@example.com"})
    assert response.status_code == 200, response.get_data(as_text=True)
    donation = db.session.scalar(select(Donation).where(Donation.payment_intent == "pi_attack15"))
    assert "\n" not in donation.donor_name and "\r" not in donation.donor_name
    assert "\u202e" not in donation.donor_name and donation.donor_name.startswith("张三 ")


def test_a_name_kept_with_line_breaks_before_is_one_line_in_the_mail(client):
    from donations.receipts import mailing

    gift = _credited_gift(donor_name=PHISH, donor_email="victim@example.com")
    with client.application.test_request_context():
        message = mailing.compose_for(gift, "http://localhost/")
    greeting = next(line for line in message.body.splitlines() if "张三" in line)
    assert "evil.example" in greeting and "\u202e" not in message.body


# --- the public disclosure ------------------------------------------------------------------

def test_the_public_disclosure_keeps_each_years_figures_until_the_ledger_changes(
        client, monkeypatch):
    """Anyone may ask for the disclosure of any year: asking for two years in turn must not
    make every request sum the figures again (one kept report, thrown away by the other
    year, was what the head hash's cache held)."""
    from charity.fund import disclosure

    client.application.extensions.pop(disclosure._EXTENSION, None)
    calls = []
    aggregate = disclosure._aggregate
    monkeypatch.setattr(disclosure, "_aggregate",
                        lambda year, head, stored: calls.append(year) or aggregate(year, head,
                                                                                  stored))
    for year in (2025, 2026, None, 2025, 2026, None, 2025):
        assert client.get("/fund/disclosure", query_string={"year": year or ""}
                          ).status_code == 200
    assert sorted(calls, key=str) == sorted([2025, 2026, None], key=str)


# --- the to-do lists --------------------------------------------------------------------------

def test_the_donors_receipt_count_is_the_receipts_the_portal_offers(client, auth):
    """A gift refunded in part (or under dispute) still has its receipt on the portal: the
    home page's count of receipts says so too."""
    import re

    donor = UserFactory(role="donor")
    for status in ("succeeded", "partially_refunded", "pending"):
        gift = DonationFactory(donor_id=donor.id, status=status)
        db.session.flush()
        if status != "pending":
            gift.receipt_number = f"ST2026{gift.id:08d}"
    db.session.flush()
    auth.login(donor)
    client.get("/lang/en")
    home = client.get("/").get_data(as_text=True)
    counts = {label: int(count) for count, label in re.findall(
        r'data-count="(\d+)">\d+</span> <a href="[^"]*">([^<]+)</a>', home)}
    portal = client.get("/donations/portal").get_data(as_text=True)
    assert counts["Your gifts"] == 3
    assert counts["Receipts you can download"] == portal.count("/donations/portal/receipts/") == 2


def test_another_streets_officer_cannot_follow_or_download_an_export(client, auth):
    PersonFactory()
    auth.login(UserFactory(role="street_officer"))
    url = result_of(client, client.post("/registry/export"))
    job_id = url.split("/")[-2]
    auth.logout()
    auth.login(UserFactory(role="street_officer", street_name="解放碑"))
    assert client.get(url).status_code == 404
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert client.get(f"/jobs/{job_id}.json").status_code == 404


# --- the audit log's person filter ------------------------------------------------------------

def test_the_person_filter_finds_the_lists_and_exports_that_named_the_person(client, auth):
    """A list picked by a health detail and a roster export with full ID numbers each keep one
    entry naming everyone in them "so each of them is found in the log": the auditor asking
    what happened to one person must find those entries too, not only the person's own."""
    person, other = PersonFactory(), PersonFactory()
    _entry("person.view_health", None, object_type="person_list", object_id=None,
           page="registry.people", picked_by="seriously_ill",
           person_ids=[other.id, person.id])
    _entry("roster.export", None, object_type="street", object_id="1", rows=2,
           full_ids=True, person_ids=[person.id + 1000, person.id])
    _entry("roster.export", None, object_type="street", object_id="1", rows=1,
           full_ids=True, person_ids=[other.id])
    _entry("person.view_id", None, object_type="person", object_id=str(person.id))
    db.session.flush()
    auth.login(UserFactory(role="auditor"))
    client.get("/lang/en")
    page = client.get("/audit/", query_string={"person": person.id}).get_data(as_text=True)
    assert "Entries found: 3" in page
    page = client.get("/audit/", query_string={"person": other.id}).get_data(as_text=True)
    assert "Entries found: 2" in page


# --- the development outbox -------------------------------------------------------------------

def _one_mail_in(folder) -> None:
    from charity.main import mail

    message = mail.compose("donor@example.com", "Receipt", "receipt",
                           attachments=[("receipt-X.pdf", b"%PDF-1.4 x", "application/pdf")],
                           name="甲", receipt_number="X", amount_fen=100, link="L", days=1)
    (folder / "m.log").write_bytes(message.message().as_bytes() + b"\n" + b"-" * 79 + b"\n")


@pytest.mark.parametrize("role", ["auditor", "approver", "street_officer", "donor", "cadre"])
def test_the_outbox_is_not_for_other_roles(app, client, auth, tmp_path, monkeypatch, role):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_PATH", str(tmp_path))
    with app.test_request_context():
        _one_mail_in(tmp_path)
    auth.login(UserFactory(role=role))
    for path in ("/donations/portal/outbox", "/donations/portal/outbox/m.log/0"):
        response = client.get(path)
        assert response.status_code in (403, 404), (role, path)
        assert b"donor@example.com" not in response.data


def test_in_production_the_outbox_shows_no_mail_even_if_files_lie_there(
        app, client, auth, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_FILE_PATH", str(tmp_path))
    with app.test_request_context():
        _one_mail_in(tmp_path)
    auth.login(UserFactory(role="admin"))
    page = client.get("/donations/portal/outbox")
    assert b"donor@example.com" not in page.data
    assert client.get("/donations/portal/outbox/m.log/0").status_code == 404


# --- plain language -------------------------------------------------------------------------

def test_a_list_of_gifts_is_not_headed_by_a_count(client, auth):
    """The issue's own example: "捐赠笔数" (number of gifts) headed a list of gifts; it still
    did on the donor's portal and in the staff menu, as one msgid served a count and a list."""
    from tests.factories.donations import FundraisingCampaignFactory

    donor = UserFactory(role="donor")
    auth.login(donor)
    client.get("/lang/zh_Hans_CN")
    portal = client.get("/donations/portal").get_data(as_text=True)
    assert "<h2>捐赠笔数</h2>" not in portal and "<h2>捐赠记录</h2>" in portal
    auth.logout()
    auth.login(UserFactory(role="fund_manager"))
    home = client.get("/").get_data(as_text=True)
    assert ">捐赠笔数</a>" not in home and ">捐赠记录</a>" in home
    campaign = FundraisingCampaignFactory()
    db.session.flush()
    page = client.get(f"/donations/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "<dt>捐赠笔数</dt>" in page


# --- the audit log's export button ------------------------------------------------------------

@pytest.mark.parametrize("args", [
    {"_external": "1", "_scheme": "javascript", "_anchor": "\nalert(document.cookie)"},
    {"endpoint": "x"}, {"_method": "GET", "values": "1"}])
def test_the_export_button_carries_only_the_filter(client, auth, args):
    """The page's export form repeated the whole query string into `url_for`: `_scheme` and
    `_external` made its action a javascript: URL, `endpoint` a 500."""
    auth.login(UserFactory(role="auditor"))
    response = client.get("/audit/", query_string={"action": "person.view_id", **args})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    before_button = page.split("(.xlsx)", 1)[0]
    action = before_button.rsplit('<form method="post" action="', 1)[1].split('"', 1)[0]
    assert action.startswith("/audit/export?") and "action=person.view_id" in action
    assert "javascript" not in action and "_scheme" not in action and "endpoint" not in action


# --- filters with values that are none of their choices ---------------------------------------

@pytest.mark.parametrize(("path", "args"), [
    ("/registry/people", {"status": "nonsense"}),
    ("/registry/people", {"category": "<b>x</b>"}),
    ("/registry/people", {"flag": "vip"}),
    ("/casework/gaps", {"measure": "measure_99"}),
])
def test_a_filter_value_that_is_no_choice_is_told_and_lists_nothing(client, auth, path, args):
    """A hand-made link (or one kept from an old page) says which filter is wrong, in the
    user's language, and lists nothing rather than a list without that filter."""
    PersonFactory(household__street_name="七星岗")
    db.session.commit()
    auth.login(UserFactory(role="street_officer", street_name="七星岗"))
    refused = client.get(path, query_string=args)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "不在可选项中，请从列表中选择" in page
    assert "<b>x</b>" not in page
    client.get("/lang/en")
    english = client.get(path, query_string=args).get_data(as_text=True)
    assert "is not one of the choices. Choose from the list." in english


def test_another_streets_filter_is_told_and_its_export_refused(client, auth):
    other = factories.street("解放碑")
    auth.login(UserFactory(role="street_officer", street_name="七星岗"))
    listed = client.get("/registry/people", query_string={"street": other.id})
    assert listed.status_code == 400 and "不在可选项中" in listed.get_data(as_text=True)
    told = listed.get_data(as_text=True).split("链接中选择的一项", 1)  # no raw id echoed
    assert len(told) == 2 and f"“{other.id}”" not in listed.get_data(as_text=True)
    before = db.session.query(Job).count()
    exported_ = client.post("/registry/export", query_string={"street": other.id,
                                                             "status": "nonsense"})
    assert exported_.status_code == 400 and db.session.query(Job).count() == before
    assert client.get("/casework/gaps", query_string={"street": other.id}).status_code == 400
