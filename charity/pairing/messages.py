"""The optimiser's run messages (written in Chinese by `matching/`) in the user's language."""

import re

from flask_babel import lazy_gettext as _l

from charity.labels import label
from matching.model import RANK_CN

RANKS = {cn: code for code, cn in RANK_CN.items()}
PATTERNS = (
    (re.compile(r"^(?P<street>.+): (?P<n>\d+) 名(?P<rank>区级领导|处级领导|其他干部)"
                r"至少需要 (?P<need>\d+) 人，仅 (?P<have>\d+) 人可结对$"),
     _l("%(street)s: %(n)s × %(rank)s need at least %(need)s people, %(have)s are eligible")),
    (re.compile(r"^(?P<street>.+): (?P<n>\d+) 名干部至少需要 (?P<need>\d+) 人，"
                r"仅 (?P<have>\d+) 人可结对（未达下限: (?P<ranks>.+)）$"),
     _l("%(street)s: %(n)s cadres need at least %(need)s people, %(have)s are eligible "
        "(below their minimum: %(ranks)s)")),
    (re.compile(r"^(?P<street>.+): (?P<ranks>.+)未达配额下限，"
                r"可结对对象已被跨街道干部或锁定结对占用$"),
     _l("%(street)s: %(ranks)s below their minimum; the people they could serve are taken by "
        "cadres from other streets or by locked pairs")),
    (re.compile(r"^(?P<street>.+): 覆盖率 (?P<c>[\d.]+%)，低于全区 (?P<d>[\d.]+%) "
                r"减 (?P<t>\d+) 个百分点；可服务该街道的干部已满额$"),
     _l("%(street)s: coverage %(c)s, below the district's %(d)s minus %(t)s points; every "
        "cadre who may serve it is at their quota")),
)


def _ranks(text: str) -> str:
    """'区级领导 1 名、处级领导 2 名' → the ranks' labels with their counts."""
    parts = []
    for part in text.split("、"):
        name, _sep, count = part.strip().partition(" ")
        code = RANKS.get(name)
        parts.append(f"{label(code)} × {count.removesuffix(' 名').strip()}" if code else part)
    return ", ".join(parts)


def run_message(text: str) -> str:
    """A conflict or balance note of a run, in the current language (unknown text as is)."""
    for pattern, message in PATTERNS:
        found = pattern.match(text)
        if found:
            values = found.groupdict()
            if "rank" in values:
                values["rank"] = label(RANKS[values["rank"]])
            if "ranks" in values:
                values["ranks"] = _ranks(values["ranks"])
            return str(message) % values
    return text
