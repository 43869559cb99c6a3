"""One way to do each thing, checked on the source: views commit only through the unit of
work, access is decided by named permissions, and every blueprint is registered by name."""

import ast
import importlib
import re
from pathlib import Path

from flask import Blueprint

ROOT = Path(__file__).resolve().parent.parent
#: The packages held to these rules.
PACKAGES = ("charity", "donations")


def modules():
    """Every Python module of the scanned packages, as a path relative to the repository."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def is_view_module(name: str) -> bool:
    return name.endswith("/views.py") or name.endswith("_views.py")


def as_module(name: str) -> str:
    return name.removesuffix(".py").replace("/", ".")


def test_only_the_unit_of_work_and_cli_commands_commit_or_roll_back():
    allowed = {"charity/transaction.py", "charity/jobs/runner.py"}
    calls = re.compile(r"\.(commit|rollback)\(")
    found = [name for name, source in modules()
             if calls.search(source) and name not in allowed and not name.endswith("/commands.py")]
    assert found == []


def test_no_role_is_named_to_decide_access_outside_the_permissions_module():
    allowed = {"charity/auth/permissions.py"}
    checks = re.compile(r"roles_accepted|roles_required|has_role\(|has_any_role\(")
    found = [name for name, source in modules() if checks.search(source) and name not in allowed]
    templates = ROOT / "templates"
    found += [path.relative_to(ROOT).as_posix() for path in sorted(templates.rglob("*.html"))
              if checks.search(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_factory_imports_no_module_for_its_side_effect():
    source = (ROOT / "charity" / "__init__.py").read_text(encoding="utf-8")
    assert "noqa: F401" not in source


def test_every_view_module_owns_a_registered_blueprint(app):
    for name, source in modules():
        if "Blueprint(" not in source and not is_view_module(name):
            continue
        module = importlib.import_module(as_module(name))
        blueprints = [v for v in vars(module).values()
                      if isinstance(v, Blueprint) and v.import_name == module.__name__]
        assert blueprints, f"{name} has no blueprint of its own"
        for blueprint in blueprints:
            assert app.blueprints.get(blueprint.name) is blueprint, name


def test_no_view_module_imports_another():
    view_modules = {as_module(name) for name, _ in modules() if is_view_module(name)}
    found = []
    for name, source in modules():
        if not is_view_module(name):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = {node.module} | {f"{node.module}.{a.name}" for a in node.names}
                found += [(name, module) for module in imported & view_modules]
            elif isinstance(node, ast.Import):
                found += [(name, a.name) for a in node.names if a.name in view_modules]
    assert found == []
