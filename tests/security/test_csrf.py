"""CSRF: every POST without a valid token is refused with a clear page and changes nothing;
and no GET changes anything."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, url_for

from tests.security.conftest import changed_tables, snapshot
from tests.security.matrix import MATRIX, OK, PUBLIC, SIGNED_OUT
from tests.security.routes import is_server_error, routes
from tests.security.world import IDENTITIES, World, build_world, values_for
from tracker import create_app

CSRF_MESSAGE = "The form had expired or was sent from somewhere else"


@pytest.fixture
def csrf_app(app: Flask, database_url: str, tmp_path) -> Iterator[Flask]:
    """The application with CSRF protection explicitly on, over the test database
    (which the `app` fixture has emptied)."""
    protected = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        MAIL_FILE_DIR=str(tmp_path / "outbox"),
        SERVER_BASE_URL="http://localhost",
        WTF_CSRF_ENABLED=True,
    )
    yield protected
    with protected.app_context():
        from tracker.db import db

        db.session.remove()
        db.engine.dispose()


def test_testing_config_keeps_csrf_protection_on(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True


def _allowed_identity(endpoint: str) -> str:
    """Someone the matrix lets through, so only the token can be the reason for a refusal
    (an administrator when nobody is: the check still comes before the view)."""
    row = MATRIX[endpoint, "POST"]
    allowed = (OK, PUBLIC, SIGNED_OUT)
    return next((i for i, o in zip(IDENTITIES, row, strict=True) if o in allowed), "admin")


def _post_urls(app: Flask, world: World) -> list[tuple[str, str]]:
    urls = []
    for endpoint, method, rule in routes(app):
        if method != "POST" or (endpoint, method) not in MATRIX:
            continue  # undeclared endpoints fail test_matrix.py, which says what to add
        values, missing = values_for(world, endpoint, set(rule.arguments))
        assert not missing, f"add {sorted(missing)} to url_values() in tests/security/world.py"
        with app.test_request_context():
            urls.append((endpoint, url_for(endpoint, **values)))
    return urls


def test_every_post_without_a_valid_token_is_refused_and_changes_nothing(csrf_app):
    world = build_world(csrf_app)
    before = snapshot(csrf_app)
    problems = []
    for endpoint, url in _post_urls(csrf_app, world):
        identity = _allowed_identity(endpoint)
        client = world.client(identity)
        other = "opcc_officer" if identity != "opcc_officer" else "admin"
        for label, data in (
            ("no token", {}),
            ("a made-up token", {"csrf_token": "not-a-real-token"}),
            ("another session's token", {"csrf_token": world.csrf[other]}),
        ):
            response = client.post(url, data={**data, "title": "x", "text": "x", "name": "x"})
            if response.status_code != 400 or CSRF_MESSAGE not in response.text:
                problems.append(f"POST {url} as {identity} with {label}: {response.status_code}")
    assert problems == []
    assert changed_tables(before, snapshot(csrf_app)) == []


def test_csrf_refusal_is_a_clear_page(csrf_app):
    world = build_world(csrf_app)
    response = world.client("admin").post(f"/admin/users/{world.subject.id}/deactivate")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "There is a problem with the request" in response.text
    assert "reload the page and try again" in response.text
    # Still signed in, and the user is still active.
    assert world.client("admin").get("/").status_code == 200
    assert world.client("admin").get(f"/admin/users/{world.subject.id}").status_code == 200
    assert "Deactivated" not in world.client("admin").get(f"/admin/users/{world.subject.id}").text


def test_no_get_request_changes_anything(app):
    world = build_world(app)
    before = snapshot(app)
    requested = []
    for endpoint, method, rule in routes(app):
        if method != "GET" or (endpoint, method) not in MATRIX:
            continue  # undeclared endpoints fail test_matrix.py, which says what to add
        values, missing = values_for(world, endpoint, set(rule.arguments))
        assert not missing, f"add {sorted(missing)} to url_values() in tests/security/world.py"
        with app.test_request_context():
            url = url_for(endpoint, **values)
        response = world.client("admin").get(url)
        assert not is_server_error(response), url
        requested.append(url)
    assert len(requested) > 40
    assert changed_tables(before, snapshot(app)) == []
