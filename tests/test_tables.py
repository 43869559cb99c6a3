"""Tables that fit: lists carry each column's heading on their cells (cards on a phone), and
the registry's export writes exactly the people its list shows under the same filters."""

import io
import re
from html import unescape

from openpyxl import load_workbook
from sqlalchemy import select

from charity.audit.models import AuditEntry
from charity.district.models import Street
from charity.extensions import db
from charity.jobs.models import Job
from charity.main.cards import card_labels
from tests import factories
from tests.factories import PersonFactory, UserFactory
from tests.jobs import exported

TABLE = ("<table><thead><tr><th>名字</th><th><small>x</small> A&amp;B</th><th></th></tr></thead>"
         "<tbody><tr><td>王</td><th scope=row>1</th><td><a>go</a></td></tr>"
         "<tr><td colspan=\"2\">wide</td><td data-label=\"own\">3</td></tr></tbody></table>")


def test_cells_are_labelled_by_their_columns_heading_once_and_escaped():
    out = str(card_labels(TABLE))
    assert '<td data-label="名字">王</td>' in out
    assert '<th scope=row data-label="x A&amp;B">1</th>' in out
    assert "<td><a>go</a></td>" in out  # an empty heading labels nothing
    assert '<td colspan="2">wide</td>' in out  # a spanning cell is no one column's
    assert '<td data-label="own">3</td>' in out  # a label the template gave is kept
    assert "<thead><tr><th>名字</th>" in out  # headings themselves unchanged
    hostile = TABLE.replace("名字", "&#34;&gt;<script>x</script>")
    assert 'data-label="&#34;&gt;' in str(card_labels(hostile))
    assert "<script>x</script>\">" not in str(card_labels(hostile))


def test_the_registry_list_labels_community_category_and_status_for_phones(client, auth):
    PersonFactory(name="卡片", street_name="解放碑", tekun=True)
    auth.login(factories.user("street_officer", "解放碑"))
    page = client.get("/registry/people").get_data(as_text=True)
    assert 'class="table-wrap cards"' in page
    for heading, value in (("社区", None), ("类别", "特困"), ("状态", "在册")):
        cell = re.search(rf'<td data-label="{heading}">([^<]*)</td>', page)
        assert cell, heading
        assert value is None or value in cell.group(1)


def _export_link(page: str) -> str:
    action = re.search(r'<form method="post" action="([^"]+)"[^>]*id="export-roster"', page)
    assert action, "no export form"
    return unescape(action.group(1))


def _names_listed(page: str) -> list[str]:
    return re.findall(r'<td data-label="[^"]+"><a href="/registry/people/\d+">([^<]+)</a>', page)


def _names_exported(client, link: str) -> list[str]:
    sheet = load_workbook(io.BytesIO(exported(client, link).data)).active
    return [row[3] for row in list(sheet.iter_rows(values_only=True))[1:]]


def test_the_export_writes_exactly_the_filtered_list(client, auth):
    PersonFactory(name="甲特困独居", street_name="解放碑", tekun=True, lives_alone=True)
    PersonFactory(name="乙特困", street_name="解放碑", tekun=True)
    PersonFactory(name="丙低保独居", street_name="解放碑", lives_alone=True)
    PersonFactory(name="丁特困退出独居", street_name="解放碑", tekun=True, lives_alone=True,
                  status="exited")
    PersonFactory(name="戊特困他街独居", street_name="七星岗", tekun=True, lives_alone=True)
    auth.login(UserFactory(role="admin"))
    street = db.session.scalar(select(Street.id).where(Street.name == "解放碑"))
    query = f"street={street}&category=tekun&status=enrolled&flag=lives_alone&q=特困"
    page = client.get(f"/registry/people?{query}").get_data(as_text=True)
    assert _names_listed(page) == ["甲特困独居"]
    link = _export_link(page)
    assert "category=tekun" in link and "flag=lives_alone" in link
    assert _names_exported(client, link) == ["甲特困独居"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.export"))
    assert entry.detail["rows"] == 1 and entry.detail["filters"]["category"] == "tekun"
    # another filter is other work: a new job, its own rows
    page = client.get(f"/registry/people?street={street}&category=tekun").get_data(as_text=True)
    assert sorted(_names_listed(page)) == sorted(["甲特困独居", "乙特困", "丁特困退出独居"])
    assert sorted(_names_exported(client, _export_link(page))) == sorted(_names_listed(page))
    assert len(db.session.scalars(select(Job).where(Job.kind == "roster_export")).all()) == 2


def test_a_street_officers_export_never_leaves_their_street(client, auth):
    PersonFactory(name="本街", street_name="解放碑")
    other = PersonFactory(name="他街", street_name="七星岗").household.street_id
    auth.login(factories.user("street_officer", "解放碑"))
    refused = client.get(f"/registry/people?street={other}")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and _names_listed(page) == []
    assert "/registry/export" not in page  # no export of a list that is refused
    assert client.post(f"/registry/export?street={other}").status_code == 400
    assert _names_exported(client, "/registry/export") == ["本街"]  # their street's, unasked
