"""Chinese messages use Chinese punctuation: no ASCII , : ; ( ) next to a Chinese character
(one space between counts as next to it) in a msgstr of our catalogue. Format placeholders
(``%(name)s``) are not text."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = (Path(__file__).resolve().parent.parent / "charity" / "translations" / "zh_Hans_CN"
           / "LC_MESSAGES" / "messages.po")
CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]"
ASCII_NEXT_TO_CJK = re.compile(rf"{CJK} ?[,:;()]|[,:;()] ?{CJK}")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
#: Text that must keep its ASCII punctuation, with the reason.
ALLOWED = {
    "月收入(元)": "the roster workbook's column name, spelled as the import reads it "
                 "(charity/registry/roster.py)",
}


def offences(text: str) -> list[str]:
    """The ASCII punctuation next to Chinese characters in one message."""
    for allowed in ALLOWED:
        text = text.replace(allowed, " ")
    return ASCII_NEXT_TO_CJK.findall(PLACEHOLDER.sub(" ", text))


def test_the_check_finds_ascii_punctuation_next_to_chinese():
    """The check can fail: each ASCII mark next to a Chinese character is found."""
    assert offences("锁定结对无效: %(kind)s") == ["效:"]
    assert len(offences("月收入(元)，其他(备注); 好")) == 3
    assert offences("%(street)s：覆盖率 %(coverage)s (%(n)s)") == []


def test_chinese_messages_use_chinese_punctuation():
    """No msgstr of the Chinese catalogue has ASCII , : ; ( ) next to a Chinese character."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [f"{message.id!r}: {bad!r}" for text in strings if text
                  for bad in offences(text)]
    assert not found, "\n".join(found)
