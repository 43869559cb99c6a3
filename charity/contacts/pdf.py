"""A helper's record of service hours as a PDF to hand to a school or an employer (ReportLab,
offline), in the fonts `charity.main.pdf_fonts` embeds, as the dashboard and the receipts."""

from collections.abc import Sequence
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from charity.main.pdf_fonts import CJK, markup, register

CELL = ParagraphStyle("cell", fontName=CJK, fontSize=9, leading=11)
NUMBER = ParagraphStyle("number", parent=CELL, alignment=2)  # right-aligned


def render(title: str, lines: Sequence[str], header: Sequence[str],
           rows: Sequence[Sequence[str]], total: str) -> bytes:
    """A4 pages: the title, the lines that say whose record it is and of which period, a
    table of the entries (the header repeated on each page) and the total."""
    register()
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=18 * mm, bottomMargin=18 * mm, title=title,
                                 initialFontName=CJK)
    heading = ParagraphStyle("h", fontName=CJK, fontSize=16, leading=22)
    text = ParagraphStyle("t", fontName=CJK, fontSize=10, leading=14)
    cells = [[Paragraph(markup(str(value)), NUMBER if i == len(row) - 1 and r else CELL)
              for i, value in enumerate(row)]
             for r, row in enumerate([list(header), *[list(row) for row in rows]])]
    table = Table(cells, repeatRows=1, colWidths=[30 * mm, 40 * mm, 62 * mm, 42 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    # `markup` escapes: a name typed with "<" or "&" is text, not a tag.
    story = [Paragraph(markup(title), heading),
             *[Paragraph(markup(line), text) for line in lines],
             Spacer(1, 4 * mm), table, Spacer(1, 4 * mm), Paragraph(markup(total), heading)]
    document.build(story)
    return buffer.getvalue()
