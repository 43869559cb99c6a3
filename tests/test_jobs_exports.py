"""Exports as jobs: the page starts a job, the worker writes the file under
instance/exports/<job id>.<ext>, and the job's page leads to its download, which only someone
who may make the same export (permission and street) can fetch, never cached."""

import csv
import io
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select

from charity.audit.models import AuditEntry
from charity.extensions import db
from charity.fund import annual
from charity.fund.tasks import PUBLISHER
from charity.jobs.models import Job
from charity.pairing import queries
from charity.pairing.tasks import roster_csv
from charity.registry import excel
from charity.registry import queries as registry
from charity.timeutil import local_today
from tests import factories
from tests.factories import PairingFactory, PersonFactory, UserFactory
from tests.jobs import exported, result_of
from tests.test_export_formulas import HOSTILE, assert_no_formula, hostile_streets


def two_streets():
    PairingFactory(street_name="解放碑")
    PairingFactory(street_name="七星岗")


def test_the_pairing_export_job_writes_what_the_inline_export_did(client, auth):
    two_streets()
    auth.login(UserFactory(role="admin"))
    before = roster_csv(db.session.execute(queries.roster(None)).all())  # the inline export's
    response = exported(client, "/pairing/export.csv")
    assert response.status_code == 200
    assert response.data.decode("utf-8-sig") == before
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=pairings-{local_today():%Y%m%d}.csv")
    assert "no-store" in response.headers["Cache-Control"]
    job = db.session.scalar(select(Job))
    assert job.kind == "pairing_export" and job.street_id is None
    kept = Path(current_app.instance_path) / "exports" / f"{job.id}.csv"
    assert kept.read_bytes() == response.data
    rows = list(csv.reader(io.StringIO(before)))
    assert {r[1] for r in rows[1:]} == {"解放碑", "七星岗"}
    sheet = load_workbook(io.BytesIO(exported(client, "/pairing/export.xlsx").data)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)][1:] == [
        [int(r[0]), r[1], r[2], int(r[3]), r[4], r[5] or None, r[6]] for r in rows[1:]]


def test_a_street_officers_export_has_their_street_only(client, auth):
    two_streets()
    auth.login(factories.user("street_officer", "解放碑"))
    rows = list(csv.reader(io.StringIO(
        exported(client, "/pairing/export.csv").data.decode("utf-8-sig"))))
    assert {r[1] for r in rows[1:]} == {"解放碑"}


def test_another_streets_officer_and_strangers_cannot_download(client, auth):
    two_streets()
    auth.login(factories.user("street_officer", "解放碑"))
    url = result_of(client, client.post("/pairing/export.csv"))
    assert client.get(url).status_code == 200
    auth.logout()
    auth.login(factories.user("street_officer", "七星岗"))
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(UserFactory(role="auditor"))  # sees jobs, not pairings
    assert client.get(url).status_code == 404
    auth.logout()
    anonymous = client.get(url)
    assert anonymous.status_code in (302, 401, 403) and not anonymous.data.startswith(b"\xef")
    assert "beneficiary_id" not in anonymous.get_data(as_text=True)


def test_the_district_export_is_not_an_officers(client, auth):
    two_streets()
    auth.login(UserFactory(role="admin"))
    url = result_of(client, client.post("/pairing/export.xlsx"))
    auth.logout()
    auth.login(factories.user("street_officer", "解放碑"))
    assert client.get(url).status_code == 404


def test_the_job_file_still_writes_hostile_texts_as_text(client, auth):
    names = hostile_streets()
    auth.login(UserFactory(role="admin"))
    assert_no_formula(exported(client, "/pairing/export.xlsx").data, names)
    rows = list(csv.reader(io.StringIO(
        exported(client, "/pairing/export.csv").data.decode("utf-8-sig"), newline="")))
    assert sorted(r[1] for r in rows[1:]) == sorted("'" + name for name in names)


def test_a_second_export_start_shows_the_running_job(client, auth):
    auth.login(UserFactory(role="admin"))
    running = Job(kind="pairing_export", key="pairing_export:csv:district", state="running",
                  params={"ext": "csv"})
    db.session.add(running)
    db.session.commit()
    response = client.post("/pairing/export.csv", follow_redirects=True)
    assert response.request.path == f"/jobs/{running.id}"
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    assert client.get(f"/jobs/{running.id}/download").status_code == 404
    # the other format is other work: it starts
    assert result_of(client, client.post("/pairing/export.xlsx")).endswith("/download")


