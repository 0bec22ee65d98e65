"""Headers, cookies, request logs and the default-deny sign-in gate."""

from __future__ import annotations

import json
import logging

from tracker.security import PUBLIC_ENDPOINTS


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_inline_script_carries_the_nonce_from_the_header(client):
    response = client.get("/login")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.text


def test_hsts_only_with_secure_cookies(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "max-age=" in app.test_client().get("/login").headers["Strict-Transport-Security"]


def test_every_endpoint_needs_sign_in_unless_marked_public(app):
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint in PUBLIC_ENDPOINTS
        or getattr(app.view_functions[rule.endpoint], "is_public", False)
    }
    assert public == {
        "static",
        "main.healthz",
        "main.healthz_detail",
        "auth.login",
        "auth.forgot_password",
        "auth.reset_password",
        "auth.accept_invite",
        "main.accessibility",
        "main.privacy",
        "calendar.feed",
        "calendar.timetable",
        "public.index",
        "public.meetings",
        "public.meeting",
        "public.panel",
        "public.s55",
        "public.publications",
        "public.timetable",
        "public.feed",
    }


def test_each_request_is_logged_as_one_json_line(client, login_as, officer, caplog):
    login_as(officer)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        client.get("/")
    [record] = [r for r in caplog.records if r.name == "tracker.request"]
    assert record.status == 200
    assert record.user_id == officer.id
    assert record.path == "/"
    assert record.duration_ms >= 0


def test_log_formatter_writes_json(app):
    [handler] = [h for h in logging.getLogger().handlers if getattr(h, "_tracker", False)]
    record = logging.LogRecord("tracker.request", logging.INFO, __file__, 1, "request", None, None)
    record.status = 200
    record.user_id = 7
    parsed = json.loads(handler.format(record))
    assert parsed["message"] == "request"
    assert parsed["level"] == "INFO"
    assert parsed["user_id"] == 7
