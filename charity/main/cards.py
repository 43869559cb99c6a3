"""Tables that become cards on a phone: every body cell is given its column's heading as a
`data-label` attribute, which the phone-width CSS (`.table-wrap.cards` in app.css) shows
before the cell's value. Templates name each heading once, in their table's <thead>; the
`table_wrap(cards=True)` macro passes the rendered table through `card_labels`."""

import html
import re

from markupsafe import Markup, escape

_THEAD = re.compile(r"<thead\b.*?</thead>", re.S | re.I)
_HEADING = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_TBODY = re.compile(r"<tbody\b.*?</tbody>", re.S | re.I)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S | re.I)
_CELL = re.compile(r"<(td|th)\b([^>]*)>", re.I)
_COLSPAN = re.compile(r"\bcolspan\s*=\s*[\"']?(\d+)", re.I)


def headings(table: str) -> list[str]:
    """The plain text of each column heading in the table's <thead>, in order."""
    head = _THEAD.search(table)
    if head is None:
        return []
    return [" ".join(html.unescape(_TAG.sub(" ", cell)).split())
            for cell in _HEADING.findall(head.group(0))]


def _label_row(row: str, labels: list[str]) -> str:
    """One body row with each cell labelled by the heading of the column it starts in; a cell
    spanning several columns (a row saying "nothing found") is left without a label."""
    column = 0

    def labelled(cell: re.Match) -> str:
        nonlocal column
        span = _COLSPAN.search(cell.group(2))
        width = int(span.group(1)) if span else 1
        label = labels[column] if width == 1 and column < len(labels) else ""
        column += width
        if not label or "data-label" in cell.group(2):
            return cell.group(0)
        return f'<{cell.group(1)}{cell.group(2)} data-label="{escape(label)}">'

    return _CELL.sub(labelled, row)


def card_labels(table: str) -> Markup:
    """The rendered table (trusted template output) with `data-label` on its body cells."""
    labels = headings(table)
    if not labels:
        return Markup(table)  # noqa: S704 - the template's own rendered output

    def body(match: re.Match) -> str:
        return _ROW.sub(lambda row: _label_row(row.group(0), labels), match.group(0))

    return Markup(_TBODY.sub(body, str(table)))  # noqa: S704 - as above, labels escaped
