"""The dashboard as a one-page PDF for a meeting (ReportLab, offline, with a CJK font)."""

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

#: A CJK font ReportLab ships as metrics; PDF readers supply the glyphs.
FONT = "STSong-Light"
RED = colors.HexColor("#b3261e")


def _cell(indicator, value) -> str:
    return "—" if value is None else f"{value:g}{indicator.unit}"


def render(title: str, subtitle: str, indicators, street_header: str, line_header: str) -> bytes:
    """A landscape A4 page: one row per target, one column per street, misses in red."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    streets = list(indicators[0].values) if indicators else []
    header = [street_header, line_header, *streets]
    rows = [header]
    style = [("FONT", (0, 0), (-1, -1), FONT, 7.5), ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
             ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for r, indicator in enumerate(indicators, start=1):
        sign = "≥" if indicator.at_least else "≤"
        rows.append([Paragraph(str(indicator.title), ParagraphStyle("t", fontName=FONT,
                                                                    fontSize=7.5)),
                     f"{sign}{indicator.target:g}{indicator.unit}",
                     *(_cell(indicator, v) for v in indicator.values.values())])
        for c, value in enumerate(indicator.values.values(), start=2):
            if indicator.meets(value) is False:
                style.append(("TEXTCOLOR", (c, r), (c, r), RED))
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm,
                                 rightMargin=10 * mm, topMargin=10 * mm, bottomMargin=10 * mm,
                                 title=title)
    heading = ParagraphStyle("h", fontName=FONT, fontSize=14, leading=18)
    small = ParagraphStyle("s", fontName=FONT, fontSize=8, leading=10)
    table = Table(rows, colWidths=[55 * mm, 16 * mm] + [(277 - 71) / max(1, len(streets)) * mm]
                  * len(streets), repeatRows=1)
    table.setStyle(TableStyle(style))
    document.build([Paragraph(title, heading), Paragraph(subtitle, small), Spacer(1, 4 * mm),
                    table])
    return buffer.getvalue()
