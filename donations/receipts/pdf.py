"""Receipts in Chinese as PDF: one per gift with its serial number, and a donor's yearly
statement, in the fonts `charity.main.pdf_fonts` embeds."""

from io import BytesIO
from urllib.parse import quote

from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from charity.main import pdf_fonts
from charity.timeutil import SHANGHAI
from donations.giving.designations import describe
from donations.giving.models import Donation
from donations.receipts.capitals import capitals

FONT, LATIN = pdf_fonts.CJK, pdf_fonts.LATIN
#: The receipt's name for a gift given without a name.
ANONYMOUS = "匿名"
CHARITY = {
    "name": "重庆市渝中区慈善会",
    "fund": "城市解困专项慈善救助资金",
    "address": "重庆市渝中区",
    "note": "本收据为公益性捐赠票据的凭证，可凭此向慈善会申领捐赠票据。",
}
CHANNELS = {"online": "网上捐赠", "cash": "现金", "bank_transfer": "银行转账",
            "payroll": "工资代扣"}


def _yuan(fen: int) -> str:
    return f"¥{fen // 100:,}.{fen % 100:02d}"


_runs = pdf_fonts.runs


class ReceiptCanvas(Canvas):
    """A canvas that sets each run of text in the embedded font that has its glyphs."""

    def _width(self, text: str) -> float:
        return sum(pdfmetrics.stringWidth(run, font, self._fontsize) for font, run in _runs(text))

    def drawString(self, x, y, text, *args, **kwargs):  # noqa: N802 (ReportLab's name)
        """Draw `text` from (x, y), run by run."""
        size = self._fontsize
        for font, run in _runs(text):
            self.setFont(font, size)
            super().drawString(x, y, run)
            x += pdfmetrics.stringWidth(run, font, size)
        self.setFont(FONT, size)

    def drawCentredString(self, x, y, text, *args, **kwargs):  # noqa: N802
        """Draw `text` centred on x."""
        self.drawString(x - self._width(text) / 2, y, text)

    def drawRightString(self, x, y, text, *args, **kwargs):  # noqa: N802
        """Draw `text` ending at x."""
        self.drawString(x - self._width(text), y, text)


def _canvas(buffer: BytesIO, title: str) -> Canvas:
    pdf_fonts.register()
    canvas = ReceiptCanvas(buffer, pagesize=A4, invariant=current_app.testing)
    canvas.setTitle(title)
    canvas.setAuthor(CHARITY["name"])
    return canvas


def _header(canvas: Canvas, title: str) -> float:
    width, height = A4
    canvas.setFont(FONT, 18)
    canvas.drawCentredString(width / 2, height - 30 * mm, title)
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(width / 2, height - 38 * mm,
                             f"{CHARITY['name']} · {CHARITY['fund']} · {CHARITY['address']}")
    return height - 52 * mm


#: Where a value's text starts and the furthest it may reach (the page's right margin).
VALUE_LEFT, RIGHT_EDGE = 65 * mm, A4[0] - 15 * mm


def wrapped(canvas: ReceiptCanvas, text: str, width: float) -> list[str]:
    """`text` cut into lines no wider than `width` in the canvas's size (a long name of an
    organisation, printed whole rather than run off the page); a line breaks at a space when
    it can, else between any two characters (Chinese has no spaces)."""
    lines, line = [], ""
    for char in text:
        while line and canvas._width(line + char) > width:
            head, space, tail = line.rpartition(" ")
            lines.append(head if space and head else line)
            line = tail if space and head else ""
        if line or char != " ":  # a line does not start with the space it broke at
            line += char
    return [*lines, line]


def _lines(canvas: ReceiptCanvas, top: float, rows: list[tuple[str, str]]) -> float:
    canvas.setFont(FONT, 12)
    for key, value in rows:
        canvas.drawString(25 * mm, top, key)
        for number, line in enumerate(wrapped(canvas, value, RIGHT_EDGE - VALUE_LEFT)):
            top -= 6 * mm if number else 0
            canvas.drawString(VALUE_LEFT, top, line)
        top -= 9 * mm
    return top


def served(content: bytes, name: str) -> tuple[bytes, int, dict[str, str]]:
    """A PDF as a response, shown in the browser under the file name `name`, whatever staff
    typed into it (a receipt number in Chinese, with a quote or a line break): an ASCII name
    for old browsers and the whole name encoded (RFC 6266), as a header holds only latin-1 and
    one line."""
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                    for c in name)
    return content, 200, {"Content-Type": "application/pdf", "Content-Disposition":
                          f"inline; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"}


