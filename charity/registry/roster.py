"""One row of a street roster (名册), checked cell by cell and turned into Person and Household
values; each bad cell is reported with its column's header."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from charity.main import limits
from charity.registry import guardians, ids, operations
from charity.registry.models import FLAGS

#: (column header, Person/Household field); the first six are required.
COLUMNS = (
    ("户编号", "code"), ("街道", "street"), ("社区", "community"), ("姓名", "name"),
    ("身份证号", "id_number"), ("类别", "category"), ("地址", "address"),
    ("低保类别", "dibao_class"), ("孤儿", "orphan"), ("残疾", "disabled"),
    ("残疾等级", "disability_grade"), ("重病", "seriously_ill"), ("独居", "lives_alone"),
    ("在校学生", "student"), ("学段", "school_level"), ("户籍", "hukou"),
    ("居住证起始日期", "residence_permit_start"), ("月收入(元)", "monthly_income"),
    ("就业状况", "employment_status"), ("监护人姓名", "guardian_name"),
    ("监护人关系", "guardian_relation"), ("监护人电话", "guardian_phone"),
    ("监护同意日期", "guardian_consent_on"),
)
#: GuardianDetails' fields as the roster's columns name them.
GUARDIAN_FIELDS = {"name": "guardian_name", "relation": "guardian_relation",
                   "phone": "guardian_phone", "person_id": "guardian_name",
                   "consent_on": "guardian_consent_on"}
HEADER = {f: h for h, f in COLUMNS}
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
    """A problem with one cell: the row's number in the workbook, the column's header, why."""

    row: int
    column: str
    message: str


@dataclass
class DryRun:
    """A checked roster: the rows fit to import, every error and warning, and how many
    households the import would add."""

    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    new_households: int = 0
    #: The file itself was refused (not a workbook, too large): no row was read.
    refused: bool = False


def _word(value: str, words: dict, codes=()) -> str | None:
    return words.get(value) or (value if value in codes or value in words.values() else None)


def parse_row(raw: dict, number: int, today: date, out: DryRun, locations, seen) -> dict:
    """Row `number`'s Person and Household values, or {} when it has errors (added to `out`).
    `seen` maps the ID numbers of earlier rows to their row numbers."""
    errors = []

    def fail(field_name, message):
        errors.append(RowError(number, HEADER[field_name], message))

    for key in REQUIRED:
        if not raw.get(key):
            fail(key, _("This field is required."))
    if not errors:
        check_texts(raw, fail)
    if not errors:
        row = {"code": raw["code"], "name": raw["name"], "address": raw.get("address", "")}
        row |= _place(raw, locations, fail)
        checked = _id_number(raw["id_number"], number, today, out, seen, fail)
        row["id_number"] = checked.number if checked else None
        if checked and guardians.needs_guardian(checked.birth_date, today):
            row["guardian"] = _guardian(raw, today, checked.birth_date, fail)
        row["category"] = _word(raw["category"], CATEGORY_WORDS)
        if row["category"] is None:
            fail("category", _("Unknown category: %(value)s", value=raw["category"]))
        _parse_optional(raw, row, fail, today)
        _check_household_place(row, locations, fail)
    out.errors.extend(errors)
    return {} if errors else row


#: The free-text columns and their longest values, as the forms have them.
TEXT_LIMITS = {"code": limits.HOUSEHOLD_CODE_MAX, "name": limits.NAME_MAX,
               "id_number": limits.ID_NUMBER_MAX, "address": limits.ADDRESS_MAX,
               "guardian_name": limits.NAME_MAX, "guardian_relation": limits.RELATION_MAX,
               "guardian_phone": limits.PHONE_MAX}


def check_texts(raw: dict, fail, most_of: dict[str, int] = TEXT_LIMITS) -> None:
    """No text longer than its form field allows (`most_of`: the longest value of each
    column), none with control characters."""
    for key, most in most_of.items():
        value = raw.get(key, "")
        if len(value) > most:
            fail(key, _("At most %(max)s characters (this has %(length)s).", max=most,
                        length=len(value)))
        elif any(ord(c) < 32 for c in value):
            fail(key, _("This text contains control characters."))


def _place(raw: dict, locations, fail) -> dict:
    """The street and community ids, if both are known."""
    street = locations["streets"].get(raw["street"])
    if street is None:
        fail("street", _("Unknown street: %(name)s", name=raw["street"]))
        return {}
    community = locations["communities"].get((street.id, raw["community"]))
    if community is None:
        fail("community", _("Unknown community in %(street)s: %(name)s",
                            street=street.name, name=raw["community"]))
        return {}
    return {"street_id": street.id, "community_id": community.id}


def _guardian(raw: dict, today: date, born: date, fail) -> guardians.GuardianDetails:
    """A child's guardian from the guardian columns, each problem reported on its column."""
    consent = raw.get("guardian_consent_on", "")
    details = guardians.GuardianDetails(
        name=raw.get("guardian_name", ""), relation=raw.get("guardian_relation", ""),
        phone=raw.get("guardian_phone", ""), consent_on=_day(consent))
    if consent and details.consent_on is None:
        fail("guardian_consent_on", _("Write dates as YYYY-MM-DD."))
        return details
    for key, message in guardians.problems(details, today, born=born):
        fail(GUARDIAN_FIELDS[key], message)
    return details


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _id_number(value: str, number: int, today: date, out: DryRun, seen,
               fail) -> ids.IdCheck | None:
    """The checked ID number, refused when an earlier row or the roster already has it."""
    try:
        checked = ids.check(value, today)
    except ids.IdNumberError as error:
        fail("id_number", str(error))
        return None
    out.warnings.extend(RowError(number, HEADER["id_number"], str(w)) for w in checked.warnings)
    if checked.number in seen:
        fail("id_number", _("Same ID number as row %(row)s.", row=seen[checked.number]))
    elif operations.duplicate_of(checked.number) is not None:
        fail("id_number", _("This ID number is already on the roster."))
    seen.setdefault(checked.number, number)
    return checked


