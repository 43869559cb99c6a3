"""Street rosters (名册) in Excel: a dry run that finds every bad row, the import, the export."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from charity.district.models import Community, Street
from charity.extensions import db
from charity.registry import ids, operations
from charity.registry.models import Household, Person

#: (column header, Person/Household field); the first six are required.
COLUMNS = (
    ("户编号", "code"), ("街道", "street"), ("社区", "community"), ("姓名", "name"),
    ("身份证号", "id_number"), ("类别", "category"), ("地址", "address"),
    ("低保类别", "dibao_class"), ("孤儿", "orphan"), ("残疾", "disabled"),
    ("残疾等级", "disability_grade"), ("重病", "seriously_ill"), ("独居", "lives_alone"),
    ("在校学生", "student"), ("学段", "school_level"), ("户籍", "hukou"),
    ("居住证起始日期", "residence_permit_start"), ("月收入(元)", "monthly_income"),
    ("就业状况", "employment_status"),
)
REQUIRED = ("code", "street", "community", "name", "id_number", "category")
CATEGORY_WORDS = {"低保": "dibao", "低保对象": "dibao", "特困": "tekun", "特困人员": "tekun",
                  "特殊困难家庭建档": "filed_hardship", "建档": "filed_hardship"}
SCHOOL_WORDS = {"学前": "preschool", "小学": "primary", "初中": "junior", "高中": "senior_high",
                "中职": "vocational", "大学": "college"}
EMPLOYMENT_WORDS = {"就业": "employed", "失业": "unemployed", "无劳动能力": "unable",
                    "退休": "retired", "在校": "student", "儿童": "child"}
HUKOU_WORDS = {"渝中": "yuzhong", "外地": "other"}
YES = {"是", "yes", "y", "1", "true", "√"}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class DryRun:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    new_households: int = 0


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _word(value: str, words: dict, codes=()) -> str | None:
    return words.get(value) or (value if value in codes or value in words.values() else None)


def _parse_row(raw: dict, number: int, today: date, out: DryRun, locations, seen) -> dict:
    errors = []

    def fail(column, message):
        errors.append(RowError(number, column, message))

    for key in REQUIRED:
        if not raw.get(key):
            fail(dict((f, h) for h, f in COLUMNS)[key], _("This field is required."))
    if errors:
        out.errors.extend(errors)
        return {}
    row = {"code": raw["code"], "name": raw["name"], "address": raw.get("address", "")}
    street = locations["streets"].get(raw["street"])
    if street is None:
        fail("街道", _("Unknown street: %(name)s", name=raw["street"]))
    else:
        community = locations["communities"].get((street.id, raw["community"]))
        if community is None:
            fail("社区", _("Unknown community in %(street)s: %(name)s",
                          street=street.name, name=raw["community"]))
        else:
            row.update(street_id=street.id, community_id=community.id)
    try:
        checked = ids.check(raw["id_number"], today)
        row["id_number"] = checked.number
        out.warnings.extend(RowError(number, "身份证号", str(w)) for w in checked.warnings)
        if checked.number in seen:
            fail("身份证号", _("Same ID number as row %(row)s.", row=seen[checked.number]))
        elif operations.duplicate_of(checked.number) is not None:
            fail("身份证号", _("This ID number is already on the roster."))
        seen.setdefault(checked.number, number)
    except ids.IdNumberError as error:
        fail("身份证号", str(error))
    category = _word(raw["category"], CATEGORY_WORDS)
    if category is None:
        fail("类别", _("Unknown category: %(value)s", value=raw["category"]))
    row["category"] = category
    _parse_optional(raw, row, fail)
    existing = locations["households"].get(row["code"])
    if existing is not None and "street_id" in row and (
            existing.street_id, existing.community_id) != (row["street_id"], row["community_id"]):
        fail("户编号", _("Household %(code)s is in another community.", code=row["code"]))
    out.errors.extend(errors)
    return {} if errors else row


def _parse_optional(raw: dict, row: dict, fail) -> None:
    for key in ("orphan", "disabled", "seriously_ill", "lives_alone", "student"):
        row[key] = raw.get(key, "").lower() in YES
    row["dibao_class"] = raw.get("dibao_class", "").upper() or None
    if row["dibao_class"] and row["dibao_class"] not in ("A", "B", "C"):
        fail("低保类别", _("The dibao class is A, B or C."))
    grade = raw.get("disability_grade")
    row["disability_grade"] = int(grade) if grade and grade.isdigit() else None
    if grade and row["disability_grade"] not in (1, 2, 3, 4):
        fail("残疾等级", _("The disability grade is 1 to 4."))
    for key, words, column in (("school_level", SCHOOL_WORDS, "学段"),
                               ("employment_status", EMPLOYMENT_WORDS, "就业状况"),
                               ("hukou", HUKOU_WORDS, "户籍")):
        value = raw.get(key, "")
        row[key] = _word(value, words) if value else None
        if value and row[key] is None:
            fail(column, _("Unknown value: %(value)s", value=value))
    row["hukou"] = row["hukou"] or "yuzhong"
    row["employment_status"] = row["employment_status"] or "unemployed"
    permit = raw.get("residence_permit_start", "")
    row["residence_permit_start"] = None
    if permit:
        try:
            row["residence_permit_start"] = date.fromisoformat(permit[:10])
        except ValueError:
            fail("居住证起始日期", _("Write dates as YYYY-MM-DD."))
    if row["hukou"] == "other" and not row["residence_permit_start"] and permit == "":
        fail("居住证起始日期", _("A person without Yuzhong hukou needs the permit's date."))
    income = raw.get("monthly_income", "")
    try:
        row["monthly_income_fen"] = int(Decimal(income or "0") * 100)
        if row["monthly_income_fen"] < 0:
            raise InvalidOperation
    except InvalidOperation:
        fail("月收入(元)", _("The income must be a number of yuan, not negative."))


def _locations() -> dict:
    streets = {s.name: s for s in db.session.scalars(select(Street))}
    for street in list(streets.values()):
        streets.setdefault(street.name.replace(" ", ""), street)
    communities = {(c.street_id, c.name): c for c in db.session.scalars(select(Community))}
    households = {h.code: h for h in db.session.scalars(select(Household))}
    return {"streets": streets, "communities": communities, "households": households}


def dry_run(content: bytes, today: date, scope: int | None = None) -> DryRun:
    """Read a roster and check every row; change nothing."""
    out = DryRun()
    try:
        sheet = load_workbook(BytesIO(content), read_only=True, data_only=True).active
        lines = list(sheet.iter_rows(values_only=True))
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        out.errors.append(RowError(0, "", _("This file is not a readable .xlsx workbook.")))
        return out
    if not lines:
        out.errors.append(RowError(0, "", _("The workbook is empty.")))
        return out
    headers = [_text(h) for h in lines[0]]
    fields = {h: f for h, f in COLUMNS}
    missing = [h for h, f in COLUMNS if f in REQUIRED and h not in headers]
    if missing:
        out.errors.append(RowError(1, ", ".join(missing), _("Missing columns.")))
        return out
    locations, seen, codes = _locations(), {}, set()
    for number, values in enumerate(lines[1:], start=2):
        raw = {fields[h]: _text(v) for h, v in zip(headers, values, strict=False) if h in fields}
        if not any(raw.values()):
            continue
        row = _parse_row(raw, number, today, out, locations, seen)
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
    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    sheet.append([h for h, _f in COLUMNS])
    reverse = {}
    for words in (CATEGORY_WORDS, SCHOOL_WORDS, EMPLOYMENT_WORDS, HUKOU_WORDS):
        for word, code in words.items():
            reverse.setdefault(code, word)
    for p in people:
        h = p.household
        number = ids.decrypt(p.id_number_encrypted) if full_ids else p.id_number_masked
        sheet.append([
            h.code, h.street.name, h.community.name, p.name, number, reverse[p.category],
            h.address, p.dibao_class or "", _yes(p.orphan), _yes(p.disabled),
            p.disability_grade or "", _yes(p.seriously_ill), _yes(p.lives_alone),
            _yes(p.student), reverse.get(p.school_level, ""), reverse[p.hukou],
            p.residence_permit_start.isoformat() if p.residence_permit_start else "",
            f"{p.monthly_income_fen // 100}.{p.monthly_income_fen % 100:02d}",
            reverse[p.employment_status],
        ])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _yes(flag: bool) -> str:
    return "是" if flag else "否"
