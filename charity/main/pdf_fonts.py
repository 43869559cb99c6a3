"""The fonts the platform's PDFs embed (ReportLab subsets them: only the glyphs used), so that
every viewer draws them as printed: a font only named (ReportLab's CID font STSong-Light) left
viewers without the reader's fonts drawing boxes, or dropping figures. Both are vendored in
`charity/main/fonts/` with their licences (from Debian's fonts-droid-fallback and
fonts-dejavu-core), so a fresh machine needs no font package: Droid Sans Fallback for Chinese,
DejaVu Sans for Latin letters, digits and ¥, which the Chinese one lacks. `RECEIPT_FONT` and
`RECEIPT_LATIN_FONT` may name other TrueType files."""

import os
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).parent / "fonts"
#: The embedded Chinese font's name in the PDFs, and its file.
CJK = "SongtanCJK"
FONT_FILE = FONTS / "DroidSansFallbackFull.ttf"
#: The font for Latin letters, digits and ¥, and its file.
LATIN = "SongtanLatin"
LATIN_FILE = FONTS / "DejaVuSans.ttf"


class FontMissing(RuntimeError):
    """The TrueType file `RECEIPT_FONT` names is not there (the vendored one is used without
    it)."""


@cache
def font_file() -> str:
    """The Chinese TrueType file the PDFs embed."""
    candidate = os.environ.get("RECEIPT_FONT") or str(FONT_FILE)
    if not Path(candidate).is_file():
        raise FontMissing(f"{FontMissing.__doc__} {candidate}")
    return candidate


def register() -> None:
    """Register both fonts with ReportLab, once per process."""
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(CJK, font_file()))
        pdfmetrics.registerFont(TTFont(LATIN, os.environ.get("RECEIPT_LATIN_FONT")
                                       or str(LATIN_FILE)))


@cache
def _latin_chars() -> frozenset[int]:
    """The code points the Latin font has glyphs for (digits, ¥, —, ≥, · among them)."""
    register()
    return frozenset(pdfmetrics.getFont(LATIN).face.charToGlyph)


def runs(text: str) -> list[tuple[str, str]]:
    """`text` cut into runs of one font each: the Latin font's where it has the glyph (the
    Chinese one has no digits, nor — or ≥), the Chinese font's otherwise."""
    latin = _latin_chars()
    found: list[tuple[str, str]] = []
    for char in text:
        font = LATIN if ord(char) in latin else CJK
        if found and found[-1][0] == font:
            found[-1] = (font, found[-1][1] + char)
        else:
            found.append((font, char))
    return found


def markup(text: str) -> str:
    """`text` as a ReportLab Paragraph's markup, each run in the font that has its glyphs (the
    text escaped: a name with '<' is printed, not read as a tag)."""
    return "".join(f'<font name="{font}">{escape(run)}</font>' for font, run in runs(text))
