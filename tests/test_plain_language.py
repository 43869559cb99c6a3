"""Plain language: every page the route crawler's world reaches, as each role that reaches it,
in Chinese and in English, shows no internal code (account codes, kind codes, solver statuses),
no `\\u` escape, and, in Chinese, no untranslated message and no run of English words outside
names, e-mail addresses and the few tokens below.

One pass per role (both languages in it), over the crawler's world (tests/test_route_crawler.py
builds it; we import its builder). Only GET pages that answer 200 with HTML are read."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_route_crawler import ROLES, reachable, rules, sign_in, url_for_rule, world_in

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "charity" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"

#: Internal codes that must never reach a page in either language.
RAW_CODES = re.compile(
    r"\b(?:reserved|restricted|disbursed|spent):[\w:]|\bstreet:\w|\bmeasure:\d"
    r"|\b(?:OPTIMAL|FEASIBLE|INFEASIBLE|MODEL_INVALID|UNKNOWN)\b"
    r"|\b[a-z]+(?:_[a-z]+)+\b")
ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}")
#: A run of English: two or more Latin words of two or more letters.
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ \-][A-Za-z][a-z]+)+\b")
EMAIL = re.compile(r"[\w.+-]+@[\w.-]+")

#: Latin words a Chinese page may show, each with its reason.
ALLOWED = {
    "Songtan": "the product's name",
    "English": "the language switcher offers English in its own name",
    "Stripe": "the card processor's name",
    "Pico": "the CSS library credited in the footer",
}
#: Pages or words left to another branch or that are data, not the app's words, with reasons.
NOT_CHECKED_PAGES = {
    "/audit/": "the audit log in words is the 'todo' branch's part of issue 15",
}
ALLOWED_RUNS = {
    "staff number": "a column name of the cadre spreadsheet, shown as the file must spell it",
    "home community": "a column name of the cadre spreadsheet, shown as the file must spell it",
    "Welfare home": "a welfare home's name in the district's reference data (English fixture)",
}
ALLOWED_CODES: dict[str, str] = {}
#: Text inside these elements is not prose: code samples, scripts and styles.
SKIPPED_TAGS = {"script", "style", "code", "pre", "option"}


class Text(HTMLParser):
    """The visible text of a page (no tags, attributes, scripts or styles)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in SKIPPED_TAGS

    def handle_endtag(self, tag):
        self._skip -= tag in SKIPPED_TAGS and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    """A page's visible text, e-mail addresses taken out."""
    parser = Text()
    parser.feed(html)
    return EMAIL.sub(" ", " ".join(parser.parts))


def _msgids() -> set[str]:
    """Our English msgids of two words or more (a page showing one in Chinese missed it)."""
    text = CATALOG.read_text(encoding="utf-8")
    found = set()
    for match in re.finditer(r'^msgid "(.+)"$', text, re.M):
        msgid = match.group(1)
        if "%(" not in msgid and ENGLISH_RUN.search(msgid) and len(msgid) > 12:
            found.add(msgid.replace('\\"', '"'))
    return found


def problems(text: str, chinese: bool, msgids: set[str], names: set[str]) -> list[str]:
    """What is wrong with a page's visible text."""
    found = [f"code {m.group(0)!r}" for m in RAW_CODES.finditer(text)
             if m.group(0) not in ALLOWED_CODES]
    found += [f"escape {m.group(0)!r}" for m in ESCAPE.finditer(text)]
    if chinese:
        for name in names:
            text = text.replace(name, " ")
        runs = [m.group(0) for m in ENGLISH_RUN.finditer(text)]
        found += [f"English {run!r}" for run in runs
                  if not set(run.replace("-", " ").split()) <= set(ALLOWED)
                  and run not in ALLOWED_RUNS]
        found += [f"msgid {m!r}" for m in msgids if m in text]
    return found


def test_the_checker_finds_codes_escapes_and_english():
    """The checks themselves can fail."""
    page = "<p>限定用途 restricted:street:七星岗 OPTIMAL temporary_emergency \\u6211</p>"
    found = problems(visible(page), True, set(), set())
    assert any("restricted:" in f for f in found) and any("OPTIMAL" in f for f in found)
    assert any("temporary_emergency" in f for f in found) and any("escape" in f for f in found)
    english = problems(visible("<p>You must sign in to view this</p>"), True,
                       {"You must sign in to view this"}, set())
    assert any(f.startswith("English") for f in english)
    assert any(f.startswith("msgid") for f in english)
    assert problems(visible("<p>送炭 Songtan <script>var a_b = 1</script> x@y.cn</p>"),
                    True, set(), set()) == []


@pytest.fixture(scope="module")
def world(app):
    """The route crawler's world, for this module."""
    with world_in(app) as found:
        yield found


def _names(world) -> set[str]:
    """Words the data itself holds (people's, helpers' and campaigns' names typed in English
    by the factories): not the app's words."""
    from sqlalchemy import select

    from charity.extensions import db
    from donations.campaigns.models import FundraisingCampaign

    found = set(db.session.scalars(select(FundraisingCampaign.title_en)))
    found |= set(db.session.scalars(select(FundraisingCampaign.title)))
    return {n for n in found if n}


def _pages(app, user, world, lang: str):
    """(url, html) of each page the user reaches, in `lang` (asked with `?lang=`: a page of
    the crawl, /lang/en, switches the session's language)."""
    client = app.test_client()
    sign_in(client, user)
    for rule in rules(app):
        if "GET" not in rule.methods or rule.rule in NOT_CHECKED_PAGES:
            continue
        url = url_for_rule(rule, world.home)
        response = client.get(url, query_string={"lang": lang})
        if reachable(response) and response.status_code == 200 \
                and response.mimetype == "text/html":
            yield url, response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_pages_speak_the_users_language(app, world, role):
    """Every page the role reaches, in both languages: no code, no escape, no English in
    Chinese outside names."""
    msgids, names = _msgids(), _names(world)
    failures = []
    for lang in ("zh_Hans_CN", "en"):
        for url, html in _pages(app, world.users.get(role), world, lang):
            failures += [f"{lang} {url}: {p}"
                         for p in problems(visible(html), lang != "en", msgids, names)]
    assert not failures, "\n".join(sorted(set(failures))[:80])
