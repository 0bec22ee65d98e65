"""Browsing the audit trail."""

from __future__ import annotations

import pytest

from tracker.auth.models import Role


def test_officer_sees_sign_in_events(client, login_as, officer):
    login_as(officer)
    page = client.get("/audit/").text
    assert "Signed in" in page
    assert officer.name in page


@pytest.mark.parametrize("role", [Role.FORCE_LIAISON, Role.PANEL_CLERK])
def test_force_and_panel_users_cannot_browse_the_audit_trail(client, login_as, make_user, role):
    login_as(make_user(role))
    assert client.get("/audit/").status_code == 403


def test_filter_by_record_type_and_bad_page_number(client, login_as, officer):
    login_as(officer)
    assert client.get("/audit/?entity_type=user&page=2").status_code == 200
    assert client.get("/audit/?page=-5").status_code == 200
    assert client.get("/audit/?page=abc").status_code == 200


def test_filter_by_person_and_date(client, login_as, officer, admin, auth):
    login_as(admin)
    auth.logout()
    login_as(officer)
    by_admin = client.get(f"/audit/?actor={admin.id}").text
    assert admin.name in by_admin
    assert "Olu Officer" not in by_admin.split("<tbody")[1]
    assert "No events." in client.get("/audit/?from=2001-01-01&to=2001-01-02").text
    assert "No events." not in client.get("/audit/?from=2001-01-01").text


def test_out_of_range_filters_are_ignored_not_errors(client, login_as, officer):
    login_as(officer)
    for query in ("actor=9999999999999999999999999", "page=999999999999999999999999999999"):
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200, query
        assert b"Audit trail" in response.data