def receipt_name(donation: Donation) -> str:
    """The file name of a gift's receipt."""
    return f"receipt-{donation.receipt_number}.pdf"


#: Unicode's bidirectional controls (embeddings, overrides, isolates, marks): a name holding
#: one would reorder the text after it, in an e-mail or on a receipt.
BIDI_CONTROLS = dict.fromkeys([0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F),
                               *range(0x2066, 0x206A)])


def one_line(name: str) -> str:
    """A name as one line of plain text: line breaks, tabs and runs of spaces made one space,
    bidirectional controls dropped. A donor's name goes into the receipt e-mail sent to the
    address they typed, which need not be theirs: it must stay a name, not become paragraphs
    of someone's own text in a genuine e-mail from the charity."""
    return " ".join((name or "").translate(BIDI_CONTROLS).split())


def donor_shown(donation: Donation) -> str:
    """The name a receipt bears: the one given with the gift, else the account's, else 匿名."""
    return one_line(donation.donor_name or (donation.donor.name if donation.donor else "")) \
        or ANONYMOUS


#: What a receipt says of a gift under a card dispute, or whose dispute the cardholder won.
DISPUTE_NOTES = {"open": "持卡人提出争议，处理中", "lost": "持卡人争议成立，款项已退回持卡人"}


def dispute_state(donation: Donation) -> str | None:
    """"lost" when the cardholder won the gift's dispute (its money left the fund), "open"
    while one is open, None otherwise."""
    if donation.status == "dispute_lost":
        return "lost"
    return "open" if donation.dispute_open else None


def kept_fen(donation: Donation) -> int:
    """What of a gift the fund keeps: its amount less refunds, nothing after a lost dispute."""
    return 0 if donation.status == "dispute_lost" else donation.amount_fen - donation.refunded_fen


def receipt_pdf(donation: Donation) -> bytes:
    """The receipt of one received gift."""
    buffer = BytesIO()
    canvas = _canvas(buffer, f"捐赠收据 {donation.receipt_number}")
    top = _header(canvas, "捐赠收据")
    given = donation.given_at.astimezone(SHANGHAI)
    top = _lines(canvas, top, [
        ("收据编号", donation.receipt_number or ""),
        ("捐赠人", donor_shown(donation)),
        ("捐赠金额", _yuan(donation.amount_fen)),
        ("金额大写", capitals(donation.amount_fen)),
        *([("已退款", _yuan(donation.refunded_fen))] if donation.refunded_fen else []),
        *([("状态", DISPUTE_NOTES[dispute])] if (dispute := dispute_state(donation)) else []),
        ("捐赠方式", CHANNELS[donation.channel]),
        ("捐赠用途", _chinese(describe, donation.designation)),
        ("捐赠日期", f"{given:%Y年%m月%d日}"),
    ])
    canvas.setFont(FONT, 9)
    canvas.drawString(25 * mm, top - 6 * mm, CHARITY["note"])
    canvas.drawString(25 * mm, top - 14 * mm, f"{CHARITY['name']}（盖章）")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def statement_pdf(donor, year: int, gifts: list[Donation]) -> bytes:
    """A donor's yearly statement: every received gift of the year and the total."""
    buffer = BytesIO()
    canvas = _canvas(buffer, f"{year}年度捐赠汇总")
    top = _header(canvas, f"{year}年度捐赠汇总")
    top = _lines(canvas, top, [("捐赠人", donor.name or donor.email)])
    canvas.setFont(FONT, 10)
    for gift in gifts:
        if top < 30 * mm:
            canvas.showPage()
            canvas.setFont(FONT, 10)
            top = A4[1] - 25 * mm
        given = gift.given_at.astimezone(SHANGHAI)
        canvas.drawString(25 * mm, top, f"{given:%Y-%m-%d}")
        canvas.drawString(55 * mm, top, gift.receipt_number or "")
        canvas.drawString(100 * mm, top, _chinese(describe, gift.designation)[:18])
        canvas.drawRightString(185 * mm, top, _yuan(kept_fen(gift)))
        top -= 7 * mm
    total = sum(kept_fen(g) for g in gifts)
    canvas.setFont(FONT, 12)
    canvas.drawString(25 * mm, top - 6 * mm, f"合计 {len(gifts)} 笔，{_yuan(total)}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _chinese(function, *args) -> str:
    """A label rendered in Chinese whatever the viewer's language (receipts are Chinese)."""
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        return str(function(*args))
