"""Deployment mistakes that users cannot explain are named in the log, once."""

from __future__ import annotations

import logging

import pytest

from tracker import create_app, proxy


@pytest.fixture(autouse=True)
def _forget_warnings():
    proxy._warned.clear()
    yield
    proxy._warned.clear()


def warnings_in(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "tracker.proxy"]


def test_plain_http_with_secure_cookies_is_named_once(app, client, caplog):
    app.config["SESSION_COOKIE_SECURE"] = True
    with caplog.at_level(logging.WARNING, logger="tracker.proxy"):
        client.get("/login")
        client.get("/login")
    [message] = warnings_in(caplog)
    assert "over plain HTTP" in message
    assert "sign-in and every form will fail as expired" in message


def test_https_through_a_trusted_proxy_is_quiet(database_url, caplog):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, TRUSTED_PROXY_COUNT=1)
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        with caplog.at_level(logging.WARNING, logger="tracker.proxy"):
            response = app.test_client().get(
                "/healthz", headers={"X-Forwarded-For": "192.0.2.7", "X-Forwarded-Proto": "https"}
            )
    finally:
        with app.app_context():
            from tracker.db import db

            db.engine.dispose()  # this app's own pool: closed here, not by the collector
    assert response.status_code == 200
    assert warnings_in(caplog) == []


def test_forwarded_headers_without_a_trusted_proxy_are_named(app, client, caplog):
    with caplog.at_level(logging.WARNING, logger="tracker.proxy"):
        client.get("/healthz", headers={"X-Forwarded-For": "192.0.2.7"})
    [message] = warnings_in(caplog)
    assert "TRUSTED_PROXY_COUNT is 0" in message
