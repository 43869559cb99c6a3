"""The preview says "已求得最优解" only when the run proved it over every eligible pair; a run
stopped early shows its status, bound and gap; the priority order of the layers is stated."""

from sqlalchemy import select

from charity.extensions import db
from charity.pairing.models import MatchRun
from tests import factories
from tests.test_pairing_workflow import small_district

OPTIMAL_ZH = "已求得最优解"


def _run(client, auth):
    small_district()
    auth.login(factories.user("admin"))
    assert client.post("/pairing/runs", data={"street": ""}).status_code == 302
    return db.session.scalar(select(MatchRun))


def _page(client, match_run, lang):
    response = client.get(f"/pairing/runs/{match_run.id}?lang={lang}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_proven_run_says_optimal_and_states_the_priority_order(client, auth):
    match_run = _run(client, auth)
    layers = match_run.summary["layers"]
    assert [layer["layer"] for layer in layers] == ["cadre", "volunteer", "sponsor"]
    assert all(layer["status"] == "OPTIMAL" and layer["bound"] == layer["objective"]
               for layer in layers)
    zh = _page(client, match_run, "zh_Hans_CN")
    assert OPTIMAL_ZH in zh and "优先顺序：先干部，再志愿者和社会组织，最后资助人" in zh
    en = _page(client, match_run, "en")
    assert "Optimal solution found: proven over every eligible pair" in en
    assert "Priority order: cadres first, then volunteers and organisations, then sponsors" in en
    assert en.index("1. Cadres") < en.index("2. Volunteers and organisations") \
        < en.index("3. Sponsors")


def test_a_run_stopped_early_shows_status_bound_and_gap_not_optimal(client, auth):
    match_run = _run(client, auth)
    summary = dict(match_run.summary)
    summary["layers"] = [dict(layer) for layer in summary["layers"]]
    cadre = summary["layers"][0]
    cadre.update(status="FEASIBLE", bound=cadre["objective"] + 1000)
    match_run.summary, match_run.status = summary, "FEASIBLE"
    match_run.bound = match_run.objective + 1000
    db.session.commit()
    zh = _page(client, match_run, "zh_Hans_CN")
    assert OPTIMAL_ZH not in zh.split('id="run-layers"')[0]
    assert "在证明最优之前已停止" in zh
    en = _page(client, match_run, "en")
    assert "Stopped before optimality was proven" in en and "FEASIBLE" not in en
    assert "A solution found, not proven optimal" in en
    assert f"{match_run.bound} (gap " in en


def test_a_run_without_a_recorded_proof_is_not_called_optimal(client, auth):
    match_run = _run(client, auth)
    summary = dict(match_run.summary)
    del summary["layers"]
    match_run.summary = summary
    db.session.commit()
    zh = _page(client, match_run, "zh_Hans_CN")
    assert OPTIMAL_ZH not in zh and "未证明最优" in zh


def test_the_list_of_runs_reads_the_proof_from_the_summary(client, auth, session):
    """/pairing/ reads only summary["layers"]: a run with the proof recorded says proven, one
    stored before (no layers) says not proven, although both solvers said OPTIMAL."""
    for layers in ({"cadre": {"status": "OPTIMAL"}}, None):
        summary = {"layers": layers, "pairs": []} if layers else {"pairs": []}
        db.session.add(MatchRun(status="OPTIMAL", objective=1, bound=1, seconds=0.1,
                                summary=summary))
    db.session.flush()
    auth.login(factories.UserFactory(role="admin"))
    page = client.get("/pairing/?lang=en").get_data(as_text=True)
    assert page.count("Optimal (proven)") == 1 and page.count("Optimality not proven") == 1
