"""Security headers on every response, cookie flags per environment, and safe redirects
after sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for

import config
from tests.conftest import DEFAULT_PASSWORD, csrf_token_from
from tests.security.matrix import MATRIX
from tests.security.routes import routes
from tests.security.world import build_world, values_for
from tracker import create_app

# Random-looking keys, as production demands (see config.weak_key_problem).
SECRET = "hT4q-Zr8WmX2pLk9Vb3sNf7Yc1Jd6Ge0Ua5Ro"
AUDIT_KEY = "Qm7Kx2Vb9Lp4Tz8Nc3Hr6Wd1Fs5Gj0Ye-Ua"


def directives(csp: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}."""
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def header_problems(response, url: str) -> list[str]:
    problems = []
    headers = response.headers
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: X-Content-Type-Options missing")
    if not headers.get("Referrer-Policy"):
        problems.append(f"{url}: Referrer-Policy missing")
    if response.mimetype == "text/html":
        csp = directives(headers.get("Content-Security-Policy", ""))
        scripts = csp.get("script-src", csp.get("default-src", []))
        if not scripts:
            problems.append(f"{url}: no script-src in the Content-Security-Policy")
        if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
            problems.append(f"{url}: script-src allows inline or eval scripts")
        if csp.get("frame-ancestors") != ["'none'"]:
            problems.append(f"{url}: frame-ancestors is not 'none'")
        if csp.get("object-src") != ["'none'"]:
            problems.append(f"{url}: object-src is not 'none'")
    return problems


def test_every_response_carries_the_security_headers(app):
    """Every declared GET as someone signed out, an administrator and the force: pages,
    downloads, PDFs, 403s, 404s and redirects."""
    world = build_world(app)
    problems = []
    seen_html = 0
    for endpoint, method, rule in routes(app):
        if method != "GET" or (endpoint, method) not in MATRIX:
            continue
        values, _ = values_for(world, endpoint, set(rule.arguments))
        with app.test_request_context():
            url = url_for(endpoint, **values)
        for identity in ("anonymous", "admin", "force_liaison"):
            response = world.client(identity).get(url)
            seen_html += response.mimetype == "text/html"
            problems += header_problems(response, f"GET {url} as {identity}")
    assert problems == []
    assert seen_html > 60


def test_error_pages_carry_the_security_headers(app, world):
    responses = {
        "404": world.client("admin").get("/no-such-page"),
        "403": world.client("force_liaison").get("/admin/users/"),
        "400 (CSRF)": world.client("admin").post("/logout"),
        "405": world.client("admin").get("/logout"),
    }
    for label, response in responses.items():
        assert response.mimetype == "text/html", label
        assert header_problems(response, label) == []


@pytest.fixture
def production_app(app: Flask, database_url: str, monkeypatch) -> Iterator[Flask]:
    """The production settings (keys and a database supplied as the environment would)."""
    # config.py may have been reloaded by another test: patch the class in use now.
    production_config = config.ProductionConfig
    monkeypatch.setattr(production_config, "SECRET_KEY", SECRET)
    monkeypatch.setattr(production_config, "AUDIT_KEY", AUDIT_KEY)
    monkeypatch.setattr(production_config, "SERVER_BASE_URL", "https://tracker.example.org")
    monkeypatch.setattr(production_config, "DATABASE_URL_SET", True)
    production = create_app("production", SQLALCHEMY_DATABASE_URI=database_url)
    yield production
    with production.app_context():
        from tracker.db import db

        db.session.remove()
        db.engine.dispose()


def _cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if "tracker_session=" in c]
    assert cookies, "no session cookie set"
    return cookies[0]


def test_production_sends_hsts_and_secure_session_cookies(production_app):
    client = production_app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert response.status_code == 200
    hsts = response.headers["Strict-Transport-Security"]
    assert "max-age=" in hsts
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    cookie = _cookie(response)
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_testing_sends_no_hsts_and_no_secure_flag(client):
    response = client.get("/login")
    assert "Strict-Transport-Security" not in response.headers
    cookie = _cookie(response)
    assert "Secure" not in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_development_config_has_no_hsts(app, database_url, monkeypatch, tmp_path):
    monkeypatch.setattr("config.INSTANCE_DIR", tmp_path)
    development = create_app("development", SECRET_KEY=SECRET, SQLALCHEMY_DATABASE_URI=database_url)
    response = development.test_client().get("/login")
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in _cookie(response)
    with development.app_context():
        from tracker.db import db

        db.engine.dispose()


# Sign-in redirects ----------------------------------------------------------------

OFF_SITE = [
    "https://evil.example",
    "http://evil.example/login",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    "http://localhost@evil.example",
    "//localhost@evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "%2F%2Fevil.example",
    "%2f%5cevil.example",
    "/%09/evil.example",
    "//%65vil.example",
    "https%3A%2F%2Fevil.example",
    "\u3002//evil.example",
    "/\u2215\u2215evil.example",
]


def _is_on_site(location: str) -> bool:
    """A Location a browser resolves to this host."""
    parts = urlsplit(location)
    return (
        parts.scheme in ("", "http")
        and parts.netloc in ("", "localhost")
        and location.startswith("/")
        and not location.startswith("//")
        and "\\" not in location
        and location.isascii()
        and all(ord(ch) >= 32 for ch in location)
    )


@pytest.mark.parametrize("carried_in", ["query", "form"])
def test_next_parameter_never_leaves_the_site(app, client, officer, carried_in):
    failures = []
    for target in OFF_SITE:
        page = client.get("/login")
        form = {
            "email": officer.email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token_from(page.text),
        }
        if carried_in == "form":
            form["next"] = target
            response = client.post("/login", data=form)
        else:
            response = client.post("/login", data=form, query_string={"next": target})
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not _is_on_site(location):
            failures.append((target, response.status_code, location))
        home = client.get("/")
        client.post("/logout", data={"csrf_token": csrf_token_from(home.text)})
    assert failures == []


def test_next_parameter_still_returns_to_a_page_on_the_site(client, officer):
    page = client.get("/login?next=/actions/%3Fstatus%3Dopen")
    response = client.post(
        "/login",
        data={
            "email": officer.email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token_from(page.text),
        },
        query_string={"next": "/actions/?status=open"},
    )
    assert response.headers["Location"] == "/actions/?status=open"
