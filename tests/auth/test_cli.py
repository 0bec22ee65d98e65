"""`flask users create-admin` and `flask seed-demo`."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import AuthActions
from tracker.auth.models import Role, User
from tracker.db import db


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_create_admin_makes_an_administrator_who_can_sign_in(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--name",
            "Dana Admin",
            "--email",
            "Dana.Admin@OPCC.example.org",
            "--password",
            "meadow-falcon-tartan-river",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator Dana Admin" in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "dana.admin@opcc.example.org"
        assert user.role == Role.ADMIN
    client = app.test_client()
    assert (
        AuthActions(client)
        .login("dana.admin@opcc.example.org", "meadow-falcon-tartan-river")
        .status_code
        == 302
    )
    assert client.get("/admin/users/").status_code == 200


def test_create_admin_refuses_a_weak_password(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--name",
            "Dana Admin",
            "--email",
            "dana@example.org",
            "--password",
            "password1234",
        ]
    )
    assert result.exit_code != 0
    assert "too easy to guess" in result.output
    assert count_users(app) == 0


def test_create_admin_refuses_a_duplicate_email(app, runner, admin):
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--name",
            "Other",
            "--email",
            admin.email.upper(),
            "--password",
            "meadow-falcon-tartan-river",
        ]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert count_users(app) == 1


def test_seed_demo_creates_one_user_per_role_and_prints_logins(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        roles = sorted(u.role.value for u in db.session.scalars(select(User)))
    assert roles == sorted(r.value for r in Role)
    from tracker.demo import DEMO_USERS

    for demo in DEMO_USERS:
        assert demo.email in result.output
        assert demo.password in result.output
        client = app.test_client()
        assert AuthActions(client).login(demo.email, demo.password).status_code == 302


def test_seed_demo_is_idempotent(app, runner):
    runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "already existed" in second.output
    assert count_users(app) == len(Role)


def test_seed_demo_is_refused_in_production(app, runner):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "Refusing" in result.output
    assert count_users(app) == 0


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, runner, admin):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "no demo data added" in result.output
    assert count_users(app) == 1


def test_seed_demo_if_empty_seeds_an_empty_database(app, runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert count_users(app) == len(Role)