# The roster export ----------------------------------------------------------------------------

def test_the_roster_export_job_writes_what_the_inline_export_did_and_audits_it(client, auth):
    person = PersonFactory(name="出口", street_name="解放碑")
    PersonFactory(name="别街", street_name="七星岗")
    street = person.household.street_id
    admin = UserFactory(role="admin")
    auth.login(admin)
    people = db.session.scalars(registry.people(registry.PersonFilter(street_id=street),
                                                None)).unique().all()
    inline = load_workbook(io.BytesIO(excel.export(people, full_ids=False))).active
    response = exported(client, f"/registry/export?street={street}")
    assert "no-store" in response.headers["Cache-Control"]
    kept = load_workbook(io.BytesIO(response.data)).active
    assert list(kept.iter_rows(values_only=True)) == list(inline.iter_rows(values_only=True))
    assert "别街" not in str(list(kept.iter_rows(values_only=True)))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.export"))
    assert (entry.user_id, entry.object_id, entry.detail["rows"], entry.detail["full_ids"]) == (
        admin.id, str(street), 1, False)


def test_a_roster_file_is_not_for_another_street_nor_a_full_one_for_masked_roles(client, auth):
    person = PersonFactory(street_name="解放碑")
    street = person.household.street_id
    auth.login(UserFactory(role="admin"))
    masked = result_of(client, client.post(f"/registry/export?street={street}"))
    full = result_of(client, client.post(f"/registry/export?street={street}&full=1"))
    assert masked != full
    auth.logout()
    auth.login(factories.user("street_officer", "七星岗"))
    assert client.get(masked).status_code == 404
    assert client.get(full).status_code == 404
    auth.logout()
    auth.login(UserFactory(role="fund_manager"))  # the registry, but never full ID numbers
    assert client.get(masked).status_code == 200
    assert client.get(full).status_code == 404
    auth.logout()
    assert client.get(masked).status_code in (302, 401, 403)


def test_the_roster_job_file_still_writes_hostile_names_as_text(client, auth):
    people = [PersonFactory(name=text[:40]) for text in HOSTILE]
    auth.login(UserFactory(role="admin"))
    response = exported(client, f"/registry/export?street={people[0].household.street_id}")
    assert_no_formula(response.data, [p.name for p in people])


# The annual report and the dashboard's PDF ----------------------------------------------------

def test_the_annual_report_job_writes_the_inline_workbook_in_the_starters_language(client,
                                                                                   auth):
    year = local_today().year
    auth.login(UserFactory(role="fund_manager"))
    client.get("/lang/en")
    url = result_of(client, client.post(f"/fund/annual-report.xlsx?year={year}"))
    response = client.get(url)
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=songtan-fund-{year}.xlsx")
    with force_locale("en"):
        inline = load_workbook(io.BytesIO(annual.workbook(year, PUBLISHER)))
    kept = load_workbook(io.BytesIO(response.data))
    assert kept.sheetnames == inline.sheetnames and "Summary" in kept.sheetnames
    assert all(list(kept[n].iter_rows(values_only=True)) == list(inline[n].iter_rows(
        values_only=True)) for n in kept.sheetnames)
    auth.logout()
    auth.login(factories.user("street_officer", "解放碑"))
    assert client.get(url).status_code in (403, 404)
    assert client.post(f"/fund/annual-report.xlsx?year={year}").status_code == 403


def test_the_dashboard_pdf_is_a_job_for_its_street(client, auth):
    auth.login(factories.user("street_officer", "解放碑"))
    response = client.post("/dashboard/dashboard.pdf")
    url = result_of(client, response)
    pdf = client.get(url)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "no-store" in pdf.headers["Cache-Control"]
    job = db.session.scalar(select(Job).where(Job.kind == "dashboard_pdf")
                            .order_by(Job.id.desc()))  # not a job another test committed
    assert job.street_id == factories.street("解放碑").id
    auth.logout()
    auth.login(factories.user("street_officer", "七星岗"))
    assert client.get(url).status_code == 404
    auth.logout()
    assert client.get(url).status_code in (302, 401, 403)


