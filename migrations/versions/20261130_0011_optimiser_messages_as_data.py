"""Optimiser messages as data: the reasons of pairings, and the unmatched reasons, pair reasons,
conflicts and notes of match runs, become {"code": ..., "params": {...}} objects instead of text.

The optimiser wrote a fixed vocabulary, read here with dictionaries and str.partition. A
conflict or note that cannot be read is kept as {"code": "legacy_text", "params": {"text": ...}},
which is shown as written. Downgrade writes the text back.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 06:00:00.000000

"""
from string import Formatter

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

PAIRING = sa.table("pairing", sa.column("id", sa.Integer), sa.column("reasons", sa.JSON))
MATCH_RUN = sa.table("match_run", sa.column("id", sa.Integer), sa.column("summary", sa.JSON))

LEGACY = "legacy_text"
#: Reasons written whole, and their codes.
WORDS = {"locked": "locked", "rematch": "rematch", "continuity": "continuity",
         "cross street": "cross_street", "same street": "same_street",
         "same community": "same_community",
         "no cadre serves this street": "no_cadre_serves_street",
         "forbidden with all eligible helpers": "forbidden_with_all_eligible",
         "no eligible cadre left in street": "no_cadre_left",
         "no eligible volunteer or organisation with capacity left": "no_volunteer_left",
         "no sponsor with budget left for this person": "no_sponsor_left",
         "already paired in this layer": "already_paired"}
TEXTS = {code: text for text, code in WORDS.items()}
#: Reasons written "prefix: value": their code and the parameter that holds the value.
PREFIXED = {"priority": ("priority", "mark"), "skill": ("skill", "skill"),
            "designation": ("designation", "to")}
NO_SKILL = "no helper with skill "
UNDESIGNATED = "where most needed"
RANKS = {"district_leader": "区级领导", "division_leader": "处级领导", "staff": "其他干部"}
RANK_CODES = {text: code for code, text in RANKS.items()}
#: Conflicts and notes as the optimiser wrote them.
PROSE = {
    "locked_pair_invalid": "锁定结对无效或重复: {kind} #{helper_id} — 对象 #{person_id}",
    "locked_pair_forbidden": "锁定结对同时被禁止: {kind} #{helper_id} — 对象 #{person_id}",
    "locked_over_quota": "{kind} #{helper_id}: 锁定 {locked} 人，超过上限 {maximum} 人",
    "rank_quota_unreachable": "{street}: {cadres} 名{rank}至少需要 {need} 人，"
                              "仅 {eligible} 人可结对",
    "street_quota_unreachable": "{street}: {cadres} 名干部至少需要 {need} 人，"
                                "仅 {eligible} 人可结对（未达下限: {below_minimum}）",
    "quota_taken": "{street}: {below_minimum}未达配额下限，可结对对象已被跨街道干部或锁定结对占用",
    "street_below_balance": "{street}: 覆盖率 {coverage}，低于全区 {district} 减 {tolerance} "
                            "个百分点；可服务该街道的干部已满额",
    "cadre_below_quota": "干部 #{cadre_id} 现结对 {paired} 人，低于配额下限 {minimum} 人，"
                         "需在下次整体匹配时补足",
}
NUMBERS = {"helper_id", "person_id", "locked", "maximum", "cadres", "need", "eligible",
           "tolerance", "cadre_id", "paired", "minimum"}


def message(code, **params):
    return {"code": code, "params": params}


def reason_message(text):
    """A pair's or a person's reason as the optimiser wrote it, as a message."""
    if not isinstance(text, str):
        return text
    if text in WORDS:
        return message(WORDS[text])
    if text.startswith(NO_SKILL):
        return message("no_helper_with_skill", skills=text[len(NO_SKILL):].split(", "))
    prefix, sep, value = text.partition(": ")
    if sep and prefix in PREFIXED:
        code, name = PREFIXED[prefix]
        return message(code, **{name: None if (code, value) == ("designation", UNDESIGNATED)
                                else value})
    return message(LEGACY, text=text)


def _fields(template, text):
    """The fields of a str.format ``template`` as read from ``text``, or None."""
    parts = list(Formatter().parse(template))
    values, rest = {}, text
    for i, (literal, field, _spec, _conversion) in enumerate(parts):
        if not rest.startswith(literal):
            return None
        rest = rest[len(literal):]
        if field is not None:
            following = parts[i + 1][0] if i + 1 < len(parts) else ""
            values[field] = rest.partition(following)[0] if following else rest
            rest = rest[len(values[field]):]
    return values if not rest else None


