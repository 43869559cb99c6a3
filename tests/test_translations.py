"""Every message in the code and templates has a Chinese translation (Chinese is the default)."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "charity" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
METHODS = [("charity/**.py", "python"), ("donations/**.py", "python"),
           ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]


def extracted() -> set[str]:
    keywords = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_is_translated_into_chinese():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    messages = extracted()
    assert len(messages) > 500, "the extraction found too little: is the method map right?"
    missing = sorted(m for m in messages
                     if m and (catalog.get(m) is None or not catalog.get(m).string
                               or catalog.get(m).fuzzy))
    assert missing == [], f"{len(missing)} messages without Chinese: {missing[:20]}"