def test_an_export_file_is_removed_after_its_days_and_its_download_says_so(client, auth):
    """Exports hold personal data: the nightly clean-up removes a file `EXPORT_KEEP_DAYS` after
    its job ended (a younger one stays), and its download then answers 410 with a message."""
    from datetime import timedelta

    from charity.database import utcnow
    from charity.jobs import cleanup

    two_streets()
    auth.login(UserFactory(role="admin"))
    assert exported(client, "/pairing/export.csv").status_code == 200
    old = db.session.scalar(select(Job))
    assert exported(client, "/pairing/export.xlsx").status_code == 200
    young = db.session.scalar(select(Job).where(Job.id != old.id))
    old.finished_at = utcnow() - timedelta(days=current_app.config["EXPORT_KEEP_DAYS"], hours=1)
    db.session.commit()
    assert cleanup.remove_old_exports() == 1
    db.session.commit()
    assert not Path(current_app.instance_path, "exports", f"{old.id}.csv").exists()
    assert Path(current_app.instance_path, "exports", f"{young.id}.xlsx").exists()
    assert cleanup.remove_old_exports() == 0  # once
    gone = client.get(f"/jobs/{old.id}/download?lang=en")
    assert gone.status_code == 410
    assert "exports hold personal data and are kept 7 days" in gone.get_data(as_text=True)
    assert client.get(f"/jobs/{young.id}/download").status_code == 200


def test_the_cli_export_runs_the_export_job_here_when_no_worker_answers(runner, tmp_path,
                                                                        client, auth):
    two_streets()
    before = roster_csv(db.session.execute(queries.roster(None)).all())
    result = runner.invoke(args=["match", "export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    job = db.session.scalar(select(Job))
    assert (job.kind, job.state, job.params["ext"], job.attempts) == \
        ("pairing_export", "succeeded", "csv", 1)
    auth.login(UserFactory(role="admin"))
    assert "the command line" in client.get(f"/jobs/{job.id}?lang=en").get_data(as_text=True)
    assert "the command line" in client.get("/jobs/?lang=en").get_data(as_text=True)
    kept = Path(current_app.instance_path) / "exports" / f"{job.id}.csv"
    assert kept.read_bytes().decode("utf-8-sig") == before
    assert result.stdout == before.replace("\r\n", "\n")  # as click's runner reads it
    steps = result.stderr.splitlines()
    assert "no worker answers; it runs in this process" in steps[0]
    # each step as the runner reported it, then the end, then where the file is
    assert [line for line in steps if "(1/2)" in line or "(0/2)" in line] == [
        "  正在读取记录 (0/2)", "  正在写入文件 (1/2)"]
    assert steps[-1] == f"job {job.id}: the file is {kept}"
    output = tmp_path / "roster.xlsx"
    again = runner.invoke(args=["match", "export", "--format", "xlsx", "--output", str(output)])
    assert again.exit_code == 0, again.output
    assert again.stdout == "" and f"copied to {output}" in again.stderr
    second = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert output.read_bytes() == (Path(current_app.instance_path) / "exports" /
                                   f"{second.id}.xlsx").read_bytes()


def test_the_cli_export_follows_the_job_a_worker_runs(runner, monkeypatch):
    from charity.jobs import follow

    two_streets()
    sent = []
    monkeypatch.setattr(follow, "worker_answers", lambda: True)
    monkeypatch.setattr("charity.jobs.operations.send", lambda job: sent.append(job.id) or
                        current_app.extensions["celery"].tasks["jobs.pairing_export"]
                        .apply_async(args=[job.id]))
    result = runner.invoke(args=["match", "export"])
    assert result.exit_code == 0, result.output
    job = db.session.scalar(select(Job))
    assert sent == [job.id] and job.state == "succeeded"
    assert "a worker runs it" in result.stderr and "已完成: 已完成 (2/2)" in result.stderr


def test_the_cli_export_says_when_its_job_failed(runner, monkeypatch):
    from charity.pairing import tasks

    def broken(rows):
        raise ValueError("no")

    monkeypatch.setattr(tasks, "roster_csv", broken)
    result = runner.invoke(args=["match", "export"])
    assert result.exit_code == 1 and result.stdout == ""
    job = db.session.scalar(select(Job))
    assert job.state == "failed" and f"job {job.id} failed" in result.stderr
