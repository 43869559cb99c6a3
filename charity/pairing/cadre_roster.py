"""A department's cadre roster in Excel: a dry run that finds every bad row, and the import,
which matches each row to a cadre already on the roster by staff number, else by phone, so a
second import changes what changed and adds nobody twice. The workbook is opened as the street
rosters are (`registry.excel.read_table`, through `registry.workbook`'s checks). A department
change or a rank change goes through `cadres.transfer` and `cadres.change_rank`, so the
pairings they move are re-matched as they are from the cadre's page."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from charity.audit.operations import record
from charity.district.models import Community, Department, DepartmentGroup, Street
from charity.extensions import db
from charity.main import limits, spreadsheet
from charity.pairing import cadres
from charity.pairing.models import SKILLS, Cadre
from charity.registry.excel import read_table
from charity.registry.roster import DryRun, RowError, check_texts

#: (header, field): the Chinese headers first (what errors name), the English ones accepted.
COLUMNS = (
    ("姓名", "name"), ("部门", "department"), ("职级", "rank"), ("手机", "phone"),
    ("居住社区", "community"), ("工号", "staff_number"), ("技能", "skills"),
    ("name", "name"), ("department", "department"), ("rank", "rank"), ("phone", "phone"),
    ("home community", "community"), ("staff number", "staff_number"), ("skills", "skills"),
)
HEADER = {f: h for h, f in reversed(COLUMNS)}
#: The template's headers, and its sheet's name.
HEADERS = [h for h, _f in COLUMNS if not h.isascii()]
SHEET = "干部名册"
#: The home community's column must be there; a blank cell is a cadre living outside the
#: district.
REQUIRED = ("name", "department", "rank", "phone", "community")
RANK_WORDS = {"区级领导": "district_leader", "处级领导": "division_leader", "其他干部": "staff",
              "district leader": "district_leader", "division leader": "division_leader",
              "staff": "staff", "staff cadre": "staff", "other cadre": "staff",
              "other cadres": "staff"}
SKILL_WORDS = {"医疗": "medical", "教育": "education", "就业": "employment", "养老": "elderly_care",
               "住房": "housing", "心理疏导": "psychological", "心理": "psychological"}
#: The longest staff number (Cadre.staff_number is String(20)).
STAFF_NUMBER_MAX = 20


@dataclass
class Known:
    """What the checks look up: departments and communities by name, and the cadres already
    on the roster by phone hash and by staff number."""

    departments: dict
    communities: dict
    by_phone: dict
    by_staff_number: dict

    @classmethod
    def load(cls) -> "Known":
        """Everything from the database, read once for the whole file."""
        communities: dict[str, list] = {}
        for community in db.session.scalars(select(Community)):
            communities.setdefault(community.name, []).append(community)
        on_roster = db.session.scalars(select(Cadre)).all()
        return cls(departments={d.name: d for d in db.session.scalars(select(Department))},
                   communities=communities,
                   by_phone={c.phone_hash: c for c in on_roster if c.phone_hash},
                   by_staff_number={c.staff_number: c for c in on_roster if c.staff_number})


def _department(raw: dict, known: Known, scope: int | None, fail):
    department = known.departments.get(raw["department"])
    if department is None:
        fail("department", _("Unknown department: %(name)s", name=raw["department"]))
    elif scope is not None and department.id != scope:
        fail("department", _("You can import only your own department's cadres."))
    return department


def _community(name: str, known: Known, fail) -> int | None:
    if not name:
        return None
    found = known.communities.get(name, [])
    if not found:
        fail("community", _("Unknown community, or not in the district: %(name)s", name=name))
        return None
    if len(found) > 1:
        fail("community", _("Several streets have a community called %(name)s.", name=name))
        return None
    return found[0].id


def _skills(text: str, fail) -> list[str]:
    words = [w for w in re.split(r"[,，、;；\s]+", text) if w]
    skills = [SKILL_WORDS.get(w, w.lower()) for w in words]
    unknown = [w for w, s in zip(words, skills, strict=True) if s not in SKILLS]
    if unknown:
        fail("skills", _("Unknown skill: %(value)s", value=", ".join(unknown)))
    return sorted(set(skills) - set(unknown))


def _phone(raw: dict, number: int, seen: dict, fail) -> str | None:
    phone = cadres.mobile(raw["phone"])
    if phone is None:
        fail("phone", _("Not a mainland mobile number: 11 digits starting with 1 (spaces and "
                        "dashes are allowed)."))
    elif phone in seen:
        fail("phone", _("Same phone number as row %(row)s.", row=seen[phone]))
    else:
        seen[phone] = number
    return phone


def _staff_number(raw: dict, number: int, seen: dict, fail) -> str | None:
    staff_number = raw.get("staff_number") or None
    if staff_number is not None:
        if ("staff", staff_number) in seen:
            fail("staff_number", _("Same staff number as row %(row)s.",
                                   row=seen[("staff", staff_number)]))
        seen.setdefault(("staff", staff_number), number)
    return staff_number


def _match(row: dict, known: Known, scope: int | None, fail) -> Cadre | None:
    """The cadre the row names: by staff number, else by phone; refused when the phone is
    another cadre's, when the staff number is a different one's, or the cadre left."""
    by_phone = known.by_phone.get(cadres.phone_hash(row["phone"]))
    by_staff = known.by_staff_number.get(row["staff_number"]) if row["staff_number"] else None
    if by_staff is not None and by_phone is not None and by_phone is not by_staff:
        fail("phone", _("This phone number belongs to another cadre."))
        return None
    found = by_staff or by_phone
    if found is not None and row["staff_number"] and found.staff_number not in (
            None, row["staff_number"]):
        fail("staff_number", _("This phone number's cadre has the staff number %(number)s.",
                               number=found.staff_number))
        return None
    if found is not None and scope is not None and found.department_id != scope:
        fail("phone", _("This phone number belongs to a cadre of another department."))
        return None
    if found is not None and found.left_on is not None:
        fail("name", _("This cadre has left; their record is kept as it was."))
        return None
    return found


def parse_row(raw: dict, number: int, known: Known, scope: int | None, seen: dict,
              out: DryRun) -> dict:
    """Row `number`'s cadre values, or {} when it has errors (added to `out`)."""
    errors = []

    def fail(field_name, message):
        errors.append(RowError(number, HEADER[field_name], message))

    for key in ("name", "department", "rank", "phone"):
        if not raw.get(key):
            fail(key, _("This field is required."))
    check_texts(raw, fail, {"name": limits.NAME_MAX, "staff_number": STAFF_NUMBER_MAX})
    if errors:
        out.errors.extend(errors)
        return {}
    row = {"row": number, "name": raw["name"],
           "department": _department(raw, known, scope, fail),
           "rank": RANK_WORDS.get(raw["rank"].lower())}
    if row["rank"] is None:
        fail("rank", _("Unknown rank: %(value)s (write 区级领导, 处级领导 or 其他干部).",
                       value=raw["rank"]))
    row["phone"] = _phone(raw, number, seen, fail)
    row["staff_number"] = _staff_number(raw, number, seen, fail)
    row["home_community_id"] = _community(raw.get("community", ""), known, fail)
    row["skills"] = _skills(raw.get("skills", ""), fail)
    if not errors:
        found = _match(row, known, scope, fail)
        row["cadre_id"] = found.id if found is not None else None
    out.errors.extend(errors)
    return {} if errors else row


