"""A helper's record of service hours as a PDF to hand to a school or an employer (ReportLab,
offline, with the CJK font the dashboard and the receipts use)."""

from collections.abc import Sequence
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

#: A CJK font ReportLab ships as metrics; PDF readers supply the glyphs.
FONT = "STSong-Light"


def render(title: str, lines: Sequence[str], header: Sequence[str],
           rows: Sequence[Sequence[str]], total: str) -> bytes:
    """A4 pages: the title, the lines that say whose record it is and of which period, a
    table of the entries (the header repeated on each page) and the total."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=18 * mm, bottomMargin=18 * mm, title=title)
    heading = ParagraphStyle("h", fontName=FONT, fontSize=16, leading=22)
    text = ParagraphStyle("t", fontName=FONT, fontSize=10, leading=14)
    table = Table([list(header), *[list(row) for row in rows]], repeatRows=1,
                  colWidths=[30 * mm, 40 * mm, 62 * mm, 42 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 9), ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("ALIGN", (-1, 1), (-1, -1), "RIGHT")]))
    # A paragraph reads markup: a name typed with "<" or "&" is text, not a tag.
    story = [Paragraph(escape(title), heading),
             *[Paragraph(escape(line), text) for line in lines],
             Spacer(1, 4 * mm), table, Spacer(1, 4 * mm), Paragraph(escape(total), heading)]
    document.build(story)
    return buffer.getvalue()
