from datetime import date
from tests.factories import UserFactory
from tests.factories.base import HOME_STREET, street


def test_nul(client, session):
    for text in ["a\x00b", "ok"]:
        r = client.post("/grievances/new", data={"kind": "complaint", "street": street(HOME_STREET).id,
                                                 "text": text, "phone": "139\x0000001234"})
        print("nul", r.status_code)
    r = client.post("/grievances/track", data={"code": "AB\x00C", "last4": "1234"})
    print("track", r.status_code)
    r = client.post("/grievances/new?lang=en", data={"kind": "complaint", "street": "１",
                                                 "text": "x", "phone": "１３９００００１２３４"})
    print("fullwidth", r.status_code)
    assert 0


def test_budget(client, auth, session):
    auth.login(UserFactory(role="fund_manager"))
    for amt in ["1e999", "-5", "１００", "99999999999999999999", "NaN", "inf", "0.001"]:
        r = client.post("/fund/budget/", data={"document": "渝财" + amt, "issued_on": "2026-02-29",
                                               "amount": amt, "measure": ""})
        print("budget", amt, r.status_code)
    r = client.post("/fund/budget/", data={"document": "渝财2", "issued_on": "1900-01-01",
                                           "amount": "100", "measure": ""})
    print("budget 1900", r.status_code)
    r = client.post("/fund/budget/", data={"document": "渝财3\x00", "issued_on": "2024-02-29",
                                           "amount": "100", "measure": "99"})
    print("budget measure99", r.status_code)
    assert 0