def dry_run(content: bytes, scope: int | None = None) -> DryRun:
    """Read a cadre roster and check every row (within department `scope` if given); change
    nothing."""
    out = DryRun()
    lines = read_table(content, dict(COLUMNS), REQUIRED, out)
    if out.errors:
        return out
    known, seen = Known.load(), {}
    for number, raw in lines:
        row = parse_row(raw, number, known, scope, seen, out)
        if row:
            out.rows.append(row)
    if not out.rows and not out.errors:
        out.errors.append(RowError(0, "", _("The workbook has no rows to import.")))
    return out


def _changes(cadre: Cadre, row: dict, user, totals: dict) -> bool:
    """Apply one matched row to its cadre; True if anything changed."""
    details = {k: row[k] for k in cadres.DETAILS}
    if details["staff_number"] is None:
        details.pop("staff_number")  # a blank cell keeps the number the cadre has
    changed = bool(cadres.update(cadre, phone=row["phone"], user=user, **details))
    moves = []
    if row["department"].id != cadre.department_id:
        moves.append(cadres.transfer(cadre, row["department"], user=user))
    if row["rank"] != cadre.rank:
        moves.append(cadres.change_rank(cadre, row["rank"], user=user))
    for outcome in moves:
        for key, value in outcome.as_dict().items():
            totals[key] += value
    return changed or bool(moves)


def apply(result: DryRun, user=None) -> dict[str, int]:
    """Write a clean dry run: new cadres added, matched ones changed where the row differs
    (moving their pairings through the re-match). Flushes only; returns the counts."""
    totals = {"created": 0, "updated": 0, "unchanged": 0, "ended": 0, "rematched": 0,
              "unmatched": 0}
    created = []
    for row in result.rows:
        if row["cadre_id"] is None:
            cadre = Cadre(department_id=row["department"].id, rank=row["rank"], active=True,
                          **{k: row[k] for k in cadres.DETAILS},
                          **cadres.sealed_phone(row["phone"]))
            db.session.add(cadre)
            created.append(cadre)
            totals["created"] += 1
        elif _changes(db.session.get(Cadre, row["cadre_id"]), row, user, totals):
            totals["updated"] += 1
        else:
            totals["unchanged"] += 1
    db.session.flush()
    record("cadre.import", "cadre_roster", None, user=user, created_ids=[c.id for c in created],
           **totals)
    return totals


def template() -> bytes:
    """An empty roster to fill in: the columns, and a second sheet naming the ranks, skills
    and every department with its street."""
    book = spreadsheet.table(HEADERS, [], SHEET)
    notes = book.create_sheet("说明")
    rows = [["职级", "区级领导 / 处级领导 / 其他干部"], ["技能", "、".join(SKILL_WORDS)],
            ["手机", "11位手机号，可含空格或横线"], ["居住社区", "社区名称；居住在区外则留空"], [],
            ["部门", "结对街道"]]
    rows += db.session.execute(
        select(Department.name, Street.name).select_from(Department).join(DepartmentGroup)
        .join(Street, Street.id == DepartmentGroup.street_id)
        .order_by(DepartmentGroup.number, Department.position)).all()
    for values in rows:
        spreadsheet.append(notes, list(values))
    return spreadsheet.xlsx_bytes(book)


def workbook_of(rows: list[list]) -> bytes:
    """A roster workbook with the Chinese headers and `rows` (as the template's columns)."""
    return spreadsheet.xlsx_bytes(spreadsheet.table(HEADERS, rows, SHEET))
