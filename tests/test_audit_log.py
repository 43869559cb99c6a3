"""The audit log in words: every action code the code writes has a label in both languages,
details read as label: value pairs (no JSON, no escapes), filters by days, user, action and
person with a clear message for a bad one, and the export to .xlsx as a job, itself audited."""

import ast
import io
from datetime import timedelta
from pathlib import Path

from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from charity.audit import labels
from charity.audit.models import AuditEntry
from charity.audit.operations import record
from charity.database import utcnow
from charity.extensions import db
from charity.jobs.models import Job
from charity.timeutil import local_today
from tests.factories import ApplicationFactory, UserFactory
from tests.jobs import exported

ROOT = Path(__file__).resolve().parent.parent
#: The functions that write an audit entry, by module, and the prefix they add to the code.
WRITERS = {("charity.audit.operations", "record"): "",
           ("charity.audit.security", "record_refusal"): "security.",
           ("charity.transaction", "commit_refusal"): "security."}
DEFINED_IN = {"charity/audit/operations.py": "record", "charity/audit/security.py":
              "record_refusal", "charity/transaction.py": "commit_refusal"}


def _constants(node, names) -> list[str] | None:
    """The codes an argument can be: a literal, either side of `a if … else b`, or a
    module-level constant; None for anything else (a wrapper passing its own argument on)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        both = (_constants(node.body, names), _constants(node.orelse, names))
        return None if None in both else both[0] + both[1]
    if isinstance(node, ast.Name) and node.id in names:
        return [names[node.id]]
    return None


def _writers(tree, relative: str) -> dict[str, str]:
    """Local names bound to an audit writer in one module (aliases too), with their prefix."""
    local = {}
    if relative in DEFINED_IN:
        name = DEFINED_IN[relative]
        local[name] = WRITERS[(relative[:-3].replace("/", "."), name)]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (node.module, alias.name) in WRITERS:
                    local[alias.asname or alias.name] = WRITERS[(node.module, alias.name)]
    return local


def _module_codes(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = path.relative_to(ROOT).as_posix()
    local = _writers(tree, relative)
    names = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
             and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
             for target in node.targets if isinstance(target, ast.Name)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and any(
                isinstance(t, ast.Name) and t.id == "security_action" for t in node.targets):
            if node.value.value:
                found.add("security." + node.value.value)
        if (isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Name)
                and node.func.id in local):
            codes = _constants(node.args[0], names)
            found.update(local[node.func.id] + c for c in codes or [])
    return found


def codes_in_source() -> set[str]:
    """Every action code the platform's code writes to the audit log."""
    found = set()
    for package in ("charity", "donations", "matching", "control"):
        for path in (ROOT / package).rglob("*.py"):
            found |= _module_codes(path)
    return found


def test_every_action_code_written_anywhere_has_a_label():
    codes = codes_in_source()
    # the scan sees literals, aliases (`record as audit`), constants, both sides of an `if`
    # and a refusal's `security_action`: it cannot pass by finding nothing
    assert {"relief.approve", "grievance_recorded", "budget_approved", "audit.case_opened",
            "pairing.lock", "pairing.unlock", "security.refused_approval",
            "security.out_of_scope", "audit.export"} <= codes
    missing = sorted(codes - set(labels.ACTIONS))
    assert not missing, f"action codes without a label in charity/audit/labels.py: {missing}"


def test_labels_are_words_in_both_languages(app):
    for code in labels.ACTIONS:
        with app.test_request_context(), force_locale("en"):
            english = labels.action_label(code)
        with app.test_request_context(), force_locale("zh_Hans_CN"):
            chinese = labels.action_label(code)
        assert english != code and "." not in english, code
        assert not any("a" <= ch.lower() <= "z" for ch in chinese.replace("Stripe", "")), \
            (code, chinese)


def test_details_read_as_labelled_pairs_without_json_or_escapes(client, auth):
    record("relief.approve", "relief_application", 7, reason="我的理由", amount_fen=123456,
           full_ids=True, person_ids=[1, 2], filters={"action": "x"})
    db.session.flush()
    auth.login(UserFactory(role="admin"))
    client.get("/lang/en")
    page = client.get("/audit/").get_data(as_text=True)
    table = page.split("<table", 1)[1]  # the filter's options carry the codes as values
    assert "Application approved" in table and "Application 7" in table
    assert "relief.approve" not in table and "\\u" not in page and "{&#34;" not in table
    assert "<dt>Reason</dt><dd>我的理由</dd>" in page
    assert "<dt>Amount</dt><dd>" in page and "1,234.56" in page
    assert "<dt>Full ID numbers</dt><dd>yes</dd>" in page
    client.get("/lang/zh_Hans_CN")
    chinese = client.get("/audit/").get_data(as_text=True)
    assert "批准申请" in chinese and "<dt>原因</dt>" in chinese


