"""No code is written twice: the workplace's `duplicates` tool finds no pair of six or more
same-shape lines outside migrations and templates (Alembic's and Jinja's own boilerplate)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = ("migrations/", "templates/")
ROW = re.compile(r"^D\d+ (\S+):\d+-\d+ ~ (\S+):\d+-\d+")


@pytest.mark.skipif(shutil.which("duplicates") is None,
                    reason="the `duplicates` tool is not on PATH (it comes with the workplace)")
def test_no_code_outside_migrations_and_templates_is_written_twice():
    found = subprocess.run(["duplicates", "--most", "200", "--seconds", "120"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert not any(line.startswith("incomplete") for line in found), found[-3:]
    pairs = [line for line in found if (row := ROW.match(line))
             and not all(side.startswith(ALLOWED) for side in row.groups())]
    assert pairs == []
