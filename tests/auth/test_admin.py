"""User administration: invitations, role changes, deactivation, conflicts and permissions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token_from, link_in
from tracker.audit.models import AuditEvent
from tracker.auth.models import Organisation, Role, User
from tracker.db import db


def get_user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def invite(post_form, **fields):
    data = {"name": "Nia New", "email": "nia.new@police.example.org", "role": "force_liaison"}
    data.update(fields)
    return post_form("/admin/users/new", data)


@pytest.mark.parametrize("role", [Role.OPCC_OFFICER, Role.FORCE_LIAISON, Role.PANEL_CLERK])
def test_only_admins_reach_user_administration(client, login_as, make_user, role):
    login_as(make_user(role))
    assert client.get("/admin/users/").status_code == 403
    assert client.get("/admin/users/new").status_code == 403


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_admin_invites_a_user_who_receives_an_email(
    app, client, login_as, admin, post_form, smtp_server
):
    login_as(admin)
    response = invite(post_form)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nia.new@police.example.org"))
        assert user.role == Role.FORCE_LIAISON
        assert user.organisation == Organisation.FORCE
        assert user.password_hash is None
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == user.id)).all()
        assert [e.action for e in events] == ["created"]
        assert events[0].actor_id == admin.id
    [message] = smtp_server.to("nia.new@police.example.org")
    assert "invited" in message["Subject"]
    assert link_in(message).startswith("/invitation/")


def test_invited_user_sets_a_password_and_signs_in(
    app, client, login_as, admin, post_form, smtp_server
):
    login_as(admin)
    invite(post_form)
    path = link_in(smtp_server.to("nia.new@police.example.org")[0])
    newcomer = app.test_client()
    page = newcomer.get(path)
    assert "Set up your account" in page.text
    newcomer.post(
        path,
        data={
            "password": "quartz-heron-sandal-ninety",
            "confirm": "quartz-heron-sandal-ninety",
            "csrf_token": csrf_token_from(page.text),
        },
    )
    assert (
        AuthActions(newcomer)
        .login("nia.new@police.example.org", "quartz-heron-sandal-ninety")
        .status_code
        == 302
    )
    assert newcomer.get(path).status_code == 400  # the invitation is used up


def test_duplicate_email_is_refused_whatever_its_case(app, login_as, admin, officer, post_form):
    login_as(admin)
    response = invite(post_form, email="OLU.OFFICER@opcc.example.org")
    assert response.status_code == 200
    assert "already exists" in response.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id))) == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Enter the person&#39;s full name"),
        ({"name": "x" * 121}, "120 characters or fewer"),
        ({"email": "not-an-email"}, "correct format"),
        ({"role": "superuser"}, "Not a valid choice"),
        ({"role": ""}, "Select a role"),
        ({"name": "Bad\x00Name"}, "control characters"),
    ],
)
def test_invalid_invitation_explains_and_saves_nothing(
    app, login_as, admin, post_form, fields, message
):
    login_as(admin)
    response = invite(post_form, **fields)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert message in response.text
    assert "<title>Error: Invite a user" in response.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_admin_changes_a_role_and_the_organisation_follows(
    app, login_as, admin, officer, post_form
):
    login_as(admin)
    edit_url = f"/admin/users/{officer.id}/edit"
    response = post_form(
        edit_url,
        {"name": officer.name, "email": officer.email, "role": "force_liaison", "version": "1"},
    )
    assert response.status_code == 302
    changed = get_user(app, officer.id)
    assert changed.role == Role.FORCE_LIAISON
    assert changed.organisation == Organisation.FORCE
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "updated")).one()
        assert event.changes["role"] == ["opcc_officer", "force_liaison"]


def test_role_change_signs_the_user_out(app, login_as, admin, officer, post_form):
    officer_client = app.test_client()
    AuthActions(officer_client).login(officer.email)
    login_as(admin)
    post_form(
        f"/admin/users/{officer.id}/edit",
        {"name": officer.name, "email": officer.email, "role": "panel_clerk", "version": "1"},
    )
    assert officer_client.get("/").status_code == 302


def test_stale_edit_is_refused_and_does_not_overwrite(app, login_as, admin, officer, post_form):
    login_as(admin)
    edit_url = f"/admin/users/{officer.id}/edit"
    post_form(
        edit_url,
        {"name": "First Editor", "email": officer.email, "role": "opcc_officer", "version": "1"},
    )
    response = post_form(
        edit_url,
        {"name": "Second Editor", "email": officer.email, "role": "opcc_officer", "version": "1"},
        follow_redirects=True,
    )
    assert "This user was changed by Ada Admin while you were editing (name)" in response.text
    assert get_user(app, officer.id).name == "First Editor"


def test_deactivation_takes_effect_on_the_next_request(app, login_as, admin, officer, post_form):
    officer_client = app.test_client()
    AuthActions(officer_client).login(officer.email)
    assert officer_client.get("/").status_code == 200
    login_as(admin)
    response = post_form(
        f"/admin/users/{officer.id}/deactivate", form_page=f"/admin/users/{officer.id}"
    )
    assert response.status_code == 302
    assert officer_client.get("/").status_code == 302
    assert get_user(app, officer.id).active is False


def test_deactivated_user_is_kept_and_can_be_reactivated(
    app, client, login_as, admin, officer, post_form
):
    login_as(admin)
    post_form(f"/admin/users/{officer.id}/deactivate", form_page=f"/admin/users/{officer.id}")
    assert "Deactivated" in client.get("/admin/users/").text
    post_form(f"/admin/users/{officer.id}/reactivate", form_page=f"/admin/users/{officer.id}")
    assert get_user(app, officer.id).active is True
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_id == officer.id)
            .order_by(AuditEvent.id)
        ).all()
    assert actions[-2:] == ["deactivated", "reactivated"]


def test_admin_cannot_deactivate_themselves(app, client, login_as, admin, post_form):
    login_as(admin)
    response = post_form(
        f"/admin/users/{admin.id}/deactivate", form_page=f"/admin/users/{admin.id}"
    )
    assert response.status_code == 403
    assert get_user(app, admin.id).active is True


def test_deactivate_without_csrf_token_changes_nothing(app, client, login_as, admin, officer):
    login_as(admin)
    response = client.post(f"/admin/users/{officer.id}/deactivate")
    assert response.status_code == 400
    assert get_user(app, officer.id).active is True


def test_missing_user_is_404(client, login_as, admin):
    login_as(admin)
    assert client.get("/admin/users/9999").status_code == 404


def test_user_page_escapes_names(app, client, login_as, admin, make_user):
    user = make_user(Role.OPCC_OFFICER, name="<script>alert(1)</script>")
    login_as(admin)
    page = client.get(f"/admin/users/{user.id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_user_list_filters_by_organisation(client, login_as, admin, officer, liaison):
    login_as(admin)
    page = client.get("/admin/users/?organisation=force").text
    assert liaison.name in page
    assert officer.name not in page


def test_stale_edit_shows_the_form_again_with_409_and_the_input_kept(
    app, login_as, admin, officer, post_form
):
    login_as(admin)
    edit_url = f"/admin/users/{officer.id}/edit"
    post_form(
        edit_url,
        {"name": "First Editor", "email": officer.email, "role": "opcc_officer", "version": "1"},
    )
    response = post_form(
        edit_url,
        {"name": "Second Editor", "email": officer.email, "role": "opcc_officer", "version": "1"},
    )
    assert response.status_code == 409
    assert 'value="Second Editor"' in response.text
    assert 'name="version" type="hidden" value="2"' in response.text