def _entry(action, user, days_ago=0, object_type="request", object_id=None, **detail):
    entry = AuditEntry(action=action, object_type=object_type, object_id=object_id,
                       user_id=user and user.id, detail=detail,
                       at=utcnow() - timedelta(days=days_ago))
    db.session.add(entry)
    return entry


def _listed(client, status=200, **args) -> str:
    """The page a filter answers; when it lists entries, from the count on (the filter's own
    options name every action)."""
    response = client.get("/audit/", query_string=args)
    assert response.status_code == status, (args, response.get_data(as_text=True)[-600:])
    page = response.get_data(as_text=True)
    return page.split("Entries found", 1)[1] if status == 200 else page


def test_the_filters_narrow_by_days_user_action_and_person(client, auth):
    officer = UserFactory(role="street_officer")
    application = ApplicationFactory()
    person = application.person
    _entry("person.view_id", officer, days_ago=3, object_type="person", object_id=str(person.id))
    _entry("relief.submit", officer, days_ago=1, object_type="relief_application",
           object_id=str(application.id))
    _entry("person.view_health", None, object_type="person", object_id=str(person.id + 999))
    db.session.flush()
    auth.login(UserFactory(role="auditor"))
    client.get("/lang/en")
    today = local_today()
    recent = _listed(client, since=str(today - timedelta(days=1)), until=str(today))
    assert "Application submitted" in recent and "Full ID number viewed" not in recent
    mine = _listed(client, user=officer.email.upper())
    assert ": 2" in mine and "Health details viewed" not in mine
    viewed = _listed(client, action="person.view_id")
    assert ": 1" in viewed and "Full ID number viewed" in viewed
    about = _listed(client, person=person.id)
    assert ": 2" in about and "Health details viewed" not in about


def test_bad_filters_answer_a_clear_message_and_list_nothing(client, auth):
    auth.login(UserFactory(role="auditor"))
    client.get("/lang/en")
    page = _listed(client, 400, action="no.such_action")
    assert "There is no such action; choose one from the list." in page
    assert "Entries found" not in page
    assert "e-mail contains this text." in _listed(client, 400, user="nobody-x")
    assert "No person on the roster has this number." in _listed(client, 400, person=987654)
    assert "whole number above 0" in _listed(client, 400, person=-3)
    _listed(client, 400, person="abc")
    reversed_ = _listed(client, 400, since="2026-10-02", until="2026-10-01")
    assert "The end of the range is before its start." in reversed_
    client.get("/lang/zh_Hans_CN")
    assert "没有这种操作" in _listed(client, 400, action="no.such_action")
    assert client.post("/audit/export?action=no.such_action").status_code == 400
    assert db.session.scalar(select(Job)) is None


def test_the_export_is_a_job_in_words_and_is_itself_audited(client, auth):
    approver = UserFactory(role="approver")
    _entry("relief.reject", approver, object_type="relief_application", object_id="5",
           reason="家庭收入超标", amount_fen=50000)
    _entry("person.view_id", approver, object_type="person", object_id="9")
    _entry("security.lockout", None, days_ago=2)
    db.session.flush()
    auditor = UserFactory(role="auditor")
    auth.login(auditor)
    client.get("/lang/zh_Hans_CN")
    response = exported(client, f"/audit/export?user={approver.email}")
    assert response.status_code == 200
    rows = [list(r) for r in load_workbook(io.BytesIO(response.data)).active
            .iter_rows(values_only=True)]
    assert rows[0] == ["时间", "用户", "操作", "对象", "地址", "详情"]
    assert sorted(r[2] for r in rows[1:]) == sorted(["驳回申请", "查看完整身份证号"])
    rejected = next(r for r in rows[1:] if r[2] == "驳回申请")
    # the auditor does not see beneficiaries: free text withheld, as on the page
    assert "家庭收入超标" not in rejected[5] and "金额：" in rejected[5]
    assert all(r[1] == approver.email for r in rows[1:])
    [kept] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.export"))
    assert kept.user_id == auditor.id and kept.detail["rows"] == 2
    assert kept.detail["filters"] == {"user": approver.email}
    job = db.session.scalar(select(Job).where(Job.kind == "audit_export"))
    assert job.state == "succeeded"
    # another role cannot start it
    auth.logout()
    auth.login(UserFactory(role="street_officer"))
    assert client.post("/audit/export").status_code == 403
