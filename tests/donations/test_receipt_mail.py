"""Receipts that arrive: the e-mail with the PDF on a credited gift (once, however often the
event comes), the guest's signed link, the embedded font, the amount in capitals, the card as
people type it, and the development outbox page."""

import io
from datetime import date

import pypdf
import pytest
from sqlalchemy import select

from charity.jobs.models import Job
from charity.main.mail import outbox
from donations.receipts import capitals as cap
from donations.receipts import links
from donations.stripe import card_input
from tests.donations.test_online import HOOK, give


@pytest.mark.parametrize(("fen", "words"), [
    (1, "壹分"), (1000, "壹拾元整"), (10000, "壹佰元整"), (100100, "壹仟零壹元整"),
    (1000050, "壹万元伍角"), (10000000000, "壹亿元整"), (105, "壹元零伍分"),
    (100001000, "壹佰万零壹拾元整"), (123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    (10010000000, "壹亿零壹拾万元整"), (0, "零元整"), (1000000100, "壹仟万零壹元整"),
    (10000000100, "壹亿零壹元整"), (10000005, "壹拾万元零伍分"),
    (1234000056, "壹仟贰佰叁拾肆万元伍角陆分")])
def test_amounts_in_chinese_capitals(fen, words):
    assert cap.capitals(fen) == words


def test_capitals_refuse_a_negative_amount():
    with pytest.raises(ValueError):
        cap.capitals(-1)


@pytest.mark.parametrize(("typed", "digits"), [
    ("4242 4242 4242 4242", "4242424242424242"), ("4242-4242-4242-4242", "4242424242424242"),
    (" 4242424242424242 ", "4242424242424242")])
def test_card_number_as_typed(typed, digits):
    assert card_input.number(typed) == digits


@pytest.mark.parametrize(("typed", "code"), [
    ("", "incomplete_number"), ("4242 4242", "incomplete_number"),
    ("4242 4242 4242 4241", "incorrect_number"), ("4242 abcd 4242 4242", "invalid_number")])
def test_card_number_refused_with_stripes_code(typed, code):
    with pytest.raises(card_input.CardInputError) as refused:
        card_input.number(typed)
    assert refused.value.code == code


@pytest.mark.parametrize(("month", "year", "expected"), [
    ("12", "2030", (12, 2030)), ("12", "30", (12, 2030)), ("12", "202030", (12, 2030)),
    ("12/30", "20", (12, 2030)), ("12/2030", "", (12, 2030)), ("3", "2027", (3, 2027))])
def test_expiry_as_typed(month, year, expected):
    assert card_input.expiry(month, year, today=date(2026, 12, 5)) == expected


@pytest.mark.parametrize(("month", "year", "code"), [
    ("", "", "incomplete_expiry"), ("12", "20", "incomplete_expiry"),
    ("13", "30", "invalid_expiry_month"), ("11", "2026", "invalid_expiry_year"),
    ("12", "203", "invalid_expiry_year")])
def test_expiry_refused_with_stripes_code(month, year, code):
    with pytest.raises(card_input.CardInputError) as refused:
        card_input.expiry(month, year, today=date(2026, 12, 5))
    assert refused.value.code == code


def test_cvc():
    assert card_input.cvc(" 123 ") == "123"
    for typed, code in (("", "incomplete_cvc"), ("12", "invalid_cvc"), ("12a", "invalid_cvc")):
        with pytest.raises(card_input.CardInputError) as refused:
            card_input.cvc(typed)
        assert refused.value.code == code


def _credited(client, session, localstripe, capture, **extra):
    donation = give(client, localstripe, amount="100", **extra)
    body, header = capture.wait_for("payment_intent.succeeded", donation.payment_intent)
    headers = {"Stripe-Signature": header, "Content-Type": "application/json"}
    assert client.post(HOOK, data=body, headers=headers).get_json() == {"outcome": "credited"}
    session.refresh(donation)
    return donation, body, headers


def _text(pdf: bytes) -> tuple[str, bool]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    embedded = all(
        any(key in font.get_object()["/FontDescriptor"] for key in ("/FontFile2", "/FontFile3"))
        for font in fonts.values() if "/FontDescriptor" in font.get_object())
    return page.extract_text(), embedded and len(fonts) > 0


def test_credited_gift_mails_its_receipt_once(client, session, localstripe, capture):
    before = len(outbox())
    donation, body, headers = _credited(client, session, localstripe, capture,
                                        name="李华", email="lihua@example.com")
    sent = outbox()[before:]
    assert len(sent) == 1 and sent[0].to == ["lihua@example.com"]
    assert donation.receipt_mailed_at is not None
    (filename, pdf, mimetype), = sent[0].attachments
    assert filename == f"receipt-{donation.receipt_number}.pdf" and mimetype == "application/pdf"
    text, embedded = _text(pdf)
    assert embedded, "the receipt's font is embedded"
    assert "壹佰元整" in text and "100.00" in text and "李华" in text
    assert "/donations/receipts/" in sent[0].body
    # the same event again, and the job started again: still one e-mail
    assert client.post(HOOK, data=body, headers=headers).get_json() == {"outcome": "duplicate"}
    from charity.jobs import operations as jobs

    jobs.start("receipt_mail", f"receipt_mail:{donation.id}",
               params={"donation_id": donation.id, "base_url": "http://x/"})
    assert len(outbox()) == before + 1
    states = session.scalars(select(Job.state).where(Job.kind == "receipt_mail")).all()
    assert set(states) == {"succeeded"}


def test_gift_without_email_sends_nothing_and_receipt_says_anonymous(
        client, session, localstripe, capture):
    before = len(outbox())
    donation, _body, _headers = _credited(client, session, localstripe, capture)
    assert len(outbox()) == before and donation.receipt_mailed_at is None
    page = client.get(f"/donations/gifts/{donation.token}?lang=en").get_data(as_text=True)
    with client.application.test_request_context():
        link = links.url(donation)
    assert link in page.replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text, _embedded = _text(response.data)
    assert "匿名" in text and "donor" not in text


def test_receipt_link_tampered_or_expired_is_404(client, session, localstripe, capture,
                                                 monkeypatch):
    donation, _body, _headers = _credited(client, session, localstripe, capture)
    with client.application.test_request_context():
        link = links.url(donation)
    signed = link.rsplit("/", 1)[1].removesuffix(".pdf")
    assert client.get(link).status_code == 200
    tampered = signed[:-2] + ("AA" if not signed.endswith("AA") else "BB")
    assert client.get(f"/donations/receipts/{tampered}.pdf").status_code == 404
    assert client.get("/donations/receipts/nonsense.pdf").status_code == 404
    monkeypatch.setattr(links, "RECEIPT_LINK_DAYS", -1)
    assert client.get(link).status_code == 404


def test_pending_gift_has_no_receipt_link(client, session, localstripe):
    donation = give(client, localstripe, confirm=False)
    page = client.get(f"/donations/gifts/{donation.token}?lang=en").get_data(as_text=True)
    assert "/donations/receipts/" not in page
    with client.application.test_request_context():
        signed = links.make(donation)
    assert client.get(f"/donations/receipts/{signed}.pdf").status_code == 404


def test_outbox_page_lists_the_files_the_dev_backend_wrote(app, client, auth, tmp_path,
                                                         monkeypatch):
    from charity.main import mail
    from tests import factories

    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_PATH", str(tmp_path))
    with app.test_request_context():
        message = mail.compose("a@example.com", "Receipt", "receipt",
                               attachments=[("receipt-X.pdf", b"%PDF-1.4 x", "application/pdf")],
                               name="甲", receipt_number="X", amount_fen=100, link="L", days=1)
        raw = message.message().as_bytes()
    (tmp_path / "m.log").write_bytes(raw + b"\n" + b"-" * 79 + b"\n")
    auth.login(factories.user("admin"))
    page = client.get("/donations/portal/outbox?lang=en").get_data(as_text=True)
    assert "a@example.com" in page and "receipt-X.pdf" in page
    pdf = client.get("/donations/portal/outbox/m.log/0")
    assert pdf.status_code == 200 and pdf.data == b"%PDF-1.4 x"
    assert client.get("/donations/portal/outbox/..%2Fm.log/0").status_code == 404
    auth.logout()
    auth.login(factories.user("donor"))
    assert client.get("/donations/portal/outbox").status_code in (403, 404)


def test_a_fund_manager_sees_the_outbox_s_receipts_but_not_the_links_of_sign_ups(
        app, client, auth, tmp_path, monkeypatch):
    """The outbox holds volunteers' and donors' confirmation links: whoever reads one can
    confirm an address that is not theirs. Only an administrator sees them; a fund manager
    sees the receipts. Two messages in one file: each attachment link opens its own."""
    from charity.main import mail
    from tests import factories

    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_PATH", str(tmp_path))
    with app.test_request_context():
        receipts = [mail.compose(
            f"{n}@example.com", "Receipt", "receipt",
            attachments=[(f"receipt-{n}.pdf", f"%PDF-1.4 {n}".encode(), "application/pdf")],
            name="甲", receipt_number=n, amount_fen=100, link="L", days=1) for n in ("A", "B")]
        signup = mail.compose("helper@example.com", "Confirm", "signup_confirm", name="乙",
                              link="http://localhost/volunteers/confirm/SECRET-TOKEN", hours=48)
    dashes = b"\n" + b"-" * 79 + b"\n"
    (tmp_path / "two.log").write_bytes(b"".join(m.message().as_bytes() + dashes
                                                for m in receipts))
    (tmp_path / "s.log").write_bytes(signup.message().as_bytes() + dashes)
    auth.login(factories.user("fund_manager"))
    page = client.get("/donations/portal/outbox?lang=en").get_data(as_text=True)
    assert "receipt-A.pdf" in page and "receipt-B.pdf" in page
    assert "SECRET-TOKEN" not in page and "helper@example.com" not in page
    assert "Receipts only" in page
    assert 'href="/donations/portal/outbox/two.log/1"' in page
    assert client.get("/donations/portal/outbox/two.log/1").data == b"%PDF-1.4 B"
    assert client.get("/donations/portal/outbox/two.log/0").data == b"%PDF-1.4 A"
    auth.logout()
    auth.login(factories.user("admin"))
    page = client.get("/donations/portal/outbox?lang=en").get_data(as_text=True)
    assert "SECRET-TOKEN" in page and "Receipts only" not in page
