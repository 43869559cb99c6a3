"""Street rosters (名册) in Excel: a dry run that finds every bad row (each row checked by
`roster`), the import, the export."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from charity.district.models import Community, Street
from charity.extensions import db
from charity.main import spreadsheet
from charity.registry import guardians, ids, operations, workbook
from charity.registry.models import Household, Person
from charity.registry.roster import (
    CATEGORY_WORDS,
    COLUMNS,
    EMPLOYMENT_WORDS,
    HUKOU_WORDS,
    REQUIRED,
    SCHOOL_WORDS,
    DryRun,
    RowError,
    parse_row,
)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _locations() -> dict:
    streets = {s.name: s for s in db.session.scalars(select(Street))}
    for street in list(streets.values()):
        streets.setdefault(street.name.replace(" ", ""), street)
    communities = {(c.street_id, c.name): c for c in db.session.scalars(select(Community))}
    households = {h.code: h for h in db.session.scalars(select(Household))}
    return {"streets": streets, "communities": communities, "households": households}


def read_table(content: bytes, fields: dict[str, str], required, out: DryRun) -> list:
    """The first sheet's rows as (row number, {field: text}) with `fields` mapping headers to
    field names, blank rows skipped; a refused file, an empty one or one missing a `required`
    field's column is an error in `out` and gives no row. Shared by every roster import."""
    try:
        lines = workbook.read_rows(content)
    except workbook.WorkbookRefused as refused:
        out.errors.append(RowError(0, "", str(refused)))
        out.refused = True
        return []
    if not lines:
        out.errors.append(RowError(0, "", _("The workbook is empty.")))
        return []
    headers = [_text(h) for h in lines[0]]
    known = {h.lower(): f for h, f in fields.items()}
    found = {known[h.lower()] for h in headers if h.lower() in known}
    first: dict[str, str] = {}
    for header, name in fields.items():
        first.setdefault(name, header)
    missing = [first[name] for name in required if name not in found]
    if missing:
        out.errors.append(RowError(1, ", ".join(missing), _("Missing columns.")))
        return []
    rows = []
    for number, values in enumerate(lines[1:], start=2):
        raw = {known[h.lower()]: _text(v) for h, v in zip(headers, values, strict=False)
               if h.lower() in known}
        if any(raw.values()):
            rows.append((number, raw))
    return rows


def dry_run(content: bytes, today: date, scope: int | None = None) -> DryRun:
    """Read a roster and check every row; change nothing."""
    out = DryRun()
    lines = read_table(content, dict(COLUMNS), REQUIRED, out)
    if out.errors:
        return out
    locations, seen, codes = _locations(), {}, set()
    for number, raw in lines:
        row = parse_row(raw, number, today, out, locations, seen)
        if row and scope is not None and row["street_id"] != scope:
            out.errors.append(RowError(number, "街道", _("You can import only your own street.")))
            continue
        if row:
            row["row"] = number
            out.rows.append(row)
            if row["code"] not in locations["households"] and row["code"] not in codes:
                codes.add(row["code"])
                out.new_households += 1
    if not out.rows and not out.errors:
        out.errors.append(RowError(0, "", _("The workbook has no rows to import.")))
    return out


def apply(result: DryRun, today: date, user=None) -> int:
    """Write a clean dry run's rows: new households, then their members. Flushes only."""
    households = {h.code: h for h in db.session.scalars(select(Household))}
    for row in result.rows:
        household = households.get(row["code"])
        if household is None:
            household = operations.create_household(row["code"], row["street_id"],
                                                    row["community_id"], row["address"])
            households[row["code"]] = household
        fields = {k: v for k, v in row.items()
                  if k not in ("code", "street_id", "community_id", "address", "id_number", "row")}
        operations.enrol(household, row["id_number"], today, _("Imported from roster"),
                         user=user, **fields)
    return len(result.rows)


def export(people: list[Person], full_ids: bool) -> bytes:
    """A roster workbook with the import's columns; ID numbers masked unless `full_ids`."""
    reverse = {}
    for words in (CATEGORY_WORDS, SCHOOL_WORDS, EMPLOYMENT_WORDS, HUKOU_WORDS):
        for word, code in words.items():
            reverse.setdefault(code, word)
    rows = []
    for p in people:
        h = p.household
        number = ids.decrypt(p.id_number_encrypted) if full_ids else p.id_number_masked
        rows.append([
            h.code, h.street.name, h.community.name, p.name, number, reverse[p.category],
            h.address, p.dibao_class or "", _yes(p.orphan), _yes(p.disabled),
            p.disability_grade or "", _yes(p.seriously_ill), _yes(p.lives_alone),
            _yes(p.student), reverse.get(p.school_level, ""), reverse[p.hukou],
            p.residence_permit_start.isoformat() if p.residence_permit_start else "",
            f"{p.monthly_income_fen // 100}.{p.monthly_income_fen % 100:02d}",
            reverse[p.employment_status], *_guardian_cells(p, full_ids),
        ])
    return spreadsheet.xlsx_bytes(spreadsheet.table([h for h, _f in COLUMNS], rows, "名册"))


def _guardian_cells(person: Person, full_ids: bool) -> list[str]:
    """A child's guardian: name, relation, phone (masked unless `full_ids`), consent day."""
    g = person.guardian
    if g is None:
        return ["", "", "", ""]
    phone = (guardians.phone(g) if full_ids else g.phone_masked) or ""
    return [g.name, g.relation, phone, g.consent_on.isoformat()]


def _yes(flag: bool) -> str:
    return "是" if flag else "否"
