"""Receipts in Chinese as PDF (ReportLab's built-in CID font STSong-Light: no font files):
one per gift with its serial number, and a donor's yearly statement."""

from io import BytesIO

from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from charity.timeutil import SHANGHAI
from donations.giving.designations import describe
from donations.giving.models import Donation

FONT = "STSong-Light"
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


def _canvas(buffer: BytesIO, title: str) -> Canvas:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    canvas = Canvas(buffer, pagesize=A4, invariant=current_app.testing)
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


def _lines(canvas: Canvas, top: float, rows: list[tuple[str, str]]) -> float:
    canvas.setFont(FONT, 12)
    for key, value in rows:
        canvas.drawString(25 * mm, top, key)
        canvas.drawString(65 * mm, top, value)
        top -= 9 * mm
    return top


def donor_shown(donation: Donation) -> str:
    """The name a receipt bears: the one given with the gift, else the account's, else 爱心人士."""
    return donation.donor_name or (donation.donor.name if donation.donor else "") or "爱心人士"


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
        ("已退款", _yuan(donation.refunded_fen)),
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
        canvas.drawRightString(185 * mm, top, _yuan(gift.amount_fen - gift.refunded_fen))
        top -= 7 * mm
    total = sum(g.amount_fen - g.refunded_fen for g in gifts)
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
