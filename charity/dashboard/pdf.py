"""The dashboard as a one-page PDF for a meeting (ReportLab, offline), in the fonts
`charity.main.pdf_fonts` embeds: every cell a Paragraph whose runs are each in the font that
has their glyphs."""

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from charity.main.pdf_fonts import CJK, markup, register

RED = colors.HexColor("#b3261e")
CELL = ParagraphStyle("cell", fontName=CJK, fontSize=7.5, leading=9)
NUMBER = ParagraphStyle("number", parent=CELL, alignment=2)  # right-aligned
MISSED = ParagraphStyle("missed", parent=NUMBER, textColor=RED)


def _cell(indicator, value) -> str:
    return "—" if value is None else f"{value:g}{indicator.unit}"


def render(title: str, subtitle: str, indicators, street_header: str, line_header: str) -> bytes:
    """A landscape A4 page: one row per target, one column per street, misses in red."""
    register()
    streets = list(indicators[0].values) if indicators else []
    rows = [[Paragraph(markup(str(text)), CELL) for text in (street_header, line_header,
                                                              *streets)]]
    style = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for indicator in indicators:
        sign = "≥" if indicator.at_least else "≤"
        rows.append([Paragraph(markup(str(indicator.title)), CELL),
                     Paragraph(markup(f"{sign}{indicator.target:g}{indicator.unit}"), NUMBER),
                     *(Paragraph(markup(_cell(indicator, value)),
                                 MISSED if indicator.meets(value) is False else NUMBER)
                       for value in indicator.values.values())])
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm,
                                 rightMargin=10 * mm, topMargin=10 * mm, bottomMargin=10 * mm,
                                 title=title, initialFontName=CJK)
    heading = ParagraphStyle("h", fontName=CJK, fontSize=14, leading=18)
    small = ParagraphStyle("s", fontName=CJK, fontSize=8, leading=10)
    table = Table(rows, colWidths=[55 * mm, 16 * mm] + [(277 - 71) / max(1, len(streets)) * mm]
                  * len(streets), repeatRows=1)
    table.setStyle(TableStyle(style))
    document.build([Paragraph(markup(str(title)), heading), Paragraph(markup(str(subtitle)), small),
                    Spacer(1, 4 * mm), table])
    return buffer.getvalue()