def _check_household_place(row: dict, locations, fail) -> None:
    """A household already on the roster stays in its own street and community."""
    existing = locations["households"].get(row["code"])
    if existing is not None and "street_id" in row and (
            existing.street_id, existing.community_id) != (row["street_id"], row["community_id"]):
        fail("code", _("Household %(code)s is in another community.", code=row["code"]))


def _parse_optional(raw: dict, row: dict, fail, today: date) -> None:
    """The optional columns: flags, dibao class, disability grade, the worded columns, the
    residence permit and the income."""
    row.update({key: raw.get(key, "").lower() in YES for key in FLAGS})
    _parse_grades(raw, row, fail)
    _parse_words(raw, row, fail)
    _parse_permit(raw, row, fail, today)
    row["monthly_income_fen"] = _income_fen(raw.get("monthly_income", ""))
    if row["monthly_income_fen"] is None:
        fail("monthly_income", _("The income must be a number of yuan, not negative."))
    elif row["monthly_income_fen"] > limits.MAX_INCOME_FEN:
        fail("monthly_income", _("A monthly income is at most %(max)s yuan.",
                                 max=limits.MONTHLY_INCOME_MAX_YUAN))


def _parse_grades(raw: dict, row: dict, fail) -> None:
    row["dibao_class"] = raw.get("dibao_class", "").upper() or None
    if row["dibao_class"] and row["dibao_class"] not in ("A", "B", "C"):
        fail("dibao_class", _("The dibao class is A, B or C."))
    grade = raw.get("disability_grade")
    # isdecimal, not isdigit: '①' and '²' are digits int() cannot read.
    row["disability_grade"] = int(grade) if grade and grade.isdecimal() else None
    if grade and row["disability_grade"] not in (1, 2, 3, 4):
        fail("disability_grade", _("The disability grade is 1 to 4."))


def _parse_words(raw: dict, row: dict, fail) -> None:
    for key, words in (("school_level", SCHOOL_WORDS), ("employment_status", EMPLOYMENT_WORDS),
                       ("hukou", HUKOU_WORDS)):
        value = raw.get(key, "")
        row[key] = _word(value, words) if value else None
        if value and row[key] is None:
            fail(key, _("Unknown value: %(value)s", value=value))
    row["hukou"] = row["hukou"] or "yuzhong"
    row["employment_status"] = row["employment_status"] or "unemployed"


def _parse_permit(raw: dict, row: dict, fail, today: date) -> None:
    permit = raw.get("residence_permit_start", "")
    row["residence_permit_start"] = None
    if permit:
        try:
            row["residence_permit_start"] = date.fromisoformat(permit[:10])
        except ValueError:
            fail("residence_permit_start", _("Write dates as YYYY-MM-DD."))
        else:
            if not limits.EARLIEST_DATE <= row["residence_permit_start"] <= today:
                fail("residence_permit_start",
                     _("The date must be between %(first)s and today.",
                       first=limits.EARLIEST_DATE.isoformat()))
    if row["hukou"] == "other" and not permit:
        fail("residence_permit_start",
             _("A person without Yuzhong hukou needs the permit's date."))


def _income_fen(yuan: str) -> int | None:
    """A monthly income in yuan as fen (parts of a fen dropped); None unless a number ≥ 0.
    Above the bound it is the bound plus a yuan: '1e999990' is never made a whole number
    (a million digits, half a minute of work per cell)."""
    try:
        value = Decimal(yuan or "0")
    except (ArithmeticError, ValueError):  # not a number
        return None
    if not value.is_finite() or value < 0:
        return None
    return int(min(value, Decimal(limits.MONTHLY_INCOME_MAX_YUAN + 1)) * 100)