def _below_minimum(text):
    """'区级领导 1 名、其他干部 2 名' as [[rank, count], ...]."""
    out = []
    for part in text.split("、"):
        name, _sep, count = part.partition(" ")
        out.append([RANK_CODES.get(name), count.removesuffix(" 名")])
    return [[rank, int(count)] for rank, count in out if rank and count.isdigit()]


def _params(code, fields, coverage):
    """Typed parameters of ``code`` from the text ``fields`` (counts from the run's coverage),
    or None if a field is not what the code holds."""
    params = dict(fields)
    for name in NUMBERS & params.keys():
        if not params[name].isdigit():
            return None
        params[name] = int(params[name])
    if "rank" in params:
        if params["rank"] not in RANK_CODES:
            return None
        params["rank"] = RANK_CODES[params["rank"]]
    if "below_minimum" in params:
        params["below_minimum"] = _below_minimum(params["below_minimum"])
    if code == "street_below_balance":
        if params["street"] not in coverage:
            return None
        covered, total = coverage[params["street"]]
        del params["coverage"], params["district"]
        params.update(covered=covered, total=total,
                      district_covered=sum(c for c, _ in coverage.values()),
                      district_total=sum(n for _, n in coverage.values()))
    return params


def run_message(text, coverage):
    """A conflict or note as the optimiser wrote it, as a message; what does not read back
    exactly as written stays text."""
    if not isinstance(text, str):
        return text
    for code, template in PROSE.items():
        fields = _fields(template, text)
        params = None if fields is None else _params(code, fields, coverage)
        if params is not None and message_text(message(code, **params)) == text:
            return message(code, **params)
    return message(LEGACY, text=text)


def _shown(params):
    shown = dict(params)
    if "rank" in shown:
        shown["rank"] = RANKS.get(shown["rank"], shown["rank"])
    if "below_minimum" in shown:
        shown["below_minimum"] = "、".join(f"{RANKS.get(rank, rank)} {count} 名"
                                           for rank, count in shown["below_minimum"])
    if "covered" in shown:
        shown["coverage"] = f"{shown['covered'] / max(shown['total'], 1):.1%}"
        shown["district"] = f"{shown['district_covered'] / max(shown['district_total'], 1):.1%}"
    return shown


def message_text(item):
    """A message as the optimiser used to write it."""
    if not isinstance(item, dict):
        return item
    code, params = item["code"], item.get("params") or {}
    if code == LEGACY:
        return params["text"]
    if code in TEXTS:
        return TEXTS[code]
    if code == "no_helper_with_skill":
        return NO_SKILL + ", ".join(params["skills"])
    for prefix, (prefixed, name) in PREFIXED.items():
        if prefixed == code:
            return f"{prefix}: {params[name] or UNDESIGNATED}"
    if code in PROSE:
        return PROSE[code].format(**_shown(params))
    return code


def converted_summary(summary, reason, run):
    """A run's summary with its pair and unmatched reasons, conflicts and notes converted."""
    coverage = {street: tuple(pair) for street, pair in (summary.get("coverage") or {}).items()}
    out = dict(summary)
    if "pairs" in summary:
        out["pairs"] = [[*pair[:3], [reason(r) for r in pair[3]]] for pair in summary["pairs"]]
    if "unmatched" in summary:
        out["unmatched"] = [[person, reason(r)] for person, r in summary["unmatched"]]
    for key in ("conflicts", "notes"):
        if key in summary:
            out[key] = [run(text, coverage) for text in summary[key]]
    return out


def _convert(reason, run):
    connection = op.get_bind()
    rows = connection.execute(sa.select(PAIRING.c.id, PAIRING.c.reasons)).all()
    values = [{"row": row_id, "value": [reason(r) for r in reasons or []]}
              for row_id, reasons in rows]
    if values:
        connection.execute(PAIRING.update().where(PAIRING.c.id == sa.bindparam("row"))
                           .values(reasons=sa.bindparam("value")), values)
    for row_id, summary in connection.execute(sa.select(MATCH_RUN.c.id, MATCH_RUN.c.summary)).all():
        connection.execute(MATCH_RUN.update().where(MATCH_RUN.c.id == row_id)
                           .values(summary=converted_summary(summary or {}, reason, run)))


def upgrade():
    """Text to messages."""
    _convert(reason_message, run_message)


def downgrade():
    """Messages back to the text the optimiser used to write."""
    _convert(message_text, lambda item, _coverage: message_text(item))
