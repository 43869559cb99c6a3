"""The dashboard: targets per street against their lines, the offline charts and the PDF."""

import io

import pypdf

from charity.eligibility import add_years
from charity.timeutil import local_today
from tests.factories import PersonFactory, UserFactory
from tests.jobs import exported


def test_dashboard_shows_each_target_with_vendored_echarts(client, auth, session):
    today = local_today()
    PersonFactory(tekun=True, disabled=True, disability_grade=1, centralised_care=True)
    PersonFactory(tekun=True, disabled=True, disability_grade=2)
    PersonFactory(birth_date=add_years(today, -72), street_name="解放碑")
    auth.login(UserFactory(role="admin"))
    page = client.get("/dashboard/?lang=en").get_data(as_text=True)
    assert "/static/vendor/echarts.min.js" in page and "cdn" not in page.lower()
    assert "Disabled tekun in centralised care" in page and "≥80%" in page
    assert "50.0%" in page
    script = client.get("/static/vendor/echarts.min.js")
    assert script.status_code == 200 and b"echarts" in script.data
    script.close()


def test_dashboard_is_scoped_and_the_pdf_is_a_pdf(client, auth, session):
    auth.login(UserFactory(role="street_officer"))
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "七星岗" in page and "解放碑" not in page
    response = exported(client, "/dashboard/dashboard.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and len(response.data) > 1000
    # its fonts are embedded (a viewer without Chinese fonts draws it as printed): the
    # street's name, the figures and the targets' signs are in the text, set in the two
    # embedded fonts, each carrying its file
    page = pypdf.PdfReader(io.BytesIO(response.data)).pages[0]
    fonts = {f.get_object()["/BaseFont"].split("+")[-1]: f.get_object()
             for f in page["/Resources"]["/Font"].values()}
    for name in ("DroidSansFallback", "DejaVuSans"):
        assert "/FontFile2" in fonts[name]["/FontDescriptor"]
    text = page.extract_text()
    assert "≥" in text
    assert "七星岗" in text and any(ch.isdigit() for ch in text)


def test_public_and_helpers_cannot_see_the_dashboard(client, auth, session):
    assert client.get("/dashboard/").status_code == 302
    auth.login(UserFactory(role="cadre"))
    assert client.get("/dashboard/").status_code == 403
