"""Administrators can check the audit trail's hash chain from the audit pages."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tracker.auth.models import Role
from tracker.db import db


def test_admin_sees_chain_counts_and_a_link_from_the_audit_trail(client, login_as, admin):
    login_as(admin)
    assert "Check the audit trail for tampering" in client.get("/audit/").text
    page = client.get("/audit/integrity").text
    assert "Audit trail integrity" in page
    assert "Counts agree" in page
    assert "Check every event now" in page


def test_admin_runs_the_full_check(client, login_as, post_form, admin):
    login_as(admin)
    page = post_form("/audit/integrity").text
    assert "Intact" in page
    assert "Audit trail intact: 1 events" in page  # the admin's sign-in


def test_full_check_names_the_tampered_event(app, client, login_as, post_form, admin, auth):
    login_as(admin)
    auth.logout()
    login_as(admin)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET summary = '<b>x</b>' WHERE chain_seq = 2"))
    page = post_form("/audit/integrity").text
    assert "Broken" in page
    assert "Audit trail broken at chain_seq 2" in page
    assert "content was altered" in page


def test_quick_check_spots_an_event_removed_behind_the_applications_back(
    app, client, login_as, admin, auth
):
    login_as(admin)
    auth.logout()
    login_as(admin)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE chain_seq = 1"))
    assert "Events missing or unchained" in client.get("/audit/integrity").text


def test_check_without_a_csrf_token_is_refused(client, login_as, admin):
    login_as(admin)
    response = client.post("/audit/integrity")
    assert response.status_code == 400
    assert "Audit trail intact" not in response.text


@pytest.mark.parametrize("role", [Role.OPCC_OFFICER, Role.FORCE_LIAISON, Role.PANEL_CLERK])
def test_only_administrators_can_check_the_chain(client, login_as, post_form, make_user, role):
    login_as(make_user(role))
    assert client.get("/audit/integrity").status_code == 403
    # A valid CSRF token (from the home page), so the refusal is the permission check's.
    refused = post_form("/audit/integrity", form_page="/")
    assert refused.status_code == 403
    assert "Audit trail intact" not in refused.text


def test_officer_sees_no_link_to_the_check(client, login_as, officer):
    login_as(officer)
    assert "Check the audit trail for tampering" not in client.get("/audit/").text


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/audit/integrity")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
