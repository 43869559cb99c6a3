"""A donor's name is public only when the donor opts in: the giving form asks "show my name"
(unticked by default), every public listing shows a name only with that consent, and gifts
recorded before keep their name shown only where a consent was recorded."""

from datetime import UTC, date, datetime

import flask_migrate
from sqlalchemy import MetaData, Table, insert, select, text

from charity.extensions import db
from donations.giving.models import Donation
from tests import factories
from tests.donations.conftest import card_token
from tests.donations.test_matching_offline import campaign_with_pool
from tests.donations.test_refunds_disputes import post

LABEL = "Show my name publicly with my gift (otherwise it is anonymous)"


def give(client, localstripe, campaign, name: str, **consent) -> Donation:
    response = client.post("/donations/give", data={
        "amount": "100", "campaign": str(campaign.id), "name": name, "email": "a@example.com",
        "card": card_token(localstripe), **consent})
    assert response.status_code == 200, response.get_json()
    token = response.get_json()["status_url"].rsplit("/", 1)[1]
    gift = db.session.scalar(select(Donation).where(Donation.token == token))
    assert post(client, "payment_intent.succeeded", {
        "id": gift.payment_intent, "object": "payment_intent", "currency": "cny",
        "amount": gift.amount_fen, "amount_received": gift.amount_fen}) == "credited"
    return gift


def test_the_giving_form_asks_for_consent_unticked(client, session):
    page = client.get("/donations/?lang=en").get_data(as_text=True)
    assert LABEL in page and "Give anonymously" not in page
    assert 'name="show_name"' in page and 'name="show_name" checked' not in page
    chinese = client.get("/donations/?lang=zh_Hans_CN").get_data(as_text=True)
    assert "公开显示我的姓名" in chinese


def test_a_name_shows_publicly_only_with_the_donors_consent(client, session, localstripe):
    campaign = campaign_with_pool()
    silent = give(client, localstripe, campaign, "未同意者")
    agreed = give(client, localstripe, campaign, "同意者", show_name="y")
    assert (silent.show_name, agreed.show_name) == (False, True)
    for path in ("/donations/?lang=en", f"/donations/campaigns/{campaign.slug}?lang=en",
                 f"/donations/?campaign={campaign.id}&lang=en"):
        page = client.get(path).get_data(as_text=True)
        assert "未同意者" not in page, path
    page = client.get(f"/donations/campaigns/{campaign.slug}?lang=en").get_data(as_text=True)
    assert "同意者" in page and "Anonymous donor" in page
    assert "未同意者" not in client.get("/fund/disclosure?lang=en").get_data(as_text=True)


def test_staff_record_an_offline_donors_consent_and_it_defaults_to_none(client, session, auth):
    auth.login(factories.user("fund_manager"))
    form = client.get("/donations/staff?lang=en").get_data(as_text=True)
    assert "The donor agreed to show their name publicly" in form
    for receipt, donor, consent in (("R-c1", "默认匿名", {}),
                                    ("R-c2", "同意公开", {"show_name": "y"})):
        response = client.post("/donations/staff/offline", data={
            "channel": "cash", "amount": "50", "receipt_number": receipt, "donor_name": donor,
            "designation": "", "given_on": "2026-09-05", **consent})
        assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    shown = dict(session.execute(select(Donation.donor_name, Donation.show_name)).all())
    assert shown == {"默认匿名": False, "同意公开": True}
    page = client.get("/donations/?lang=en").get_data(as_text=True)
    assert "同意公开" in page and "默认匿名" not in page


def _row(table: Table, **given) -> dict:
    """A row for `table` with `given` values, and a plain value in every other required column."""
    fill = {"VARCHAR": "x", "TEXT": "x", "INTEGER": 1, "BIGINT": 1, "BOOLEAN": False,
            "DATETIME": datetime(2026, 1, 1, tzinfo=UTC), "TIMESTAMP": datetime(2026, 1, 1),
            "DATE": date(2026, 1, 1)}
    row = {}
    for column in table.columns:
        if column.nullable or column.primary_key or column.server_default is not None:
            continue
        kind = str(column.type).split("(")[0].split(" ")[0].upper()
        row[column.name] = fill.get(kind, "x")
    return row | given


def test_old_gifts_keep_a_shown_name_only_where_a_consent_was_recorded(tmp_path):
    from charity import create_app
    from tests.conftest import TEST_CONFIG
    from tests.test_migrations import scratch_database

    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": scratch_database(tmp_path)})
    with app.app_context():
        flask_migrate.upgrade(revision="0012")
        with db.engine.begin() as connection:
            tables = {name: Table(name, MetaData(), autoload_with=connection)
                      for name in ("user", "recurring_gift", "donation")}
            connection.execute(insert(tables["user"]).values(_row(
                tables["user"], id=1, email="d@songtan.test", fs_uniquifier="u1")))
            for gift_id, show in ((1, True), (2, False)):
                connection.execute(insert(tables["recurring_gift"]).values(_row(
                    tables["recurring_gift"], id=gift_id, donor_id=1, amount_fen=3000,
                    status="active", kind="standing_order", show_name=show)))
            gifts = [  # (id, channel, receipt, recurring gift, anonymous)
                (1, "online", None, None, False), (2, "online", None, None, True),
                (3, "cash", "R-1", None, False), (4, "online", None, 1, False),
                (5, "online", None, 2, True)]
            for gift_id, channel, receipt, recurring, anonymous in gifts:
                connection.execute(insert(tables["donation"]).values(_row(
                    tables["donation"], id=gift_id, token=f"t{gift_id}", channel=channel,
                    status="succeeded", amount_fen=1000, refunded_fen=0, currency="cny",
                    receipt_number=receipt, recurring_id=recurring, anonymous=anonymous,
                    donor_name=f"捐赠人{gift_id}")))
        flask_migrate.upgrade(revision="0013")
        with db.engine.connect() as connection:
            shown = dict(connection.execute(text("SELECT id, show_name FROM donation")).all())
        assert shown == {1: False, 2: False, 3: False, 4: True, 5: False}
        flask_migrate.downgrade(revision="0012")
        with db.engine.connect() as connection:
            hidden = dict(connection.execute(text("SELECT id, anonymous FROM donation")).all())
        assert hidden == {1: True, 2: True, 3: True, 4: False, 5: True}
        db.engine.dispose()
