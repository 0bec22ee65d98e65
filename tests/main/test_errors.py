"""Error pages: styled, informative, and a 500 never keeps half a change."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.db import db


def test_unexpected_error_shows_the_500_page_and_rolls_back(app, client, login_as, officer):
    def explode():
        db.session.add(AuditEvent(entity_type="test", entity_id=1, action="half_done"))
        db.session.flush()
        raise RuntimeError("boom")

    app.add_url_rule("/explode-for-test", view_func=explode)
    login_as(officer)
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    response = client.get("/explode-for-test")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "Nothing you entered was saved" in response.text
    assert "boom" not in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_forbidden_page_is_styled(client, login_as, liaison):
    login_as(liaison)
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "<title>You do not have permission to see this page" in response.text
    assert "govuk-heading-l" in response.text


def test_navigation_shows_only_what_the_role_may_open(client, login_as, liaison, admin):
    login_as(liaison)
    page = client.get("/").text
    assert 'href="/audit/"' not in page
    assert 'href="/admin/users/"' not in page


def test_clashing_save_is_a_409_page_not_a_500(app, client, login_as, officer):
    from sqlalchemy.exc import IntegrityError

    def clash():
        raise IntegrityError("INSERT ...", {}, Exception("unique constraint failed"))

    app.add_url_rule("/clash-for-test", view_func=clash)
    login_as(officer)
    response = client.get("/clash-for-test")
    assert response.status_code == 409
    assert "nothing was saved" in response.text
