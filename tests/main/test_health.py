"""The health check and the layout every page shares."""


def test_healthz_reports_database_ok_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["dialect"] in {"sqlite", "postgresql"}


def test_healthz_reports_database_failure(app, monkeypatch):
    from tracker.db import db

    def broken(*args, **kwargs):
        raise RuntimeError("database unreachable")

    client = app.test_client()
    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"]["status"] == "error"


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_unknown_page_is_a_styled_404(client, officer, login_as):
    login_as(officer)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<title>Page not found" in response.text
    assert 'class="govuk-heading-l">Page not found' in response.text


def test_signed_in_page_has_title_skip_link_and_service_name(client, officer, login_as):
    login_as(officer)
    page = client.get("/").text
    assert "<title>Home \N{EN DASH} Holding to account tracker</title>" in page
    assert 'href="#main-content"' in page
    assert "Holding to account tracker" in page
    assert "Olu Officer" in page
